"""Download, checksum and archive helpers with torchvision's names (``download_url`` etc.).

Errors carry torchvision's messages; what numtorch knows beyond them (which file, which MD5)
is attached as an exception note. Downloads go to ``<file>.part`` and are renamed into place
only after the MD5 matches, so a partial or corrupt file is never left where a dataset would
read it. A broken transfer is resumed with an HTTP Range request on the next try.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import lzma
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
           "extract_archive", "download_and_extract_archive", "iterable_to_str",
           "verify_str_arg"]

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
        raise add_note(error, f"while downloading {url} to {fpath}")
    if md5 is not None:
        got = calculate_md5(part)
        if got != md5:
            part.unlink()
            raise add_note(RuntimeError("File not found or corrupted."),
                           f"{fpath.name} downloaded from {url} has MD5 {got}, expected {md5}; "
                           "the file was removed.")
    os.replace(part, fpath)


_ARCHIVES = (".tar", ".zip")
_COMPRESSIONS = {".bz2": bz2.open, ".gz": gzip.open, ".xz": lzma.open}
_ALIASES = {".tbz": (".tar", ".bz2"), ".tbz2": (".tar", ".bz2"), ".tgz": (".tar", ".gz")}


def _detect_file_type(path: str | Path) -> tuple[str, str | None, str | None]:
    """(suffix, archive type, compression) of a file name, as torchvision detects them."""
    suffixes = Path(path).suffixes
    if not suffixes:
        raise RuntimeError(f"File '{path}' has no suffixes that could be used to detect the "
                           "archive type and compression.")
    last = suffixes[-1]
    if last in _ALIASES:
        return (last, *_ALIASES[last])
    if last in _ARCHIVES:
        return last, last, None
    if last in _COMPRESSIONS:
        if len(suffixes) > 1 and suffixes[-2] in _ARCHIVES:
            return suffixes[-2] + last, suffixes[-2], last
        return last, None, last
    known = sorted({*_ALIASES, *_ARCHIVES, *_COMPRESSIONS})
    raise RuntimeError(f"Unknown compression or archive type: '{last}'.\nKnown suffixes are: "
                       f"'{known}'.")


def _decompress(src: Path, dst: Path, compression: str) -> None:
    """Write the decompressed ``src`` to ``dst`` through a ``.part`` file."""
    tmp = dst.with_name(dst.name + ".part")
    with _COMPRESSIONS[compression](src, "rb") as fin, open(tmp, "wb") as fout:
        shutil.copyfileobj(fin, fout)
    os.replace(tmp, dst)


def extract_archive(from_path: str | Path, to_path: str | Path | None = None,
                    remove_finished: bool = False) -> str | Path:
    """Extract a .tar (plain, .gz/.bz2/.xz, .tgz/.tbz/.tbz2) or .zip archive, or decompress a
    lone .gz/.bz2/.xz file; returns the folder (the file for a lone compressed file)."""
    src = Path(from_path)
    dst = Path(to_path) if to_path is not None else src.parent
    suffix, archive, compression = _detect_file_type(src)
    if archive is None:
        dst.mkdir(parents=True, exist_ok=True)
        out = dst / src.name.replace(suffix, "")
        _decompress(src, out, compression)
    elif archive == ".zip":
        with zipfile.ZipFile(src) as z:
            z.extractall(dst)
        out = dst
    else:
        with tarfile.open(src, f"r:{compression[1:]}" if compression else "r") as t:
            t.extractall(dst, filter="data")
        out = dst
    if remove_finished:
        src.unlink()
    return os.fspath(out) if isinstance(from_path, str) else out


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


def add_note(exc: BaseException, note: str) -> BaseException:
    """Attach ``note`` to ``exc`` (shown under the traceback, not in ``str(exc)``)."""
    if hasattr(exc, "add_note"):
        exc.add_note(note)
    return exc


def iterable_to_str(iterable) -> str:
    return "'" + "', '".join(str(item) for item in iterable) + "'"


def verify_str_arg(value, arg: str | None = None, valid_values=None,
                   custom_msg: str | None = None):
    """``value`` when it is a str among ``valid_values``; torchvision's ValueError otherwise."""
    if not isinstance(value, str):
        where = "" if arg is None else f" for argument {arg}"
        raise ValueError(f"Expected type str{where}, but got type {type(value)}.")
    if valid_values is None or value in valid_values:
        return value
    if custom_msg is not None:
        raise ValueError(custom_msg)
    raise ValueError(f"Unknown value '{value}' for argument {arg}. Valid values are "
                     f"{{{iterable_to_str(valid_values)}}}.")
