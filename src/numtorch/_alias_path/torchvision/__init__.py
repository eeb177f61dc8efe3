"""Stand-in ``torchvision`` found on ``sys.path`` by processes that ``numtorch run`` starts
with the spawn/forkserver methods: importing it installs numtorch's alias and yields
``numtorch.vision``."""

import importlib
import sys

from numtorch import compat as _compat

_compat.install()
sys.modules[__name__] = importlib.import_module(__name__)
