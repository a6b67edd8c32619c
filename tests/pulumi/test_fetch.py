"""`make fetch` over real SSH/SFTP: download, verify checksums, mark fetched; refuse bad data."""

from __future__ import annotations

import hashlib
import json
import stat

import pytest
from lambda_infra.fetch import FetchError, Target, fetch_run, main, parse_sums


def _make_run(run_dir, files: dict[str, bytes]) -> None:
    lines = []
    for rel, data in sorted(files.items()):
        path = run_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        lines.append(f"{hashlib.sha256(data).hexdigest()}  ./{rel}\n")
    (run_dir / "SHA256SUMS").write_text("".join(lines))


FILES = {"sae_final.pt": b"\x00weights" * 1000, "sae/cfg.json": b'{"d_in": 384}',
         "checkpoints/step-10/state.pt": b"ckpt", "training_history.json": b"[]"}


@pytest.fixture
def target(sshd, tmp_path):
    run_dir = tmp_path / "remote-run"
    run_dir.mkdir()
    return Target(host="127.0.0.1", port=sshd.port, user=sshd.user, private_key=sshd.private_key,
                  run_dir=str(run_dir))


def test_fetch_downloads_verifies_and_marks(target, tmp_path):
    from pathlib import Path

    _make_run(Path(target.run_dir), FILES)
    dest = tmp_path / "models" / "sae-trained"
    dest.mkdir(parents=True)
    (dest / "old.txt").write_text("from make demo")
    result = fetch_run(target, dest)
    assert result.files == 4 and result.bytes == sum(len(v) for v in FILES.values())
    for rel, data in FILES.items():
        assert (dest / rel).read_bytes() == data
    assert (dest / "SHA256SUMS").exists()
    assert result.previous is not None and (result.previous / "old.txt").read_text() == "from make demo"
    assert (Path(target.run_dir) / ".fetched").exists(), "destroy is unblocked only after a verified fetch"


def test_checksum_mismatch_leaves_destination_untouched(target, tmp_path):
    from pathlib import Path

    _make_run(Path(target.run_dir), FILES)
    (Path(target.run_dir) / "sae_final.pt").write_bytes(b"corrupted")
    dest = tmp_path / "dest"
    with pytest.raises(FetchError, match="checksum mismatch for sae_final.pt"):
        fetch_run(target, dest)
    assert not dest.exists()
    assert not [p for p in tmp_path.iterdir() if ".partial-" in p.name], "staging folder cleaned up"
    assert not (Path(target.run_dir) / ".fetched").exists()


def test_unfinished_run_is_explained(target, tmp_path):
    with pytest.raises(FetchError, match="training is still running"):
        fetch_run(target, tmp_path / "dest")


def test_sums_cannot_escape_the_run_dir():
    with pytest.raises(FetchError, match="malformed"):
        parse_sums(f"{'0' * 64}  ./../../etc/passwd\n")


def test_cli_writes_private_key_0600_and_fetches(target, tmp_path, monkeypatch):
    from pathlib import Path

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    _make_run(Path(target.run_dir), FILES)
    outputs = tmp_path / "outputs.json"
    outputs.write_text(json.dumps({"instanceIp": target.host, "sshPort": target.port, "sshUser": target.user,
                                   "privateKey": target.private_key, "runDir": target.run_dir}))
    assert main(["--stack", "t", "--outputs", str(outputs), "--dest", str(tmp_path / "out")]) == 0
    key = tmp_path / "home" / ".ssh" / "sae-pii-t"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert (tmp_path / "out" / "sae" / "cfg.json").read_bytes() == FILES["sae/cfg.json"]
    outputs.write_text(json.dumps({"instanceIp": target.host}))
    assert main(["--outputs", str(outputs)]) == 1
