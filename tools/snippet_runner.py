"""Run example files as real programs and show their source and output on the page.

markdown-exec runs ``python`` blocks inside the build process, under a made-up
module name and with no time limit. Our examples need the opposite: each one runs
as ``python snippets/...py`` would for a reader, in its own process, with a timeout,
and a failure stops the build. This module is that one difference, plugged into
markdown-exec's public ``base_format`` through a pymdownx.superfences custom fence
declared in ``mkdocs.yml`` (no MkDocs hooks, so Zensical reads the same config):

    ```python-snippet timeout="60" output="markdown"
    snippets/threads/02_crawl_sequential_vs_threads.py
    ```

Fence options (all optional):

- ``timeout``: seconds before the snippet's whole process tree is killed (default 120).
  ``SNIPPET_TIMEOUT`` in the environment overrides every timeout, to find a hang fast.
- ``output``: ``text`` (default, shown verbatim) or ``markdown`` (rendered; relative
  images the snippet wrote into its working directory are embedded in the page).
- ``show``: ``both`` (default, "Code" and "Output" tabs) or ``output``.
- ``returncode``: the exit status the snippet is expected to end with (default 0).

For the edit loop (``mkdocs serve``, or any build with ``SNIPPET_CACHE=1``), a page
reuses a snippet's last successful output while nothing it depends on has changed
(see ``cache_key``), and says on the page that it did. CI never uses the cache. Every
build ends with a cost report: each snippet's run time, slowest first, and the total.

The module knows nothing about chapters; pages and snippets know nothing about it
beyond the fence. ``python -m snippet_runner PATH`` runs one snippet the same way.
"""

from __future__ import annotations

import ast
import atexit
import base64
import contextlib
import datetime
import functools
import hashlib
import html
import importlib.metadata
import json
import logging
import mimetypes
import os
import re
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from markdown_exec import base_format
from pymdownx.superfences import SuperFencesException

DEFAULT_TIMEOUT = 120.0
TAIL_LINES = 40
# A reader's shell passes its whole environment; the build passes only what a Python
# program needs, so a page's output does not depend on unrelated variables.
PASSED_ENV = {
    "PATH",
    "HOME",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TZ",
    "TMPDIR",
    "SYSTEMROOT",
}
FIXED_ENV = {
    "PYTHONUNBUFFERED": "1",  # stdout and stderr interleave as they happen
    "PYTHONIOENCODING": "utf-8",
    "PYTHONFAULTHANDLER": "1",  # on timeout, SIGABRT makes Python print where it hung
    "PYTHONDONTWRITEBYTECODE": "1",  # building never writes into snippets/
}
_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s:]+\.(?:svg|png))\)")
CACHE_DIR = ".cache/snippets"  # under the project root, ignored by git
CACHE_FORMAT = "1"  # bump when what a cache entry holds changes


class SnippetError(SuperFencesException):
    """A snippet failed; superfences lets this exception (and only this kind) stop the build."""


@dataclass
class Run:
    """What happened when one snippet ran."""

    path: str
    output: str
    returncode: int | None
    seconds: float
    timeout: float
    timed_out: bool = False
    left_running: bool = False
    finished: str = ""  # when the run ended, ISO 8601 in UTC
    cached: bool = False  # taken from the snippet cache, not run by this build

    def failure(self, expected_returncode: int = 0) -> str | None:
        """Why this run counts as a failure, or None."""
        if self.timed_out:
            return (
                f"did not finish within its {self.timeout:g} s timeout; its process tree was killed"
            )
        if self.left_running:
            return "exited but left processes running; they were killed"
        if self.returncode != expected_returncode:
            return f"exited with code {self.returncode} (expected {expected_returncode})"
        return None

    def describe_failure(self, expected_returncode: int = 0) -> str:
        lines = self.output.rstrip().splitlines()
        tail = "\n".join(f"    {line}" for line in lines[-TAIL_LINES:]) or "    (no output)"
        return (
            f"{self.path} {self.failure(expected_returncode)} after {self.seconds:.1f} s.\n"
            f"  Run it alone: python {self.path}\n"
            f"  Last {min(len(lines), TAIL_LINES)} lines of its output:\n{tail}"
        )


def project_root() -> Path:
    """The directory that holds mkdocs.yml (markdown-exec's plugin exports it)."""
    return Path(os.environ.get("MKDOCS_CONFIG_DIR") or Path.cwd())


def _shown(path: Path) -> str:
    """How messages name a file: relative to the project root when it is inside it."""
    root = project_root()
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def timeout_for(fence_timeout: float | None) -> float:
    """``SNIPPET_TIMEOUT`` beats the page's value, which beats the default."""
    override = os.environ.get("SNIPPET_TIMEOUT")
    if override:
        try:
            return _positive(override)
        except ValueError:
            raise SnippetError(
                f"SNIPPET_TIMEOUT={override!r} is not a positive number of seconds"
            ) from None
    return DEFAULT_TIMEOUT if fence_timeout is None else fence_timeout


def snippet_env() -> dict[str, str]:
    passed = {
        k: v for k, v in os.environ.items() if k in PASSED_ENV or k.startswith(("PYTHON", "PYENV"))
    }
    return passed | FIXED_ENV


def run_snippet(path: Path, timeout: float, *, embed_images: bool = False) -> Run:
    """Run ``path`` as its own process in a scratch directory; never leave a process behind."""
    shown = _shown(path)
    start = time.perf_counter()
    timed_out = left_running = False
    with tempfile.TemporaryDirectory(prefix="snippet-") as scratch:
        # A new session makes the snippet the leader of its own process group, so the
        # group names every process it starts (pool workers, forkservers, grandchildren).
        proc = subprocess.Popen(
            [sys.executable, str(path.resolve())],
            cwd=scratch,
            env=snippet_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
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
                _stop(proc)
        finally:
            # Runs on every path, Ctrl-C included.
            left_running = _kill_group(proc.pid) and not timed_out
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            # Once the group is gone the pipe closes; a process that escaped it (a new
            # session) may keep it open, and then the output is what came so far.
            reader.join(timeout=5)
        seconds = time.perf_counter() - start
        output = b"".join(list(chunks)).decode("utf-8", errors="replace").rstrip()
        if embed_images:
            output = _embed_images(output, Path(scratch))
    finished = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    return Run(shown, output, proc.returncode, seconds, timeout, timed_out, left_running, finished)


def _drain(stream: IO[bytes], chunks: list[bytes]) -> None:
    """Collect what the snippet's processes write, until the last of them closes the pipe."""
    with stream:
        for chunk in iter(lambda: stream.read1(1 << 16), b""):
            chunks.append(chunk)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Ask the snippet where it is stuck (faulthandler), then kill its whole group."""
    try:
        os.kill(proc.pid, signal.SIGABRT)
        proc.wait(timeout=2)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        pass
    _kill_group(proc.pid, grace=0)


def _kill_group(pgid: int, grace: float = 1.0) -> bool:
    """SIGKILL whatever is left of the process group; True if anything was left."""
    deadline = time.monotonic() + grace
    while _group_alive(pgid):
        if time.monotonic() >= deadline:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
            # SIGKILL is delivered asynchronously: return only once the group is gone.
            gone_by = time.monotonic() + 5
            while _group_alive(pgid) and time.monotonic() < gone_by:
                time.sleep(0.02)
            return True
        time.sleep(0.05)
    return False


def _group_alive(pgid: int) -> bool:
    """Whether a live (not zombie) process is still in the group.

    Zombies count as dead: where PID 1 does not reap orphans (some containers), an
    exited worker stays a zombie in the group forever.
    """
    proc = Path("/proc")
    if not proc.is_dir():  # macOS: no /proc; a zombie then counts as alive
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return True
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # the process ended while we looked
        state, group = fields[0], int(fields[2])
        if group == pgid and state not in "ZX":
            return True
    return False


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


def _record(run: Run) -> None:
    """Append a page's run to ``$SNIPPET_RECORD`` (JSON lines): tests reuse the build's runs."""
    record = os.environ.get("SNIPPET_RECORD")
    if record:
        with open(record, "a", encoding="utf-8") as file:
            file.write(json.dumps(asdict(run)) + "\n")


# --- the snippet cache (edit loop only) ---------------------------------------------------------


def cache_enabled() -> bool:
    """Whether page builds may reuse outputs: never under CI; else ``SNIPPET_CACHE``
    (1 or 0) decides, and without it only a ``serve`` command (``mkdocs serve``,
    ``zensical serve``) uses the cache. Nothing here needs a plugin or a hook."""
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        return False
    setting = os.environ.get("SNIPPET_CACHE", "")
    if setting not in ("", "0", "1"):
        raise SnippetError(f"SNIPPET_CACHE={setting!r}: use 1 (reuse outputs) or 0 (run all)")
    return setting == "1" if setting else sys.argv[1:2] == ["serve"]


def project_imports(path: Path) -> set[Path]:
    """The project's modules that ``path`` uses, directly or through one another.

    A module is any ``.py`` file in the snippet's top folder (``snippets/``), named by
    its stem (a package by its folder). It counts when that name appears in an import
    statement or as a string (``importlib.import_module("x")``, a forkserver preload
    list). That over-matches rather than misses: a false match only costs a re-run.
    """
    root = project_root()
    parts = path.relative_to(root).parts if path.is_relative_to(root) else ()
    files = (root / parts[0]).rglob("*.py") if len(parts) > 1 else path.parent.glob("*.py")
    modules: dict[str, list[Path]] = {}
    for file in files:
        name = file.parent.name if file.name == "__init__.py" else file.stem
        modules.setdefault(name, []).extend(
            sorted(file.parent.rglob("*.py")) if file.name == "__init__.py" else [file]
        )
    found: set[Path] = set()
    todo = [path]
    while todo:
        for node in ast.walk(ast.parse(todo.pop().read_bytes())):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [*(node.module or "").split("."), *(a.name for a in node.names)]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                names = [node.value]
            for file in (f for name in names for f in modules.get(name, ())):
                if file not in found and file != path:
                    found.add(file)
                    todo.append(file)
    return found


@functools.cache
def _interpreter() -> tuple[str, ...]:
    """The interpreter and its build, the packages it can import, and this runner's code.

    Packages are read from the interpreter's site-packages, which is what a snippet sees,
    not from this process's sys.path, which depends on how the build was started.
    """
    site = sorted({sysconfig.get_path("purelib"), sysconfig.get_path("platlib")})
    dists = importlib.metadata.distributions(path=site)
    packages = sorted({f"{d.name}=={d.version}" for d in dists})
    gil = f"Py_GIL_DISABLED={sysconfig.get_config_var('Py_GIL_DISABLED')}"
    return (sys.version, gil, sys.executable, *packages, Path(__file__).read_text("utf-8"))


def cache_key(path: Path, output: str, returncode: int) -> str:
    """A hash of everything a snippet's output depends on.

    The snippet's source and the project modules it imports, the interpreter (version,
    build, executable, installed packages), the environment the runner passes, and the
    fence options that change the run (``output``, ``returncode``; not ``timeout``).
    """
    digest = hashlib.sha256()
    env = json.dumps(snippet_env(), sort_keys=True)
    for part in (CACHE_FORMAT, output, str(returncode), env, *_interpreter()):
        digest.update(part.encode() + b"\0")
    for source in [path, *sorted(project_imports(path))]:
        digest.update(_shown(source).encode() + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()


def _page_run(path: Path, options: dict[str, Any]) -> Run:
    """The run a page shows: a cached one when allowed and still valid, else a new one."""
    timeout = timeout_for(options["timeout"])
    entry = None
    if cache_enabled():
        with contextlib.suppress(SyntaxError):  # it cannot run either; the run will say so
            key = cache_key(path, options["output"], options["returncode"])
            entry = project_root() / CACHE_DIR / f"{key}.json"
    if entry and entry.is_file():
        with contextlib.suppress(OSError, ValueError, TypeError):  # unreadable: run again
            cached = Run(**{**json.loads(entry.read_text("utf-8")), "cached": True})
            if cached.seconds <= timeout:  # a tighter timeout than it ran with: run again
                return cached
    run = run_snippet(path, timeout, embed_images=options["output"] == "markdown")
    if entry and run.failure(options["returncode"]) is None:  # failures are never cached
        entry.parent.mkdir(parents=True, exist_ok=True)
        partial = entry.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(asdict(run)), "utf-8")
        partial.replace(entry)
    return run


def _cached_note(run: Run) -> str:
    """The notice under a cached output: where it came from and when it was produced."""
    when = datetime.datetime.fromisoformat(run.finished).strftime("%Y-%m-%d %H:%M UTC")
    return (
        '<div class="admonition note snippet-cached"><p class="admonition-title">'
        "Cached output</p><p>This output is from the local snippet cache: "
        f"<code>{html.escape(run.path)}</code> produced it on {when} in {run.seconds:.1f} s. "
        "Its source, the project modules it imports, the interpreter and the environment "
        "are unchanged since then. The published site runs every example afresh.</p></div>"
    )


# --- the cost report --------------------------------------------------------------------------

_this_build: list[Run] = []


def cost_report(runs: list[Run]) -> str:
    """What the snippets of one build cost: each run time, slowest first, and the totals."""
    ran = [run for run in runs if not run.cached]
    reused = [run for run in runs if run.cached]
    lines = [
        f"Snippet cost report: {len(runs)} snippets, {len(ran)} ran, {len(reused)} from the cache",
        f"  {'seconds':>8}  {'how':<6}  snippet",
    ]
    for run in sorted(runs, key=lambda run: run.seconds, reverse=True):
        lines.append(f"  {run.seconds:8.2f}  {'cached' if run.cached else 'ran':<6}  {run.path}")
    lines.append(f"  {sum(r.seconds for r in ran):8.2f}  total   run by this build")
    if reused:
        lines.append(f"  {sum(r.seconds for r in reused):8.2f}  saved   by the cache")
    return "\n".join(lines)


def _report_build() -> None:
    if _this_build:
        print(cost_report(_this_build), file=sys.stderr, flush=True)
        _this_build.clear()


class _EndOfBuild(logging.Filter):
    """MkDocs ends every build, ``serve``'s rebuilds included, by logging "Documentation
    built in N seconds"; the report goes out just before that line. Otherwise (a failed
    build, ``mkdocs -q``, Zensical) the report of what ran goes out when the process exits."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage().startswith("Documentation built in"):
            _report_build()
        return True


logging.getLogger("mkdocs.commands.build").addFilter(_EndOfBuild())
atexit.register(_report_build)


# --- the superfences custom fence -------------------------------------------------------------

_OPTIONS = {"timeout", "output", "show", "returncode"}
_CHOICES = {"output": ("text", "markdown"), "show": ("both", "output")}


def _loud(function: Callable[..., Any]) -> Callable[..., Any]:
    """Superfences swallows ordinary exceptions and renders the fence as plain text.

    Turn every error into a SnippetError, which it lets through to stop the build.
    """

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except SnippetError:
            raise
        except Exception as error:
            raise SnippetError(f"snippet runner failed on {args[0]!r}: {error!r}") from error

    return wrapper


@_loud
def validator(
    language: str,
    inputs: dict[str, str],
    options: dict[str, Any],
    attrs: dict[str, Any],
    md: Any,
) -> bool:
    """Check the fence's options; a typo stops the build instead of being ignored."""
    unknown = set(inputs) - _OPTIONS
    if unknown:
        raise SnippetError(
            f"{language} fence: unknown option(s) {sorted(unknown)}; known: {sorted(_OPTIONS)}"
        )
    for name, allowed in _CHOICES.items():
        value = inputs.get(name, allowed[0])
        if value not in allowed:
            raise SnippetError(f"{language} fence: {name}={value!r}, expected one of {allowed}")
        options[name] = value
    try:
        options["timeout"] = _positive(inputs["timeout"]) if "timeout" in inputs else None
        options["returncode"] = int(inputs.get("returncode", "0"))
    except ValueError as error:
        raise SnippetError(f"{language} fence: {error}") from None
    return True


@_loud
def formatter(
    source: str,
    language: str,
    css_class: str,
    options: dict[str, Any],
    md: Any,
    **kwargs: Any,
) -> str:
    """Run the snippet named in the fence and render its source and output as tabs."""
    relative = source.strip()
    path = project_root() / relative
    if not relative.endswith(".py") or not path.is_file():
        raise SnippetError(
            f"{language} fence names {relative!r}, which is not a .py file under {project_root()}"
        )
    run = _page_run(path, options)
    _record(run)
    _this_build.append(run)
    if run.failure(options["returncode"]):
        raise SnippetError(run.describe_failure(options["returncode"]))
    rendered = base_format(
        language="python",
        run=lambda *_args, **_kwargs: run.output,
        code=path.read_text(encoding="utf-8"),
        md=md,
        source="tabbed-left" if options["show"] == "both" else "",
        result="" if options["output"] == "markdown" else "text",
        tabs=("Code", "Output"),
        extra={"title": run.path, "linenums": "1"},
    )
    return str(rendered) + (_cached_note(run) if run.cached else "")


def _positive(value: str) -> float:
    number = float(value)
    if not number > 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {value!r}")
    return number


def main(argv: list[str]) -> int:
    """``python -m snippet_runner PATH [TIMEOUT]``: run one snippet exactly as the build does."""
    if not argv or len(argv) > 2:
        print(main.__doc__, file=sys.stderr)
        return 2
    fence_timeout = _positive(argv[1]) if len(argv) == 2 else None
    run = run_snippet(Path(argv[0]).resolve(), timeout_for(fence_timeout))
    print(run.output)
    if run.failure():
        print("\n" + run.describe_failure(), file=sys.stderr)
        return 1
    print(f"\n{run.path}: ok in {run.seconds:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
