"""``numtorch.version``: version strings (``cuda`` is None: no CUDA backend in this build)."""

__version__ = "0.1.0"
cuda = None
hip = None
git_version = "unknown"
debug = False
