"""Generate ``_tensor.pyi``, the stub that shows editors and type checkers the whole ``Tensor``.

Most Tensor methods are registered by the op modules (``@tensor_method``) and set on the class at
import, so static tools reading ``_tensor.py`` would see none of them. The stub is written from
the live class: every attribute, with its signature as far as ``inspect.signature`` gives it,
its properties and its docstring. Run after adding, renaming or changing a method::

    PYTHONPATH=src python -m numtorch._stubgen          # rewrite src/numtorch/_tensor.pyi
    PYTHONPATH=src python -m numtorch._stubgen --check  # exit 1 when the stub is stale

The output depends only on the code (names sorted, defaults shown only when they are plain
literals, imports derived from the annotations), so regenerating an unchanged tree gives the
same text; ``tests/test_tensor_stub.py`` fails when the checked-in stub differs.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import sys
import types
from pathlib import Path

COMMAND = "PYTHONPATH=src python -m numtorch._stubgen"
HEADER = (f"# Generated from the live Tensor class by `{COMMAND}`; do not edit.\n"
          "# ruff: noqa\n")
# ``__getattr__`` is what ``numtorch.compat`` sets at run time to name missing attributes; in
# the stub it would make every attribute valid, so it is never written
_SKIP = {"__dict__", "__weakref__", "__slots__", "__module__", "__doc__", "__qualname__",
         "__annotations__", "__getattr__"}
_LITERALS = (type(None), bool, int, float, str, bytes)
_MISSING = object()


class _Raw:
    """Text that ``inspect.Signature`` prints as is (an annotation or a default)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


class _Imports:
    """The imports the stub needs, collected from the names its annotations use."""

    def __init__(self, local: dict) -> None:
        self.local = local          # names the stub itself defines -> object
        self.bound: dict[str, tuple] = {}   # name in the stub -> (module, name or None)

    def spec(self, name: str, g: dict):
        """How ``name`` (as ``g``, a module's globals, sees it) is reached from the stub: ``()``
        (defined in the stub or a builtin), ``(module, attr)`` (an import; attr None: the
        module itself), or None (unknown: the annotation is left out)."""
        value = g.get(name, _MISSING)
        if name in self.local and value in (_MISSING, self.local[name]):
            return ()
        if value is _MISSING:
            return () if name in builtins.__dict__ else None
        if value is getattr(builtins, name, _MISSING):
            return ()
        if isinstance(value, types.ModuleType):
            return (value.__name__, None)
        mod = getattr(value, "__module__", None)
        if isinstance(mod, str) and getattr(sys.modules.get(mod), name, _MISSING) is value:
            return (mod, name)
        return (g.get("__name__"), name)

    def lines(self) -> list[str]:
        out = []
        for alias, (mod, attr) in sorted(self.bound.items(), key=lambda kv: (kv[1][1] is not None,
                                                                           kv[1][0], kv[0])):
            if attr is None:
                out.append(f"import {mod}" if mod == alias else f"import {mod} as {alias}")
            else:
                out.append(f"from {mod} import {attr}" if attr == alias
                           else f"from {mod} import {attr} as {alias}")
        return out


class _Writer:
    def __init__(self, module) -> None:
        self.module = module
        local = {}
        for name, value in vars(module).items():
            if not name.startswith("__") and _defined_in(value, module):
                local[name] = value
        self.local = local
        self.imports = _Imports(local)
        self.out: list[str] = []

    # -- annotations and defaults --------------------------------------------------------
    def annotation(self, ann, g: dict, shadowed=frozenset()) -> str | None:
        """The stub text of an annotation, or None to leave it out. ``shadowed`` are the class
        attribute names that would hide a global of the same name inside the class body."""
        if ann is inspect.Parameter.empty or ann is inspect.Signature.empty:
            return None
        if ann is None:
            return "None"
        if isinstance(ann, type):
            if ann.__module__ != "builtins" and "." in ann.__qualname__:
                return None
            g = {ann.__name__: ann, "__name__": ann.__module__}
            ann = ann.__name__
        if not isinstance(ann, str):
            return None
        try:
            tree = ast.parse(ann, mode="eval")
        except SyntaxError:
            return None
        wanted = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                return None
            if isinstance(node, ast.Name):
                spec = self.imports.spec(node.id, g)
                if spec is None:
                    return None
                wanted[node.id] = spec
        renames = {}
        for name, spec in sorted(wanted.items()):
            alias = name
            if name in shadowed:
                if not spec:
                    if name in self.local:
                        continue  # the class itself (``Tensor``) or a stub-level name
                    spec = ("builtins", None)
                    renames[name] = "builtins." + name
                    alias = "builtins"
                else:
                    alias = "_" + name
                    renames[name] = alias
            if spec:
                have = self.imports.bound.get(alias)
                if have is not None and have != spec:
                    return None
        for name, spec in sorted(wanted.items()):
            alias = renames.get(name, name)
            if alias.startswith("builtins."):
                self.imports.bound["builtins"] = ("builtins", None)
            elif spec:
                self.imports.bound[alias] = spec
        if renames:
            tree = _Rename(renames).visit(tree)
        return ast.unparse(tree)

    @staticmethod
    def default(value) -> str:
        if _plain_literal(value):
            return repr(value)
        return "..."

    def signature(self, fn, shadowed=frozenset(), drop_first: bool = False) -> str:
        try:
            sig = inspect.signature(fn)
        except (TypeError, ValueError):
            return "(self, *args, **kwargs)"
        g = getattr(fn, "__globals__", {})
        params = []
        for p in sig.parameters.values():
            ann = self.annotation(p.annotation, g, shadowed)
            params.append(p.replace(
                annotation=inspect.Parameter.empty if ann is None else _Raw(ann),
                default=p.default if p.default is inspect.Parameter.empty
                else _Raw(self.default(p.default))))
        ret = self.annotation(sig.return_annotation, g, shadowed)
        sig = sig.replace(parameters=params,
                          return_annotation=inspect.Signature.empty if ret is None
                          else _Raw(ret))
        return str(sig)

    # -- output ------------------------------------------------------------------------------
    def emit(self, text: str, indent: int) -> None:
        self.out.append("    " * indent + text if text else "")

    def docstring(self, obj, indent: int) -> None:
        doc = getattr(obj, "__doc__", None)
        if not isinstance(doc, str) or not doc.strip():
            return
        doc = inspect.cleandoc(doc).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
        if doc.endswith('"'):
            doc = doc[:-1] + '\\"'
        lines = doc.split("\n")
        if len(lines) == 1:
            self.emit(f'"""{lines[0]}"""', indent)
            return
        self.emit('"""' + lines[0], indent)
        for line in lines[1:]:
            self.emit(line, indent if line else 0)
        self.emit('"""', indent)

    def function(self, name: str, fn, indent: int, shadowed=frozenset(), decorator=None) -> None:
        if decorator:
            self.emit(f"@{decorator}", indent)
        sig = self.signature(fn, shadowed)
        self.emit(f"def {name}{sig}:", indent)
        before = len(self.out)
        self.docstring(fn, indent + 1)
        if len(self.out) == before:
            self.out[-1] += " ..."

    def attribute(self, cls, name: str, value, shadowed) -> None:
        if isinstance(value, staticmethod):
            self.function(name, value.__func__, 1, shadowed, "staticmethod")
        elif isinstance(value, classmethod):
            self.function(name, value.__func__, 1, shadowed, "classmethod")
        elif isinstance(value, property):
            fget = value.fget
            ret = None
            if fget is not None:
                try:
                    ret = self.annotation(inspect.signature(fget).return_annotation,
                                          fget.__globals__, shadowed)
                except (TypeError, ValueError, AttributeError):
                    ret = None
            self.emit("@property", 1)
            self.emit(f"def {name}(self)" + (f" -> {ret}" if ret else "") + ":", 1)
            before = len(self.out)
            self.docstring(fget if fget is not None and fget.__doc__ else value, 2)
            if len(self.out) == before:
                self.out[-1] += " ..."
            if value.fset is not None:
                self.emit(f"@{name}.setter", 1)
                self.function(name, value.fset, 1, shadowed)
        elif callable(value) and isinstance(value, types.FunctionType):
            self.function(name, value, 1, shadowed)
        elif isinstance(value, types.MemberDescriptorType):
            ann = cls.__dict__.get("__annotations__", {}).get(name)
            text = self.annotation(ann, vars(self.module), shadowed) if ann else None
            self.emit(f"{name}: {text or self._any()}", 1)
        else:
            self.emit(f"{name}: {self.value_type(value)}", 1)

    def _any(self) -> str:
        self.imports.bound["Any"] = ("typing", "Any")
        return "Any"

    def value_type(self, value) -> str:
        t = type(value)
        if t in (bool, int, float, str, bytes, tuple, list, dict, set, frozenset):
            return t.__name__
        return self._any()

    def klass(self, cls) -> None:
        bases = [b.__name__ for b in cls.__bases__ if b is not object]
        self.emit(f"class {cls.__name__}" + (f"({', '.join(bases)})" if bases else "") + ":", 0)
        self.docstring(cls, 1)
        names = sorted(n for n in vars(cls) if n not in _SKIP)
        shadowed = frozenset(names)
        for name in names:
            self.attribute(cls, name, cls.__dict__[name], shadowed)
        self.emit("", 0)
        self.emit("", 0)

    def write(self) -> str:
        mod = self.module
        body_start = len(self.out)
        consts = []
        for name in sorted(self.local):
            value = self.local[name]
            if isinstance(value, type):
                continue
            if isinstance(value, types.FunctionType):
                continue
            consts.append(f"{name}: {self.value_type(value)}")
        self.out.extend(consts)
        if consts:
            self.emit("", 0)
            self.emit("", 0)
        for name in sorted(self.local):
            value = self.local[name]
            if isinstance(value, type):
                self.klass(value)
        for name in sorted(self.local):
            value = self.local[name]
            if isinstance(value, types.FunctionType):
                self.function(name, value, 0)
                self.emit("", 0)
                self.emit("", 0)
        body = self.out[body_start:]
        while body and not body[-1]:
            body.pop()
        head = [HEADER.rstrip("\n")]
        self.out = []
        self.docstring(mod, 0)
        head += self.out
        head += ["", "from __future__ import annotations", ""]
        head += self.imports.lines()
        return "\n".join(head + ["", ""] + body) + "\n"


class _Rename(ast.NodeTransformer):
    def __init__(self, renames: dict) -> None:
        self.renames = renames

    def visit_Name(self, node):
        new = self.renames.get(node.id)
        if new is None:
            return node
        return ast.copy_location(ast.parse(new, mode="eval").body, node)


def _plain_literal(value) -> bool:
    if isinstance(value, tuple):
        return all(_plain_literal(v) for v in value)
    if type(value) not in _LITERALS:
        return False
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return False
    return True


def _defined_in(value, module) -> bool:
    """Whether ``value`` is a class, function or constant of ``module`` itself (not imported)."""
    if isinstance(value, types.ModuleType):
        return False
    if isinstance(value, (type, types.FunctionType)):
        return value.__module__ == module.__name__
    return type(value) in (bool, int, float, str, bytes, tuple, dict)


def generate() -> str:
    """The text of ``_tensor.pyi`` for the current code."""
    import numtorch  # noqa: F401  (installs the registered methods on Tensor)
    from numtorch import _tensor

    return _Writer(_tensor).write()


def stub_path() -> Path:
    return Path(__file__).with_name("_tensor.pyi")


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = generate()
    path = stub_path()
    if "--check" in args:
        current = path.read_text() if path.exists() else ""
        if current != text:
            print(f"{path} is stale: run `{COMMAND}`", file=sys.stderr)
            return 1
        return 0
    path.write_text(text)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
