"""Shared by the ecosystem scripts: print the comparable results as one JSON line."""

import json


def emit(**values) -> None:
    """Print ``RESULT {json}``: the values the test compares between numtorch and torch."""
    print("RESULT " + json.dumps(values), flush=True)


def flat(tensor) -> list:
    """A tensor's values as a flat list of floats."""
    return [float(v) for v in tensor.detach().reshape(-1).tolist()]
