"""``numtorch.version`` (``torch.version``): the PyTorch release numtorch follows, numtorch's own
version, and the build facts of a CPU-only build (``cuda`` and friends are None)."""

#: numtorch's own version (the package's version)
numtorch_version = "0.1.0"
#: the PyTorch release whose behaviour numtorch matches, with numtorch's version as local label
__version__ = f"2.13.0+numtorch.{numtorch_version}"
cuda = None
hip = None
rocm = None
xpu = None
git_version = "unknown"
debug = False
