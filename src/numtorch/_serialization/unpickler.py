"""Reading ``data.pkl``: a weights-only interpreter and a full unpickler with torch's names.

The weights-only interpreter follows ``torch.load(weights_only=True)``: it knows only the
protocol-2 opcodes ``torch.save`` emits, resolves ``GLOBAL`` only for allowlisted names (mapped to
numtorch's objects), refuses the modules ``sys``, ``os``, ``posix`` and ``nt`` outright, and calls
nothing else. Its error texts are PyTorch's.
"""

from __future__ import annotations

import _compat_pickle
import pickle
import struct
import warnings
from collections import Counter, OrderedDict

from .._tensor import Tensor
from . import rebuild, tables

BLOCKED_MODULES = ("sys", "os", "posix", "nt")

UNSAFE_MESSAGE = (
    "In PyTorch 2.6, we changed the default value of the `weights_only` argument in `torch.load` "
    "from `False` to `True`. Re-running `torch.load` with `weights_only` set to `False` will "
    "likely succeed, but it can result in arbitrary code execution. Do it only if you got the "
    "file from a trusted source.")
DOCS_MESSAGE = (
    "\n\nCheck the documentation of torch.load to learn more about types accepted by default with "
    "weights_only https://pytorch.org/docs/stable/generated/torch.load.html.")

# user allowlist (``add_safe_globals``): "module.qualname" -> object
_user_globals: dict = {}


def global_path(obj) -> str:
    return f"{obj.__module__}.{getattr(obj, '__qualname__', getattr(obj, '__name__', ''))}"


def add_user_globals(items) -> None:
    for item in items:
        if isinstance(item, tuple):
            if len(item) != 2:
                raise ValueError("Expected tuple of length 2 (global, str of callable full "
                                 f"path), but got tuple of length: {len(item)}")
            if not isinstance(item[1], str):
                raise TypeError("Expected second item in tuple to be str of callable full path, "
                                f"but got: {type(item[1])}")
            _user_globals[item[1]] = item[0]
        else:
            _user_globals[global_path(item)] = item
            theirs = tables.torch_module_name(getattr(item, "__module__", None))
            if theirs is not None:  # files name numtorch's classes by torch's paths
                _user_globals[theirs + global_path(item)[len(item.__module__):]] = item


def user_globals() -> dict:
    return _user_globals


def weights_only_message(message: str) -> str:
    """Wrap an unpickler error as ``torch.load`` does (``Weights only load failed. ...``)."""
    if "was not an allowed global by default." in message:
        text = ("Weights only load failed. This file can still be loaded, to do so you have two "
                "options, \033[1mdo those steps only if you trust the source of the "
                f"checkpoint\033[0m. \n\t(1) {UNSAFE_MESSAGE}\n\t(2) Alternatively, to load with "
                "`weights_only=True` please check the recommended steps in the following error "
                "message.\n\tWeightsUnpickler error: " + message)
    else:
        text = f"Weights only load failed. {UNSAFE_MESSAGE}\n"
        if "is blocked" not in message:
            text += ("Please file an issue with the following so that we can make "
                     "`weights_only=True` compatible with your use case: WeightsUnpickler "
                     "error: ")
        text += "\n\n" + message
    return text + DOCS_MESSAGE


def _fix_name(module: str, name: str) -> tuple[str, str]:
    """Python 2 names (``__builtin__ set``) as Python 3 sees them."""
    if (module, name) in _compat_pickle.NAME_MAPPING:
        return _compat_pickle.NAME_MAPPING[(module, name)]
    return _compat_pickle.IMPORT_MAPPING.get(module, module), name


def _unsupported_global(full: str) -> str:
    if full.startswith("builtins"):
        rest = full[len("builtins"):]
        full = rest[1:] if rest.startswith(".") else "builtins" + rest
    return (f"Unsupported global: GLOBAL {full} was not an allowed global by default. Please use "
            f"`torch.serialization.add_safe_globals([{full}])` or the "
            f"`torch.serialization.safe_globals([{full}])` context manager to allowlist this "
            "global if you trust this class/function.")


class WeightsUnpickler:
    """``torch.load(weights_only=True)``'s unpickler: allowlisted globals only, nothing executed.

    ``persistent_load(pid)`` receives each ``('storage', ...)`` persistent id.
    """

    def __init__(self, file, persistent_load=None, encoding: str = "utf-8") -> None:
        self._read = file.read
        self._readline = file.readline
        self._persistent_load = persistent_load
        self._encoding = encoding

    def _exact(self, n: int) -> bytes:
        data = self._read(n)
        if len(data) != n:
            raise pickle.UnpicklingError("pickle data was truncated")
        return data

    def load(self):
        allowed = rebuild.torch_globals()
        user = _user_globals
        allowed_ids = {id(v) for v in allowed.values()} | {id(v) for v in user.values()}
        param_cls = allowed.get("torch.nn.parameter.Parameter")
        stack: list = []
        marks: list = []
        memo: dict = {}
        read, exact = self._read, self._exact
        unpack = struct.unpack

        def pop_mark() -> list:
            nonlocal stack
            items = stack
            try:
                stack = marks.pop()
            except IndexError:
                raise pickle.UnpicklingError("could not find MARK") from None
            return items

        try:
            while True:
                op = read(1)
                if not op:
                    raise pickle.UnpicklingError("pickle data was truncated")
                code = op[0]
                if code == 0x63:  # GLOBAL
                    module = self._line()
                    name = self._line()
                    module, name = _fix_name(module, name)
                    full = f"{module}.{name}"
                    if module in BLOCKED_MODULES:
                        raise pickle.UnpicklingError(
                            f"Trying to load unsupported GLOBAL {full} whose module {module} is "
                            "blocked.")
                    if full in allowed:
                        stack.append(allowed[full])
                    elif full in user:
                        stack.append(user[full])
                    else:
                        raise pickle.UnpicklingError(_unsupported_global(full))
                elif code == 0x81:  # NEWOBJ
                    args = stack.pop()
                    cls = stack.pop()
                    if param_cls is not None and cls is param_cls:
                        stack.append(cls(*args))
                    elif id(cls) in allowed_ids and isinstance(cls, type):
                        stack.append(cls.__new__(cls, *args))
                    else:
                        raise pickle.UnpicklingError(
                            "Can only create new object for nn.Parameter or classes allowlisted "
                            f"via `add_safe_globals` but got {cls}")
                elif code == 0x52:  # REDUCE
                    args = stack.pop()
                    func = stack[-1]
                    if id(func) not in allowed_ids or not callable(func):
                        msg = f"Trying to call reduce for unrecognized function {func}"
                        if hasattr(func, "__self__"):
                            msg += f" which belongs to {func.__self__}"
                        raise pickle.UnpicklingError(msg)
                    if not isinstance(args, tuple):
                        raise pickle.UnpicklingError(f"REDUCE arguments must be a tuple, got "
                                                     f"{type(args)}")
                    stack[-1] = func(*args)
                elif code == 0x62:  # BUILD
                    state = stack.pop()
                    self._build(stack[-1], state, param_cls, allowed_ids)
                elif code == 0x61:  # APPEND
                    item = stack.pop()
                    if type(stack[-1]) is not list:
                        raise pickle.UnpicklingError(
                            f"Can only append to lists, but got {type(stack[-1])}")
                    stack[-1].append(item)
                elif code == 0x65:  # APPENDS
                    items = pop_mark()
                    if type(stack[-1]) is not list:
                        raise pickle.UnpicklingError(
                            f"Can only extend lists, but got {type(stack[-1])}")
                    stack[-1].extend(items)
                elif code == 0x73:  # SETITEM
                    v = stack.pop()
                    k = stack.pop()
                    self._check_dict(stack[-1], "SETITEM")
                    stack[-1][k] = v
                elif code == 0x75:  # SETITEMS
                    items = pop_mark()
                    self._check_dict(stack[-1], "SETITEMS")
                    if len(items) % 2:
                        raise pickle.UnpicklingError("odd number of items for SETITEMS")
                    for i in range(0, len(items), 2):
                        stack[-1][items[i]] = items[i + 1]
                elif code == 0x28:  # MARK
                    marks.append(stack)
                    stack = []
                elif code == 0x74:  # TUPLE
                    items = pop_mark()
                    stack.append(tuple(items))
                elif code == 0x85:  # TUPLE1
                    stack[-1] = (stack[-1],)
                elif code == 0x86:  # TUPLE2
                    if len(stack) < 2:
                        raise IndexError
                    stack[-2:] = [(stack[-2], stack[-1])]
                elif code == 0x87:  # TUPLE3
                    if len(stack) < 3:
                        raise IndexError
                    stack[-3:] = [(stack[-3], stack[-2], stack[-1])]
                elif code == 0x4E:  # NONE
                    stack.append(None)
                elif code == 0x89:  # NEWFALSE
                    stack.append(False)
                elif code == 0x88:  # NEWTRUE
                    stack.append(True)
                elif code == 0x29:  # EMPTY_TUPLE
                    stack.append(())
                elif code == 0x5D:  # EMPTY_LIST
                    stack.append([])
                elif code == 0x7D:  # EMPTY_DICT
                    stack.append({})
                elif code == 0x8F:  # EMPTY_SET
                    stack.append(set())
                elif code == 0x4A:  # BININT
                    stack.append(unpack("<i", exact(4))[0])
                elif code == 0x4B:  # BININT1
                    stack.append(exact(1)[0])
                elif code == 0x4D:  # BININT2
                    stack.append(unpack("<H", exact(2))[0])
                elif code == 0x47:  # BINFLOAT
                    stack.append(unpack(">d", exact(8))[0])
                elif code == 0x58:  # BINUNICODE
                    n = unpack("<I", exact(4))[0]
                    stack.append(str(exact(n), "utf-8", "surrogatepass"))
                elif code == 0x55:  # SHORT_BINSTRING
                    data = exact(exact(1)[0])
                    stack.append(data if self._encoding == "bytes"
                                 else data.decode(self._encoding, "strict"))
                elif code == 0x51:  # BINPERSID
                    pid = stack.pop()
                    stack.append(self._persistent(pid))
                elif code == 0x68:  # BINGET
                    stack.append(self._memo_get(memo, exact(1)[0]))
                elif code == 0x6A:  # LONG_BINGET
                    stack.append(self._memo_get(memo, unpack("<I", exact(4))[0]))
                elif code == 0x71:  # BINPUT
                    memo[exact(1)[0]] = stack[-1]
                elif code == 0x72:  # LONG_BINPUT
                    memo[unpack("<I", exact(4))[0]] = stack[-1]
                elif code == 0x8A:  # LONG1
                    stack.append(int.from_bytes(exact(exact(1)[0]), "little", signed=True))
                elif code == 0x80:  # PROTO
                    proto = exact(1)[0]
                    if proto != 2:
                        warnings.warn(
                            f"Detected pickle protocol {proto} in the checkpoint, which was not "
                            "the default pickle protocol used by `torch.load` (2). The "
                            "weights_only Unpickler might not support all instructions "
                            "implemented by this protocol, please file an issue for adding "
                            "support if you encounter this.", stacklevel=4)
                elif code == 0x2E:  # STOP
                    return stack.pop()
                else:
                    raise pickle.UnpicklingError(f"Unsupported operand {code}")
        except IndexError:
            raise pickle.UnpicklingError("unpickling stack underflow") from None

    def _line(self) -> str:
        line = self._readline()
        if not line.endswith(b"\n"):
            raise pickle.UnpicklingError("pickle data was truncated")
        return line[:-1].decode("utf-8")

    @staticmethod
    def _memo_get(memo: dict, idx: int):
        try:
            return memo[idx]
        except KeyError:
            raise pickle.UnpicklingError(f"Memo value not found at index {idx}") from None

    @staticmethod
    def _check_dict(target, opcode: str) -> None:
        if type(target) not in (dict, OrderedDict, Counter):
            raise pickle.UnpicklingError(
                f"Can only {opcode} for dict, collections.OrderedDict, collections.Counter, but "
                f"got {type(target)}")

    def _persistent(self, pid):
        if type(pid) is not tuple and type(pid) is not int:
            raise pickle.UnpicklingError(
                f"persistent_load id must be tuple or int, but got {type(pid)}")
        if type(pid) is tuple and pid:
            head = pid[0].decode("ascii") if isinstance(pid[0], bytes) else pid[0]
            if head != "storage":
                raise pickle.UnpicklingError(
                    f"Only persistent_load of storage is allowed, but got {type(pid[0])}")
        if self._persistent_load is None:
            raise pickle.UnpicklingError("unsupported persistent id encountered")
        return self._persistent_load(pid)

    @staticmethod
    def _build(inst, state, param_cls, allowed_ids) -> None:
        if type(inst) is Tensor:
            # torch calls ``inst.set_(*state)``: only a legacy (storage, offset, size, stride)
            if not (isinstance(state, tuple) and len(state) == 4):
                kinds = ", ".join(type(v).__name__ for v in state) if isinstance(
                    state, (tuple, list, dict, str)) else type(state).__name__
                raise TypeError("set_() received an invalid combination of arguments - got "
                                f"({kinds})")
            inst._data = rebuild._rebuild_tensor(*state)._data
        elif param_cls is not None and type(inst) is param_cls:
            if isinstance(state, tuple) and len(state) == 4:  # legacy Tensor.set_ state
                inst._data = rebuild._rebuild_tensor(*state)._data
            else:
                rebuild.set_obj_state(inst, state)
        elif type(inst) is OrderedDict:
            inst.__dict__.update(state)
        elif id(type(inst)) in allowed_ids:
            setstate = getattr(inst, "__setstate__", None)
            if setstate is not None and not _is_default_setstate(inst):
                setstate(state)
            else:
                rebuild.set_obj_state(inst, state)
        else:
            raise pickle.UnpicklingError(
                "Can only build Tensor, Parameter, OrderedDict or types allowlisted via "
                f"`add_safe_globals`, but got {type(inst)}")


def _is_default_setstate(inst) -> bool:
    return getattr(type(inst), "__setstate__", None) is getattr(object, "__setstate__", None)


class FullUnpickler(pickle.Unpickler):
    """``weights_only=False``: any pickle, with torch's globals mapped to numtorch's.

    Names under ``torch`` without an explicit mapping are looked up at the same path under
    ``numtorch`` (``torch.nn.modules.linear.Linear`` -> ``numtorch.nn.modules.linear.Linear``),
    and names under ``torchvision`` under ``numtorch.vision``.
    """

    def __init__(self, file, persistent_load=None, **kwargs) -> None:
        super().__init__(file, **kwargs)
        self._pl = persistent_load

    def persistent_load(self, pid):
        if self._pl is None:
            raise pickle.UnpicklingError("unsupported persistent id encountered")
        return self._pl(pid)

    def find_class(self, module: str, name: str):
        full = f"{module}.{name}"
        allowed = rebuild.torch_globals()
        if full in allowed:
            return allowed[full]
        ours = tables.numtorch_module_name(module)
        if ours is not None:
            import importlib

            try:
                mod = importlib.import_module(ours)
                obj = mod
                for part in name.split("."):
                    obj = getattr(obj, part)
                return obj
            except (ImportError, AttributeError):
                raise pickle.UnpicklingError(
                    f"numtorch has no counterpart of {full}, which this checkpoint needs"
                ) from None
        return super().find_class(module, name)
