"""A strict ``mkdocs build`` in a new process and the snippet runs it recorded; and a
``mkdocs serve`` in a new session, read over HTTP.

The tests build the site (and throwaway sites) this way and serve throwaway sites,
and ``dev.py bench`` times both: one place knows how to start them.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


class Served:
    """``mkdocs serve`` of ``project`` in a new session, on a free port: the serve tests
    and ``dev.py bench`` start it this way, read its pages over HTTP, and stop it."""

    def __init__(self, project: Path, log: Path, env: dict[str, str], timeout: float = 300):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.log = log
        self.started = time.perf_counter()
        # The project is the one served: not a MKDOCS_CONFIG_DIR left in the environment.
        env = {k: v for k, v in env.items() if k != "MKDOCS_CONFIG_DIR"}
        with log.open("w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                cwd=project,
                env=env | {"NO_MKDOCS_2_WARNING": "1"},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # stop() signals serve and nothing else
            )
        found = self.wait_for(lambda: re.search(r"Serving on (\S+)", log.read_text()), timeout)
        self.url = found[1] if found else "http://127.0.0.1:1/never-served/"

    def wait_for(self, check: Callable[[], Any], seconds: float) -> Any:
        """``check()``'s first true result within ``seconds`` while serve runs, else None."""
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline and self.proc.poll() is None:
            if result := check():
                return result
            time.sleep(0.05)
        return None

    def page(self, path: str = "") -> str:
        """The page at ``path`` ("" if none), without the live-reload call, which
        differs on every request."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as response:
                page = response.read().decode("utf-8")
        except OSError:
            return ""
        return re.sub(r"livereload\(\d+, \d+\)", "livereload()", page)

    def stop(self) -> None:
        """SIGTERM, as ``kill`` sends it: serve stops, killing a snippet it is running
        (POSIX; on Windows this only terminates serve)."""
        if os.name == "nt":
            self.proc.terminate()
        else:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
