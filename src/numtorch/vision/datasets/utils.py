"""Download, checksum and archive helpers with torchvision's names (``download_url`` etc.).

Downloads go to ``<file>.part`` and are renamed into place only after the MD5 matches, so a
partial or corrupt file is never left where a dataset would read it. A broken transfer is
resumed with an HTTP Range request on the next try.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import sys
import tarfile
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

__all__ = ["calculate_md5", "check_md5", "check_integrity", "download_url",
           "extract_archive", "download_and_extract_archive"]

USER_AGENT = "numtorch"
_RETRIES = 3
_CHUNK = 1 << 16


def calculate_md5(fpath: str | Path, chunk_size: int = 1024 * 1024) -> str:
    md5 = hashlib.md5(usedforsecurity=False)
    with open(fpath, "rb") as f:
        while chunk := f.read(chunk_size):
            md5.update(chunk)
    return md5.hexdigest()


def check_md5(fpath: str | Path, md5: str, **kwargs) -> bool:
    return md5 == calculate_md5(fpath, **kwargs)


def check_integrity(fpath: str | Path, md5: str | None = None) -> bool:
    """True when ``fpath`` is a file and (if given) its MD5 matches."""
    if not os.path.isfile(fpath):
        return False
    return md5 is None or check_md5(fpath, md5)


class _Progress:
    """A tqdm bar when tqdm is installed, otherwise a one-line percentage on stderr."""

    def __init__(self, total: int | None, name: str) -> None:
        self.total, self.name, self.done, self._last = total, name, 0, -1
        try:
            from tqdm import tqdm
        except ImportError:
            self.bar = None
        else:
            self.bar = tqdm(total=total, unit="B", unit_scale=True, desc=name, leave=False)

    def update(self, n: int) -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
        elif self.total:
            pct = 100 * self.done // self.total
            if pct != self._last:
                self._last = pct
                sys.stderr.write(f"\r{self.name}: {pct:3d}%")
                sys.stderr.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.total:
            sys.stderr.write("\n")


def _fetch(url: str, part: Path, timeout: float) -> None:
    """Append the rest of ``url`` to ``part`` (Range request when part already has bytes)."""
    have = part.stat().st_size if part.exists() else 0
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    if have:
        req.add_header("Range", f"bytes={have}-")
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        status = getattr(resp, "status", 200)
        if have and status != 206:
            have = 0
        length = resp.headers.get("Content-Length")
        total = have + int(length) if length is not None else None
        bar = _Progress(total, part.name[:-5])
        bar.update(have)
        try:
            with open(part, "ab" if have else "wb") as f:
                while chunk := resp.read(_CHUNK):
                    f.write(chunk)
                    bar.update(len(chunk))
        finally:
            bar.close()
        if total is not None and part.stat().st_size < total:
            raise urllib.error.ContentTooShortError(
                f"retrieval incomplete: got only {part.stat().st_size} out of {total} bytes",
                None)


def download_url(url: str, root: str | Path, filename: str | None = None,
                 md5: str | None = None, max_redirect_hops: int = 3,
                 timeout: float = 60.0) -> None:
    """Download ``url`` to ``root/filename`` with retries, resume and MD5 verification."""
    root = Path(os.path.expanduser(root))
    fpath = root / (filename or os.path.basename(url))
    if check_integrity(fpath, md5):
        return
    root.mkdir(parents=True, exist_ok=True)
    part = fpath.with_name(fpath.name + ".part")
    error: Exception | None = None
    for attempt in range(_RETRIES):
        try:
            _fetch(url, part, timeout)
            error = None
            break
        except (urllib.error.URLError, OSError, ConnectionError) as e:
            error = e
            if isinstance(e, urllib.error.HTTPError) and e.code not in (408, 429, 500, 502,
                                                                        503, 504):
                break
            if isinstance(getattr(e, "reason", e), ConnectionRefusedError):
                break
            time.sleep(min(0.2 * 2 ** attempt, 2.0))
    if error is not None:
        raise RuntimeError(f"Failed to download {url} to {fpath}: {error}") from error
    if md5 is not None:
        got = calculate_md5(part)
        if got != md5:
            part.unlink()
            raise RuntimeError(f"Downloaded file {fpath.name} from {url} is corrupted: its MD5 "
                               f"is {got}, expected {md5}; the file was removed.")
    os.replace(part, fpath)


def _extract_gzip(src: Path, dst: Path) -> None:
    tmp = dst.with_name(dst.name + ".part")
    with gzip.open(src, "rb") as fin, open(tmp, "wb") as fout:
        shutil.copyfileobj(fin, fout)
    os.replace(tmp, dst)


def extract_archive(from_path: str | Path, to_path: str | Path | None = None,
                    remove_finished: bool = False) -> str:
    """Extract a .tar(.gz/.bz2/.xz), .tgz, .zip or .gz archive; returns the target folder."""
    src = Path(from_path)
    dst = Path(to_path) if to_path is not None else src.parent
    name = src.name.lower()
    try:
        if name.endswith(".zip"):
            with zipfile.ZipFile(src) as z:
                z.extractall(dst)
        elif name.endswith((".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz")):
            with tarfile.open(src) as t:
                t.extractall(dst, filter="data")
        elif name.endswith(".gz"):
            dst.mkdir(parents=True, exist_ok=True)
            _extract_gzip(src, dst / src.name[:-3])
        else:
            raise RuntimeError(f"Archive type of {src} is not supported (expected .zip, .tar*, "
                               ".tgz or .gz)")
    except (OSError, EOFError, zipfile.BadZipFile, tarfile.TarError) as e:
        raise RuntimeError(f"Could not extract {src}: {e}") from e
    if remove_finished:
        src.unlink()
    return str(dst)


def download_and_extract_archive(url: str, download_root: str | Path,
                                 extract_root: str | Path | None = None,
                                 filename: str | None = None, md5: str | None = None,
                                 remove_finished: bool = False) -> None:
    download_root = os.path.expanduser(download_root)
    extract_root = extract_root or download_root
    filename = filename or os.path.basename(url)
    download_url(url, download_root, filename, md5)
    archive = os.path.join(download_root, filename)
    extract_archive(archive, extract_root, remove_finished)
