"""Run one snippet as ``python snippets/...py`` would for a reader, and say how it went.

Its own process in an empty scratch directory, a small fixed environment, a timeout,
and afterwards nothing left running (``tree.py``). The result is a ``Run``: the page
shows its output, the cache stores it, the run record and the tests read it back.
The values a snippet hands over with ``measure.report(values=...)`` arrive through a
file that ``$SNIPPET_VALUES`` names (outside its scratch directory) and become the
run's ``values``: what the page's claims are judged on (``claims``).
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import json
import mimetypes
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from snippet_runner.tree import ProcessTree, kill_leftovers

DEFAULT_TIMEOUT = 120.0
TAIL_LINES = 40
# A reader's shell passes its whole environment; the build passes only what a Python
# program needs, so a page's output does not depend on unrelated variables.
PASSED_ENV = {"PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "SYSTEMROOT"}
FIXED_ENV = {
    "PYTHONUNBUFFERED": "1",  # stdout and stderr interleave as they happen
    "PYTHONIOENCODING": "utf-8",
    "PYTHONFAULTHANDLER": "1",  # on timeout, SIGABRT makes Python print where it hung
    "PYTHONDONTWRITEBYTECODE": "1",  # building never writes into snippets/
}
_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s:]+\.(?:svg|png))\)")
VALUES_ENV = "SNIPPET_VALUES"  # snippets/measure.py writes the values it reports there


class SnippetFailed(Exception):
    """An example a page needs failed (or no page shows it); the message says how."""


@dataclass
class Run:
    """What happened when one snippet ran, and the exit status its page expected."""

    path: str
    output: str
    returncode: int | None
    seconds: float
    timeout: float
    timed_out: bool = False
    left_running: bool = False
    finished: str = ""  # when the run ended, ISO 8601 in UTC
    cached: bool = False  # taken from the snippet cache, not run by this build
    expected_returncode: int = 0
    # What measure.report(values=...) handed over: {name: {"samples": [...], "unit": ...}}
    values: dict[str, dict] = field(default_factory=dict)

    def failure(self) -> str | None:
        """Why this run counts as a failure, or None."""
        if self.timed_out:
            return (
                f"did not finish within its {self.timeout:g} s timeout; its process tree was killed"
            )
        if self.left_running:
            return "exited but left processes running; they were killed"
        if self.returncode != self.expected_returncode:
            return f"exited with code {self.returncode} (expected {self.expected_returncode})"
        return None

    def describe_failure(self) -> str:
        lines = self.output.rstrip().splitlines()
        tail = "\n".join(f"    {line}" for line in lines[-TAIL_LINES:]) or "    (no output)"
        return (
            f"{self.path} {self.failure()} after {self.seconds:.1f} s.\n"
            f"  Run it alone: python {self.path}\n"
            f"  Last {min(len(lines), TAIL_LINES)} lines of its output:\n{tail}"
        )


def project_root() -> Path:
    """The directory that holds mkdocs.yml (markdown-exec's plugin exports it)."""
    return Path(os.environ.get("MKDOCS_CONFIG_DIR") or Path.cwd())


def shown(path: Path) -> str:
    """How messages name a file: relative to the project root when it is inside it."""
    root = project_root()
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def positive(value: str) -> float:
    number = float(value)
    if not number > 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {value!r}")
    return number


def timeout_for(fence_timeout: float | None) -> float:
    """``SNIPPET_TIMEOUT`` beats the page's value, which beats the default."""
    override = os.environ.get("SNIPPET_TIMEOUT")
    if override:
        try:
            return positive(override)
        except ValueError:
            raise ValueError(
                f"SNIPPET_TIMEOUT={override!r} is not a positive number of seconds"
            ) from None
    return DEFAULT_TIMEOUT if fence_timeout is None else fence_timeout


def snippet_env() -> dict[str, str]:
    passed = {
        k: v for k, v in os.environ.items() if k in PASSED_ENV or k.startswith(("PYTHON", "PYENV"))
    }
    return passed | FIXED_ENV


def run_snippet(
    path: Path,
    timeout: float,
    *,
    expected_returncode: int = 0,
    embed_images: bool = False,
    started: Callable[[ProcessTree | None], None] = lambda tree: None,
) -> Run:
    """Run ``path`` as its own process in a scratch directory; never leave a process behind.

    ``started`` is told the snippet's process tree when it starts and None when it is
    gone: ``mkdocs serve``'s background worker kills the tree if serve exits mid-run."""
    start = time.perf_counter()
    timed_out = left_running = False
    with (
        _killed_tree_on_sigterm() as running,
        tempfile.TemporaryDirectory(prefix="snippet-") as scratch,
        tempfile.TemporaryDirectory(prefix="snippet-values-") as handover,
    ):
        values_file = Path(handover) / "values.jsonl"
        with _ctrl_c_as_a_terminal_delivers_it():
            proc = subprocess.Popen(
                [sys.executable, str(path.resolve())],
                cwd=scratch,
                env=snippet_env() | {VALUES_ENV: str(values_file)},
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                **ProcessTree.popen_options,
            )
        tree = running.tree = ProcessTree(proc)
        started(tree)
        # Wait for the snippet's own process, not for the end of its output: a child it
        # left running may hold the pipe open, and that is a leftover, not a hang.
        chunks: list[bytes] = []
        reader = threading.Thread(target=_drain, args=(proc.stdout, chunks), daemon=True)
        reader.start()
        try:
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                tree.ask_where_it_hangs(proc)
                kill_leftovers(tree, grace=0)
        finally:
            # Runs on every path, Ctrl-C included.
            left_running = kill_leftovers(tree) and not timed_out
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            # Once the tree is gone the pipe closes; a process that escaped it (a new
            # session) may keep it open, and then the output is what came so far.
            reader.join(timeout=5)
            started(None)
            tree.close()
        seconds = time.perf_counter() - start
        output = relative_tracebacks(b"".join(list(chunks)).decode("utf-8", errors="replace"))
        output = output.rstrip()
        if embed_images:
            output = _embed_images(output, Path(scratch))
        values = read_values(values_file)
    finished = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    return Run(
        shown(path),
        output,
        proc.returncode,
        seconds,
        timeout,
        timed_out,
        left_running,
        finished,
        expected_returncode=expected_returncode,
        values=values,
    )


def read_values(file: Path) -> dict[str, dict]:
    """The values a run handed over, by name. A name reported twice keeps its first
    report and says so in ``repeated``: a claim must know which number it judges."""
    values: dict[str, dict] = {}
    if not file.is_file():
        return values
    for line in file.read_text("utf-8").splitlines():
        entry = json.loads(line)
        name = entry.pop("name")
        if name in values:
            values[name]["repeated"] = True
        else:
            values[name] = entry
    return values


class _Terminated(BaseException):
    """SIGTERM arrived while a snippet ran: unwind through the runner's cleanup."""


class _Running:
    """The tree of the snippet running now, for the SIGTERM handler."""

    tree: ProcessTree | None = None


@contextlib.contextmanager
def _ctrl_c_as_a_terminal_delivers_it() -> Iterator[None]:
    """A snippet starts with Ctrl-C (SIGINT) working, as it does in a reader's terminal.

    A shell without job control starts a background job (``build &`` in a script)
    with SIGINT ignored, and an ignored signal stays ignored across exec: a snippet
    that interrupts itself (synchronization/08) would then wait for its timeout. While
    the snippet starts, the build handles SIGINT (exec resets a handled signal to its
    default), then goes back to ignoring it. Main thread only: Python sets handlers
    there alone, and serve, whose worker is another thread, runs in the foreground."""
    if (
        os.name == "nt"
        or threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.SIG_IGN
    ):
        yield
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextlib.contextmanager
def _killed_tree_on_sigterm() -> Iterator[_Running]:
    """A build stopped with ``kill`` (SIGTERM) kills the snippet it is running, whole.

    The snippet runs in its own session (tree.py), so a signal to the build's process
    group does not reach it, and SIGTERM's default action would end the build at once,
    leaving the snippet running. Here the handler kills the snippet's tree, then
    unwinds through ``run_snippet``'s cleanup, then ends the process by SIGTERM after
    all, so its exit status still says so. Only in the main thread with the default
    action in place: serve's worker thread has its own way (serve.py), and a program
    that set its own handler keeps it."""
    running = _Running()
    if (
        os.name == "nt"
        or threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    ):
        yield running
        return

    def terminate(signum: int, frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second one cannot cut the cleanup
        if running.tree is not None:
            running.tree.kill()
        raise _Terminated

    signal.signal(signal.SIGTERM, terminate)
    try:
        yield running
    except _Terminated:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
        raise  # not reached: the signal ends the process
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def relative_tracebacks(output: str) -> str:
    """Traceback lines name the project's files as the page does (``snippets/...py``), not
    by the absolute path of the checkout that built it."""
    root = re.escape(str(project_root().resolve()) + os.sep)
    pattern = re.compile(rf'^(\s*File "){root}([^"\n]*")', re.M)
    return pattern.sub(lambda m: m[1] + m[2].replace(os.sep, "/"), output)


def _drain(stream: IO[bytes], chunks: list[bytes]) -> None:
    """Collect what the snippet's processes write, until the last of them closes the pipe."""
    with stream:
        for chunk in iter(lambda: stream.read1(1 << 16), b""):
            chunks.append(chunk)


def _embed_images(markdown: str, directory: Path) -> str:
    """Turn ``![alt](plot.svg)`` written by the snippet into a self-contained data URI."""

    def embed(match: re.Match[str]) -> str:
        image = directory / match["src"]
        if not image.is_file():
            return match[0]
        mime = mimetypes.guess_type(image.name)[0] or "application/octet-stream"
        data = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"![{match['alt']}](data:{mime};base64,{data})"

    return _IMAGE.sub(embed, markdown)
