"""sorting ops (see the module that fills this in)."""

__all__: list[str] = []
