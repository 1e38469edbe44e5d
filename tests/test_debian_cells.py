"""This machine's Debian cells (``dev.py cells``): what it says where it cannot run, and
the chroot's safety rules. The cells' real records are checked in test_records.py."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import ROOT
from snippet_runner import chroot, debian_cells


def test_without_debootstrap_it_says_so_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(chroot.os, "geteuid", lambda: 0)
    monkeypatch.setattr(
        chroot.shutil, "which", lambda tool: None if tool == "debootstrap" else tool
    )
    assert debian_cells.main([]) == 2
    said = capsys.readouterr().err.strip().splitlines()
    assert said == [
        "cells: no Debian cells on this machine: no debootstrap here: install Debian's "
        "debootstrap package"
    ]


def test_without_root_it_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chroot.os, "geteuid", lambda: 1000)
    with pytest.raises(chroot.Unavailable, match="needs root"):
        chroot.check_host()


def test_a_chroot_with_anything_mounted_under_it_is_never_deleted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bind mount of /dev left under a chroot would make its deletion delete the
    host's device files: the chroot is deleted only when nothing is mounted there."""
    root = tmp_path / "chroot"
    (root / "dev").mkdir(parents=True)
    monkeypatch.setattr(chroot, "mounted_under", lambda where: [str(where / "dev")])
    with pytest.raises(chroot.Unavailable, match="refusing to delete"):
        chroot._remove(root)
    assert (root / "dev").is_dir()


def test_mounts_are_read_from_this_namespace() -> None:
    """/ is always a mount point, and no mount lies under an empty new folder."""
    assert "/" in chroot.mounted_under(Path("/"))
    assert chroot.mounted_under(ROOT / "docs") == []


def test_commands_enter_private_namespaces_with_a_clean_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The mounts and processes of a command in the chroot end with it (private mount
    and PID namespaces); it sees none of this environment but proxies and the CA."""
    monkeypatch.setenv("SECRET_TOKEN", "x")
    monkeypatch.setenv("https_proxy", "http://proxy.example:3128")
    command = chroot._entered(tmp_path, ["python3.15", "-V"])
    unshare = command[: command.index("--")]
    assert {"--mount", "--propagation", "private", "--pid", "--fork", "--kill-child"} <= set(
        unshare
    )
    inside = command[command.index("-i") + 1 :]
    assert not any(part.startswith("SECRET_TOKEN=") for part in inside)
    assert "https_proxy=http://proxy.example:3128" in inside
    assert inside[-2:] == ["python3.15", "-V"]


def test_each_cell_is_named_after_what_it_is() -> None:
    assert list(debian_cells.CELLS) == ["3.14 (Debian)", "3.15 (Debian)"]
    assert debian_cells.record_file("3.15 (Debian)", Path("r")) == Path("r/3.15-Debian.jsonl")


def test_killing_the_command_kills_everything_it_runs_in_the_chroot(tmp_path: Path) -> None:
    """SIGKILL to the Python that runs a chroot command (a CI job cancelled, a
    contributor's kill -9) leaves nothing running inside and nothing mounted."""
    root = chroot.default_root()
    if not (root / chroot.STAMP).is_file():
        pytest.skip(f"no Debian chroot at {root}: `python3 dev.py cells` makes it")
    marker = f"sleep {60 + os.getpid() % 100}.5"  # a command line no one else runs
    driver = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from snippet_runner import chroot; "
            f"chroot.run(chroot.default_root(), {marker.split()!r})",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "tools")},
    )
    deadline = time.monotonic() + 30
    while marker not in _command_lines() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert marker in _command_lines(), "the command never started in the chroot"
    driver.kill()
    driver.wait(timeout=10)
    deadline = time.monotonic() + 10
    while marker in _command_lines() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert marker not in _command_lines(), "the chroot's process outlived its parent"
    assert chroot.mounted_under(root) == []


def _command_lines() -> list[str]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            found.append(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode())
        except OSError:
            continue
    return [line.strip() for line in found]
