"""``numtorch.hub`` (``torch.hub``): the download cache and ``hubconf.py`` entry points.

Files live where torch keeps them (``$TORCH_HOME/hub``, default ``~/.cache/torch/hub``, or the
folder given to :func:`set_dir`), so checkpoints torch already downloaded are reused.
Downloads go to a temporary name, are checked against a SHA-256 prefix when one is given, and
are renamed into place: an interrupted or corrupt download never leaves a file at the target.
``load``/``list``/``help`` read a repository's ``hubconf.py``, from a local folder
(``source="local"``) or from a GitHub archive unpacked into the hub folder.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import shutil
import sys
import urllib.error
import urllib.request
import uuid
import zipfile
from typing import Any
from urllib.parse import urlparse

__all__ = ["download_url_to_file", "get_dir", "help", "list", "load",
           "load_state_dict_from_url", "set_dir"]

_DOWNLOAD_TIMEOUT = 60.0  # seconds without data before a download gives up
_HASH_IN_NAME = re.compile(r"-([a-f0-9]*)\.")
HASH_REGEX = _HASH_IN_NAME  # torch.hub's public name for it
#: where a GitHub repository's archive comes from (a test may point it at a local server)
GITHUB_ARCHIVE = "https://github.com/{owner}/{name}/zipball/{ref}"
_hub_dir: str | None = None


# -- the cache folder ----------------------------------------------------------------------------
def _get_torch_home() -> str:
    cache = os.getenv("XDG_CACHE_HOME", os.path.join("~", ".cache"))
    return os.path.expanduser(os.getenv("TORCH_HOME", os.path.join(cache, "torch")))


def get_dir() -> str:
    """The hub folder: the one :func:`set_dir` chose, else ``$TORCH_HOME/hub``."""
    if _hub_dir is not None:
        return _hub_dir
    return os.path.join(_get_torch_home(), "hub")


def set_dir(d: str | os.PathLike) -> None:
    """Use ``d`` as the hub folder from now on (``torch.hub.set_dir``)."""
    global _hub_dir
    _hub_dir = os.path.expanduser(os.fspath(d))


# -- downloads -----------------------------------------------------------------------------------
class _Progress:
    """A byte counter on stderr (tqdm's bar when tqdm is installed)."""

    def __init__(self, total: int | None, name: str) -> None:
        try:
            from tqdm import tqdm
        except ImportError:
            tqdm = None
        self._bar = (tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=name)
                     if tqdm is not None else None)
        self._total, self._done, self._name = total, 0, name

    def update(self, n: int) -> None:
        self._done += n
        if self._bar is not None:
            self._bar.update(n)
        else:
            of = f" / {self._total}" if self._total else ""
            sys.stderr.write(f"\r{self._name}: {self._done}{of} bytes")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        else:
            sys.stderr.write("\n")


def download_url_to_file(url: str, dst: str, hash_prefix: str | None = None,
                         progress: bool = True) -> None:
    """Download ``url`` to ``dst`` via a temporary file (``torch.hub.download_url_to_file``).

    With ``hash_prefix``, the file's SHA-256 must start with it, else ``RuntimeError`` and
    nothing is left at ``dst``.
    """
    dst = os.path.expanduser(os.fspath(dst))
    tmp = f"{dst}.{uuid.uuid4().hex}.partial"
    request = urllib.request.Request(url, headers={"User-Agent": "numtorch"})
    sha256 = hashlib.sha256()
    try:
        with urllib.request.urlopen(request, timeout=_DOWNLOAD_TIMEOUT) as resp, \
                open(tmp, "wb") as out:
            length = resp.headers.get("Content-Length")
            bar = _Progress(int(length) if length else None, os.path.basename(dst)) \
                if progress else None
            try:
                while chunk := resp.read(1 << 16):
                    out.write(chunk)
                    sha256.update(chunk)
                    if bar is not None:
                        bar.update(len(chunk))
            finally:
                if bar is not None:
                    bar.close()
        if hash_prefix is not None:
            digest = sha256.hexdigest()
            if not digest.startswith(hash_prefix):
                raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got '
                                   f'"{digest}")')
        os.replace(tmp, dst)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def load_state_dict_from_url(url: str, model_dir: str | None = None, map_location: Any = None,
                             progress: bool = True, check_hash: bool = False,
                             file_name: str | None = None,
                             weights_only: bool = False) -> dict[str, Any]:
    """``torch.hub.load_state_dict_from_url``: load the cached file, downloading it if absent
    (``check_hash``: the file name's ``-<sha256 prefix>.`` part must match its contents).

    Without network access the ``RuntimeError`` names the path where the file is expected.
    """
    from .serialization import load as _load

    if model_dir is None:
        model_dir = os.path.join(get_dir(), "checkpoints")
    os.makedirs(model_dir, exist_ok=True)
    filename = file_name or os.path.basename(urlparse(url).path)
    cached_file = os.path.join(model_dir, filename)
    if not os.path.exists(cached_file):
        sys.stderr.write(f'Downloading: "{url}" to {cached_file}\n')
        match = _HASH_IN_NAME.search(filename) if check_hash else None
        try:
            download_url_to_file(url, cached_file, match.group(1) if match else None,
                                 progress=progress)
        except (urllib.error.URLError, OSError) as e:
            raise RuntimeError(
                f"Could not download {url} ({e}). The weights file is expected at "
                f"{cached_file}: without network access, copy {filename} there (or set "
                f"TORCH_HOME to a folder whose hub/checkpoints holds it).") from e
    return _load(cached_file, map_location=map_location, weights_only=weights_only)


# -- hubconf.py entry points ---------------------------------------------------------------------
def _import_hubconf(repo_dir: str):
    path = os.path.join(repo_dir, "hubconf.py")
    spec = importlib.util.spec_from_file_location("hubconf", path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, repo_dir)
    try:
        spec.loader.exec_module(module)  # FileNotFoundError when there is none, as torch's
    finally:
        sys.path.remove(repo_dir)
    missing = [d for d in getattr(module, "dependencies", [])
               if importlib.util.find_spec(d) is None]
    if missing:
        raise RuntimeError(f"Missing dependencies: {', '.join(missing)}")
    return module


def _entrypoint(module, model: str):
    fn = getattr(module, model, None)
    if fn is None or not callable(fn):
        raise RuntimeError(f"Cannot find callable {model} in hubconf")
    return fn


def _parse_repo(github: str) -> tuple[str, str, str]:
    ref = None
    if ":" in github:
        github, ref = github.split(":", 1)
    owner, _, name = github.partition("/")
    if not owner or not name:
        raise ValueError(f'Invalid input: repo_or_dir should be of the form "owner/name[:ref]", '
                         f"got {github!r}")
    return owner, name, ref or "main"


def _trusted(repo: str, trust_repo) -> None:
    hub = get_dir()
    os.makedirs(hub, exist_ok=True)
    listing = os.path.join(hub, "trusted_list")
    known = set()
    if os.path.exists(listing):
        with open(listing) as f:
            known = {line.strip() for line in f}
    if trust_repo is True or repo in known or trust_repo is None:
        if trust_repo is True and repo not in known:
            with open(listing, "a") as f:
                f.write(repo + "\n")
        return
    if trust_repo is False or trust_repo == "check":
        answer = input(f"The repository {repo} does not belong to the list of trusted "
                       "repositories and as such cannot be downloaded. Do you trust this "
                       "repository and wish to add it to the trusted list of repositories "
                       "(y/N)?")
        if answer.strip().lower() not in ("y", "yes"):
            raise Exception("Untrusted repository.")  # noqa: TRY002 - torch's type
        with open(listing, "a") as f:
            f.write(repo + "\n")


def _github_dir(github: str, force_reload: bool, trust_repo, verbose: bool) -> str:
    owner, name, ref = _parse_repo(github)
    hub = get_dir()
    os.makedirs(hub, exist_ok=True)
    target = os.path.join(hub, f"{owner}_{name}_{ref.replace('/', '_')}")
    _trusted(f"{owner}_{name}", trust_repo)
    if os.path.isdir(target) and not force_reload:
        if verbose:
            sys.stderr.write(f"Using cache found in {target}\n")
        return target
    archive = os.path.join(hub, f"{ref.replace('/', '_')}.zip")
    url = GITHUB_ARCHIVE.format(owner=owner, name=name, ref=ref)
    if verbose:
        sys.stderr.write(f'Downloading: "{url}" to {archive}\n')
    download_url_to_file(url, archive, progress=False)
    try:
        with zipfile.ZipFile(archive) as zf:
            top = zf.namelist()[0].split("/")[0]
            unpack = os.path.join(hub, f".{uuid.uuid4().hex}")
            zf.extractall(unpack)
        if os.path.isdir(target):
            shutil.rmtree(target)
        os.replace(os.path.join(unpack, top), target)
        shutil.rmtree(unpack, ignore_errors=True)
    finally:
        os.remove(archive)
    return target


def _repo_dir(repo_or_dir: str, source: str, force_reload: bool, trust_repo, verbose) -> str:
    if source not in ("github", "local"):
        raise ValueError(f'Unknown source: "{source}". Allowed values: "github" | "local".')
    if source == "local":
        return os.fspath(repo_or_dir)
    return _github_dir(repo_or_dir, force_reload, trust_repo, verbose)


def load(repo_or_dir: str, model: str, *args, source: str = "github", trust_repo="check",
         force_reload: bool = False, verbose: bool = True, skip_validation: bool = False,
         **kwargs):
    """Call the entry point ``model`` of the repository's ``hubconf.py`` with ``args`` and
    ``kwargs`` (``torch.hub.load``)."""
    repo_dir = _repo_dir(repo_or_dir, source, force_reload, trust_repo, verbose)
    return _entrypoint(_import_hubconf(repo_dir), model)(*args, **kwargs)


def list(github: str, force_reload: bool = False, skip_validation: bool = False,  # noqa: A001
         trust_repo="check", verbose: bool = True) -> list[str]:
    """The public callables of a GitHub repository's ``hubconf.py``."""
    module = _import_hubconf(_github_dir(github, force_reload, trust_repo, verbose))
    return [n for n in dir(module) if callable(getattr(module, n)) and not n.startswith("_")]


def help(github: str, model: str, force_reload: bool = False,  # noqa: A001
         skip_validation: bool = False, trust_repo="check") -> str:
    """The docstring of an entry point of a GitHub repository's ``hubconf.py``."""
    module = _import_hubconf(_github_dir(github, force_reload, trust_repo, True))
    return _entrypoint(module, model).__doc__
