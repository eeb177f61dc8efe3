"""``numtorch.hub`` against ``torch.hub``: hub folder, downloads (served from 127.0.0.1) with
hash checks, and ``hubconf.py`` entry points from a local folder or a GitHub-style archive."""

from __future__ import annotations

import hashlib
import http.server
import io
import os
import textwrap
import threading
import zipfile

import pytest
import torch

import numtorch
from numtorch import hub

HUBCONF = textwrap.dedent('''
    """A tiny hub repository."""
    dependencies = ["numpy"]

    def tiny(n=2, bias=True):
        """A one-layer model with n inputs."""
        import torch
        torch.manual_seed(0)
        return torch.nn.Linear(n, 1, bias=bias)

    def _private():
        pass

    helper_value = 3
''')


@pytest.fixture
def repo(tmp_path):
    d = tmp_path / "repo"
    d.mkdir()
    (d / "hubconf.py").write_text(HUBCONF)
    return d


@pytest.fixture
def server(tmp_path):
    """Serve ``tmp_path / "www"`` on 127.0.0.1; yields (folder, base URL)."""
    www = tmp_path / "www"
    www.mkdir()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **k):
            super().__init__(*a, directory=str(www), **k)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield www, f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_local_entry_point_as_torchs(repo):
    ours = numtorch.hub.load(str(repo), "tiny", 3, source="local", bias=False)
    theirs = torch.hub.load(str(repo), "tiny", 3, source="local", bias=False)
    assert type(ours).__name__ == type(theirs).__name__ == "Linear"
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("call", [
    lambda lib, repo: lib.hub.load(str(repo), "nope", source="local"),
    lambda lib, repo: lib.hub.load(str(repo), "tiny", source="bogus"),
    lambda lib, repo: lib.hub.load(str(repo / "missing"), "tiny", source="local"),
])
def test_local_errors_as_torchs(repo, call):
    outcomes = []
    for lib in (torch, numtorch):
        with pytest.raises(Exception) as info:  # noqa: PT011 - compared below
            call(lib, repo)
        outcomes.append((type(info.value), str(info.value)))
    assert outcomes[0] == outcomes[1]


def test_missing_dependencies_as_torchs(repo):
    (repo / "hubconf.py").write_text(HUBCONF + "\ndependencies = ['nonexistent_pkg_xyz']\n")
    for lib in (torch, numtorch):
        with pytest.raises(RuntimeError, match="Missing dependencies: nonexistent_pkg_xyz"):
            lib.hub.load(str(repo), "tiny", source="local")


def test_hub_dir_follows_torch_home_and_set_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "th"))
    assert hub.get_dir() == torch.hub.get_dir() == str(tmp_path / "th" / "hub")
    monkeypatch.setattr(hub, "_hub_dir", None)
    hub.set_dir(tmp_path / "elsewhere")
    assert hub.get_dir() == str(tmp_path / "elsewhere")


def test_download_with_hash_prefix(server, tmp_path):
    www, base = server
    payload = os.urandom(200_000)
    (www / "blob.bin").write_bytes(payload)
    digest = hashlib.sha256(payload).hexdigest()
    dst = tmp_path / "got.bin"
    hub.download_url_to_file(f"{base}/blob.bin", str(dst), hash_prefix=digest[:10],
                             progress=False)
    assert dst.read_bytes() == payload
    bad = tmp_path / "bad.bin"
    with pytest.raises(RuntimeError, match="invalid hash value"):
        hub.download_url_to_file(f"{base}/blob.bin", str(bad), hash_prefix="0000000000",
                                 progress=True)
    assert not bad.exists() and [p.name for p in tmp_path.iterdir()
                                 if p.name.endswith(".partial")] == []


def test_state_dict_from_url_cached_and_hash_checked(server, tmp_path, monkeypatch):
    www, base = server
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(hub, "_hub_dir", None)
    buf = io.BytesIO()
    torch.save({"w": torch.arange(3.0)}, buf)
    data = buf.getvalue()
    name = f"weights-{hashlib.sha256(data).hexdigest()[:8]}.pth"
    (www / name).write_bytes(data)
    got = hub.load_state_dict_from_url(f"{base}/{name}", check_hash=True, progress=False)
    assert got["w"].tolist() == [0.0, 1.0, 2.0]
    assert (tmp_path / "home" / "hub" / "checkpoints" / name).exists()
    (www / name).unlink()  # served no more: the cache answers
    assert hub.load_state_dict_from_url(f"{base}/{name}")["w"].tolist() == [0.0, 1.0, 2.0]
    (www / "w-deadbeef.pth").write_bytes(data)
    with pytest.raises(RuntimeError, match="invalid hash value"):
        hub.load_state_dict_from_url(f"{base}/w-deadbeef.pth", check_hash=True, progress=False)


def test_github_repository_from_an_archive(server, tmp_path, monkeypatch):
    www, base = server
    monkeypatch.setattr(hub, "_hub_dir", str(tmp_path / "hub"))
    monkeypatch.setattr(hub, "GITHUB_ARCHIVE", base + "/{owner}-{name}-{ref}.zip")
    with zipfile.ZipFile(www / "someone-tinyrepo-main.zip", "w") as zf:
        zf.writestr("someone-tinyrepo-abc123/hubconf.py", HUBCONF)
    model = hub.load("someone/tinyrepo", "tiny", 4, trust_repo=True, verbose=False)
    assert model.weight.shape == (1, 4)
    assert hub.list("someone/tinyrepo", trust_repo=True, verbose=False) == ["tiny"]
    assert hub.help("someone/tinyrepo", "tiny", trust_repo=True) == \
        "A one-layer model with n inputs."
    assert (tmp_path / "hub" / "someone_tinyrepo_main" / "hubconf.py").exists()
    assert "someone_tinyrepo" in (tmp_path / "hub" / "trusted_list").read_text()
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    with pytest.raises(Exception, match="Untrusted repository"):
        hub.load("other/repo", "tiny", trust_repo="check")
