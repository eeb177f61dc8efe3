"""``torch.fx.graph_module``: a Module whose ``forward`` is Python code generated from a
:class:`~numtorch.fx.Graph`."""

from __future__ import annotations

import copy
import linecache
import os
from pathlib import Path
from typing import Any

from ..nn.modules.module import Module
from .graph import Graph

__all__ = ["GraphModule"]

_COUNTER = [0]


def _copy_attr(src: Any, dst: Module, target: str) -> None:
    *prefix, field = target.split(".")
    for item in prefix:
        f = getattr(src, item)
        t = getattr(dst, item, None)
        if f is t:
            return
        if t is None:
            t = Module()
            setattr(dst, item, t)
        src, dst = f, t
    orig = getattr(src, field)
    buffers = getattr(src, "_buffers", {})
    from .._tensor import Tensor
    from ..nn.parameter import Parameter

    if field in buffers and field not in dst.__dict__.get("_buffers", {}):
        persistent = field not in getattr(src, "_non_persistent_buffers_set", set())
        dst.register_buffer(field, orig, persistent=persistent)
    elif isinstance(orig, Tensor) and not isinstance(orig, Parameter) \
            and field not in dst.__dict__.get("_buffers", {}):
        dst.register_buffer(field, orig)
    else:
        setattr(dst, field, orig)


def _assign_attr(value: Any, dst: Module, target: str) -> None:
    *prefix, field = target.split(".")
    for item in prefix:
        t = getattr(dst, item, None)
        if t is None:
            t = Module()
            setattr(dst, item, t)
        dst = t
    setattr(dst, field, value)


class GraphModule(Module):
    """``torch.fx.GraphModule``: built from ``root`` (a Module, whose attributes used by the
    graph are copied, or a dict of qualified name -> value) and a :class:`Graph`; ``forward``
    is compiled from the graph (``code``) and rebuilt by :meth:`recompile`. Each instance gets
    its own class named ``class_name`` (as torch.fx)."""

    def __new__(cls, *args: Any, **kwargs: Any):
        for t in cls.__mro__:
            c = t.__qualname__.split(".")[-1]
            if c != "GraphModuleImpl":
                cls = t
                break

        class GraphModuleImpl(cls):  # type: ignore[valid-type, misc]
            pass

        return super().__new__(GraphModuleImpl)

    def __init__(self, root: Module | dict, graph: Graph,
                 class_name: str = "GraphModule") -> None:
        super().__init__()
        self.__class__.__name__ = class_name
        if isinstance(root, Module):
            if hasattr(root, "training"):
                self.training = root.training
            for node in graph.nodes:
                if node.op in ("get_attr", "call_module"):
                    _copy_attr(root, self, node.target)
        elif isinstance(root, dict):
            for node in graph.nodes:
                if node.op in ("get_attr", "call_module"):
                    if node.target not in root:
                        raise RuntimeError(f"Node {node} referenced target {node.target} but "
                                           "that target was not provided in ``root``!")
                    _assign_attr(root[node.target], self, node.target)
        else:
            raise RuntimeError("Unsupported type " + str(root) + " passed for root!")
        self.graph = graph

    # -- the graph and its code -----------------------------------------------------------------
    @property
    def graph(self) -> Graph:
        """The graph (setting one recompiles ``forward``)."""
        return self.__dict__["_graph"]

    @graph.setter
    def graph(self, g: Graph) -> None:
        if not isinstance(g, Graph):
            raise AssertionError(f"Expected a Graph instance, but got {type(g)}")
        self.__dict__["_graph"] = g
        g.owning_module = self
        self.recompile()

    @property
    def code(self) -> str:
        """The Python source of ``forward``."""
        return self.__dict__["_code"]

    def recompile(self) -> Any:
        """Regenerate ``forward`` from the graph (after editing it); returns the PythonCode."""
        python_code = self.graph.python_code(root_module="self")
        self.__dict__["_code"] = python_code.src
        _COUNTER[0] += 1
        key = f"<eval_with_key>.{_COUNTER[0]}"
        linecache.cache[key] = (len(python_code.src), None, python_code.src.splitlines(True),
                                key)
        globs = dict(python_code.globals)
        self.__dict__["_code_globals"] = {k: v for k, v in globs.items()
                                          if k not in ("torch", "device", "NoneType", "inf",
                                                       "nan")}
        exec(compile(python_code.src, key, "exec"), globs)
        type(self).forward = globs["forward"]
        return python_code

    def print_readable(self, print_output: bool = True, include_stride: bool = False,
                       include_device: bool = False, colored: bool = False, **_: Any) -> str:
        """The generated code as a class (``class Name(torch.nn.Module):``), printed and
        returned, as torch.fx's (without the stack-trace comments)."""
        body = self.code.strip("\n").rstrip()
        lines = [f"class {type(self).__name__}(torch.nn.Module):"]
        for line in body.splitlines():
            lines.append(f"    {line}" if line else "")
            if line.startswith("def forward"):
                lines.append("        # No stacktrace found for following nodes")
        text = "\n".join(lines) + "\n        "
        if print_output:
            print(text)
        return text

    def __reduce__(self):
        body = {k: v for k, v in self.__dict__.items()
                if k not in ("_graph", "_code", "_code_globals")}
        return (_rebuild, (body, self.code, self.__dict__.get("_code_globals", {}),
                           type(self).__name__))

    def __str__(self) -> str:
        return f"{Module.__repr__(self)}\n\n\n\n{self.code}"

    def __copy__(self) -> GraphModule:
        res = GraphModule(self, self.graph, type(self).__name__)
        res.__dict__.update({k: v for k, v in self.__dict__.items() if k not in res.__dict__})
        return res

    def __deepcopy__(self, memo: dict) -> GraphModule:
        fake = Module.__new__(Module)
        fake.__dict__.update(copy.deepcopy({k: v for k, v in self.__dict__.items()
                                            if k not in ("_graph", "_code")}, memo))
        graph = Graph()
        out = graph.graph_copy(self.graph, {})
        graph.output(out)
        return GraphModule(fake, graph)

    # -- editing submodules ---------------------------------------------------------------------
    def add_submodule(self, target: str, m: Module) -> bool:
        """Install ``m`` at the dotted path ``target`` (creating empty Modules on the way);
        False when a non-Module is in the way."""
        *prefix, field = target.split(".")
        mod: Module = self
        for item in prefix:
            sub = getattr(mod, item, None)
            if sub is None:
                sub = Module()
                mod.add_module(item, sub)
            if not isinstance(sub, Module):
                return False
            mod = sub
        mod.add_module(field, m)
        return True

    def delete_submodule(self, target: str) -> bool:
        """Remove the submodule at ``target``; False when there is none."""
        *prefix, field = target.split(".")
        mod: Module = self
        for item in prefix:
            if not hasattr(mod, item):
                return False
            mod = getattr(mod, item)
            if not isinstance(mod, Module):
                return False
        if not hasattr(mod, field):
            return False
        if not isinstance(getattr(mod, field), Module):
            return False
        delattr(mod, field)
        return True

    def delete_all_unused_submodules(self) -> None:
        """Remove the submodules no call_module or get_attr node uses."""
        used: set = set()
        for node in self.graph.nodes:
            if node.op in ("call_module", "get_attr"):
                atoms = node.target.split(".")
                used.update(".".join(atoms[:i]) for i in range(1, len(atoms) + 1))
                if node.op == "call_module":
                    sub = self.get_submodule(node.target)
                    used.update(f"{node.target}.{n}" for n, _ in sub.named_modules()
                                if n)
        for name, _ in list(self.named_modules()):
            if name and name not in used:
                self.delete_submodule(name)

    def to_folder(self, folder: str | os.PathLike, module_name: str = "FxModule") -> None:
        """Write ``module.py`` (the code as a class) and ``state_dict.pt`` into ``folder``, as
        torch.fx's (submodules are saved whole with ``numtorch.save``)."""
        import numtorch

        folder = Path(folder)
        folder.mkdir(exist_ok=True)
        numtorch.save(self.state_dict(), folder / "state_dict.pt")
        lines = ["import torch", "from torch.nn import *", "", "",
                 f"class {module_name}(torch.nn.Module):", "    def __init__(self):",
                 "        super().__init__()"]
        for name, mod in self.named_children():
            numtorch.save(mod, folder / f"{name}.pt")
            lines.append(f"        self.{name} = torch.load(r'{folder / (name + '.pt')}', "
                         "weights_only=False)")
        for name, p in self._parameters.items():
            lines.append(f"        self.{name} = torch.nn.Parameter(torch.empty("
                         f"{list(p.shape)}, dtype={p.dtype}))")
        for name, b in self._buffers.items():
            lines.append(f"        self.register_buffer('{name}', torch.empty("
                         f"{list(b.shape)}, dtype={b.dtype}))")
        lines.append("        self.load_state_dict(torch.load(r'"
                     f"{folder / 'state_dict.pt'}'), strict=False)")
        code = "\n".join("    " + ln if ln else ln for ln in self.code.strip("\n").splitlines())
        (folder / "module.py").write_text("\n".join(lines) + "\n\n" + code + "\n")
        (folder / "__init__.py").write_text(f"from .module import {module_name}\n")


def _rebuild(body: dict, code: str, code_globals: dict, class_name: str) -> GraphModule:
    """Unpickle a GraphModule: its module state, then its graph traced again from its code
    with every submodule kept as a leaf; the class is named ``GraphModule`` again (as
    torch.fx's)."""
    from ._symbolic_trace import Tracer
    from .graph import code_globals as base_globals

    globs = {**base_globals(), **code_globals}
    exec(compile(code, "<reduced graph module>", "exec"), globs)
    holder = type(class_name, (Module,), {"forward": globs["forward"]})
    root = Module.__new__(holder)
    root.__dict__.update(body)

    class KeepModules(Tracer):
        def is_leaf_module(self, m: Module, qualname: str) -> bool:
            return True

    graph = KeepModules().trace(root)
    gm = GraphModule(root, graph)
    for k, v in body.items():
        gm.__dict__.setdefault(k, v)
    return gm
