"""Stand-in ``torch`` found on ``sys.path`` by processes that ``numtorch run`` starts with the
spawn/forkserver methods: importing it installs numtorch's alias and yields ``numtorch``."""

import importlib
import sys

from numtorch import compat as _compat

if __name__ != "torch":
    raise ImportError(f"{__name__} is numtorch's stand-in for torch on the path of child "
                      f"processes; import numtorch instead")
_compat.install()
sys.modules[__name__] = importlib.import_module(__name__)
