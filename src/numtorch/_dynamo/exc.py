"""``torch._dynamo.exc``: the exception types scripts catch."""

from __future__ import annotations


class TorchDynamoException(RuntimeError):
    pass


class InvalidBackend(TorchDynamoException):
    pass


class Unsupported(TorchDynamoException):
    pass
