"""A strict ``mkdocs build`` in a new process, and the snippet runs it recorded.

The tests build the site (and throwaway sites) this way, and ``dev.py bench`` times
it: one place knows how to start the build and read back its run record.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from snippet_runner.process import Run
from snippet_runner.report import read_record


@dataclass
class Build:
    returncode: int
    log: str
    site: Path
    runs: dict[str, Run] = field(default_factory=dict)  # by the snippet's path


def strict_build(project: Path, out: Path, env: dict[str, str], timeout: float | None) -> Build:
    """Build ``project`` into ``out/site`` with ``env`` (the whole environment), recording
    every snippet run in ``out/snippet-runs.jsonl``."""
    out.mkdir(parents=True, exist_ok=True)
    record = out / "snippet-runs.jsonl"
    record.unlink(missing_ok=True)
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out / "site")],
        cwd=project,
        env=env | {"SNIPPET_RECORD": str(record), "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    runs = {run.path: run for run in read_record(record)}
    return Build(proc.returncode, proc.stdout + proc.stderr, out / "site", runs)
