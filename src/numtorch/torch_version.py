"""``torch.torch_version.TorchVersion``: the ``__version__`` string that also compares as a
version, against strings (``"2.1"``), tuples (``(2, 1)``) and ``packaging`` Versions.

numtorch reports the PyTorch release whose behaviour it follows, with numtorch's own version as
the local label (``2.13.0+numtorch.0.1.0``), so libraries that check ``torch.__version__``
accept it; ``numtorch.version.numtorch_version`` is numtorch's own version.
"""

from __future__ import annotations

import math
import re

__all__ = ["TorchVersion"]

_VERSION = re.compile(
    r"v?(?P<release>\d+(?:\.\d+)*)"
    r"(?:[-_.]?(?P<pre>a|alpha|b|beta|rc|c|pre|preview)[-_.]?(?P<pre_n>\d*))?"
    r"(?:[-_.]?(?:post|rev|r)[-_.]?(?P<post>\d*)|-(?P<post_implicit>\d+))?"
    r"(?:[-_.]?dev[-_.]?(?P<dev>\d*))?"
    r"(?:\+(?P<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?",
    re.IGNORECASE)
_PHASES = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "rc": 2, "c": 2, "pre": 2, "preview": 2}


def version_key(text: str) -> tuple:
    """A tuple that sorts as PEP 440 orders versions; ``ValueError`` when ``text`` is none."""
    m = _VERSION.fullmatch(text.strip())
    if m is None:
        raise ValueError(f"invalid version: {text!r}")
    release = [int(p) for p in m["release"].split(".")]
    while len(release) > 1 and release[-1] == 0:
        release.pop()
    post_text = m["post"] if m["post"] is not None else m["post_implicit"]
    has_post = post_text is not None
    has_dev = m["dev"] is not None
    if m["pre"]:
        pre = (_PHASES[m["pre"].lower()], int(m["pre_n"] or 0))
    elif has_dev and not has_post:
        pre = (-1, 0)  # X.devN sorts before every pre-release of X
    else:
        pre = (3, 0)
    post = int(post_text or 0) if has_post else -1
    dev = int(m["dev"] or 0) if has_dev else math.inf
    local = ()
    if m["local"]:
        local = tuple((1, int(s), "") if s.isdigit() else (0, 0, s.lower())
                      for s in re.split(r"[-_.]", m["local"]))
    return (tuple(release), pre, post, dev, local)


def _other_key(other) -> tuple:
    if isinstance(other, str):
        return version_key(other)
    if isinstance(other, (tuple, list)):
        return version_key(".".join(str(p) for p in other))
    if type(other).__name__ == "Version":  # packaging.version.Version
        return version_key(str(other))
    raise TypeError(type(other).__name__)


class TorchVersion(str):
    """A version string that compares as a version (falls back to ``str`` comparison for
    strings that are not versions; other types raise ``TypeError`` as ``str`` would). ``!=``
    stays ``str``'s, as in torch: ``"2.13.0" != "2.13"`` is True."""

    __slots__ = ()

    def _compare(self, other, op: str):
        try:
            mine, theirs = version_key(self), _other_key(other)
        except ValueError:
            return getattr(str, op)(self, other)
        except TypeError:
            return NotImplemented
        return getattr(mine, op)(theirs)

    def __eq__(self, other) -> bool:
        return self._compare(other, "__eq__")

    def __lt__(self, other) -> bool:
        return self._compare(other, "__lt__")

    def __le__(self, other) -> bool:
        return self._compare(other, "__le__")

    def __gt__(self, other) -> bool:
        return self._compare(other, "__gt__")

    def __ge__(self, other) -> bool:
        return self._compare(other, "__ge__")

    __hash__ = str.__hash__
