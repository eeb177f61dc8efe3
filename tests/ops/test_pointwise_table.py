"""The table-generated unary ops: one class, one public function and the Tensor methods per row,
each with its own name, docstring and PyTorch's grad_fn name."""

import inspect

import pytest
import torch

import numtorch
import numtorch as nt
from numtorch._ops.pointwise import unary

ROWS = [pytest.param(r, id=r["name"]) for r in unary.TABLE]


@pytest.mark.parametrize("row", ROWS)
def test_generated_function_class_and_methods(row):
    name = row["name"]
    fn = getattr(unary, name)
    assert fn.__name__ == fn.__code__.co_name == name
    is_method = getattr(numtorch.Tensor, name, None) is fn
    assert fn.__qualname__ == (f"Tensor.{name}" if is_method else name)
    assert fn.__module__ == unary.__name__
    assert "``torch." in fn.__doc__ and row["grad_fn_name"] in fn.__doc__
    cls = getattr(unary, unary._camel(name))
    assert issubclass(cls, unary.UnaryOp) and cls.grad_fn_name == row["grad_fn_name"]
    assert cls.__doc__ and cls.params == ()
    if row["method"]:
        for n in (name,) + row["aliases"]:
            assert getattr(nt.Tensor, n) is fn
            assert getattr(nt.Tensor, n + "_").__name__ == name + "_"
    else:
        assert inspect.unwrap(getattr(nt.special, name)) is fn  # public: dispatch wrapper


@pytest.mark.parametrize("row", ROWS)
def test_grad_fn_and_dtype_rule(row):
    name = row["name"]
    x = nt.tensor([0.25, 0.5, 0.75], requires_grad=True)
    assert type(getattr(unary, name)(x).grad_fn).__name__ == row["grad_fn_name"]
    i = nt.tensor([1, 2, 3])
    t = torch.tensor([1, 2, 3])
    tfn = getattr(torch.special, name, None) if not row["method"] else getattr(torch, name)
    if tfn is None or row["name"] in ("relu",):
        return
    try:
        want = tfn(t).dtype
    except RuntimeError:
        return
    assert str(getattr(unary, name)(i).dtype) == str(want)


def test_write_out_names_the_generated_function():
    x = nt.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"^expm1\(\): functions with out="):
        nt.expm1(x, out=nt.empty(1))
