"""Reuse a snippet's last good output in the edit loop, while nothing it may use has changed.

A snippet can import a sibling, run another file by path (``gil/07`` runs ``gil/03``),
or read a data file next to it. Following imports misses the last two, so the key
does not try to know what a snippet uses: it covers everything it could use.

- every file under the snippet's chapter folder (``snippets/<chapter>/``);
- the shared top-level modules (``snippets/*.py``, such as ``measure.py``);
- the pinned dependency files (``pyproject.toml``, ``constraints.txt``);
- the interpreter (version, build, executable) and this runner's own code;
- the environment the runner passes, and the fence options that change a run.

An edit to one snippet re-runs its chapter; a prose edit re-runs nothing. The cache
is for local work only: CI never uses it. Serve's background worker (serve.py) also
stores failures, which a build never reuses, and every run's time goes into a small
history (``COSTS``) from which serve estimates the time its queue still needs.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import hashlib
import html
import json
import os
import sys
import sysconfig
from dataclasses import asdict
from pathlib import Path

from snippet_runner.process import Run, project_root, run_snippet, shown, snippet_env

CACHE_DIR = ".cache/snippets"  # under the project root, ignored by git
COSTS = ".cache/snippet-costs.json"  # the last known run time of each snippet
CACHE_FORMAT = "4"  # bump when what a cache entry holds changes (4: the run's values)
PINS = ("pyproject.toml", "constraints.txt")


def cache_enabled() -> bool:
    """Whether page builds may reuse outputs: never under CI; else ``SNIPPET_CACHE``
    (1 or 0) decides, and without it only a ``serve`` command (``mkdocs serve``,
    ``zensical serve``) uses the cache."""
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        return False
    setting = os.environ.get("SNIPPET_CACHE", "")
    if setting not in ("", "0", "1"):
        raise ValueError(f"SNIPPET_CACHE={setting!r}: use 1 (reuse outputs) or 0 (run all)")
    return setting == "1" if setting else sys.argv[1:2] == ["serve"]


def inputs(path: Path) -> list[Path]:
    """The files a snippet's key covers, in a stable order."""
    root = project_root()
    parts = path.relative_to(root).parts if path.is_relative_to(root) else ()
    shared = (root / parts[0]).glob("*.py") if len(parts) > 1 else ()
    chapter = [p for p in path.parent.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    pins = [root / name for name in PINS if (root / name).is_file()]
    return sorted({*chapter, *shared}) + pins


@functools.cache
def _interpreter() -> tuple[str, ...]:
    gil = f"Py_GIL_DISABLED={sysconfig.get_config_var('Py_GIL_DISABLED')}"
    runner = sorted(Path(__file__).parent.glob("*.py"))
    return (sys.version, gil, sys.executable, *(p.read_text("utf-8") for p in runner))


def cache_key(path: Path, output: str, returncode: int) -> str:
    """A hash of everything a snippet's output may depend on (see the module's docstring)."""
    digest = hashlib.sha256()
    env = json.dumps(snippet_env(), sort_keys=True)
    # The snippet's own path first: its chapter's files are the same for every snippet in it.
    for part in (CACHE_FORMAT, shown(path), output, str(returncode), env, *_interpreter()):
        digest.update(part.encode() + b"\0")
    for source in inputs(path):
        digest.update(shown(source).encode() + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()


def entry_for(path: Path, output: str, returncode: int) -> Path:
    """Where the cache keeps the run of ``path`` with these fence options."""
    return project_root() / CACHE_DIR / f"{cache_key(path, output, returncode)}.json"


def load(entry: Path, timeout: float) -> Run | None:
    """The run stored in ``entry`` (marked cached), or None if there is none or it is
    unreadable, or if it succeeded in more time than ``timeout`` now allows."""
    try:
        run = Run(**{**json.loads(entry.read_text("utf-8")), "cached": True})
    except (OSError, ValueError, TypeError):
        return None
    if run.failure() is None and run.seconds > timeout:
        return None  # a tighter timeout than it ran with: run again
    return run


def store(entry: Path, run: Run) -> None:
    """Keep ``run`` in ``entry`` (written whole or not at all) and its cost in the history."""
    entry.parent.mkdir(parents=True, exist_ok=True)
    partial = entry.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps(asdict(run)), "utf-8")
    partial.replace(entry)
    remember_cost(run.path, run.seconds)


def remember_cost(name: str, seconds: float) -> None:
    """Keep the last run time of a snippet (or notebook) for serve's estimate of time left."""
    history = costs() | {name: round(seconds, 2)}
    path = project_root() / COSTS
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps(history, indent=0, sort_keys=True), "utf-8")
    partial.replace(path)


def costs() -> dict[str, float]:
    """The last known run time of each snippet or notebook (its path: seconds)."""
    with contextlib.suppress(OSError, ValueError):
        return dict(json.loads((project_root() / COSTS).read_text("utf-8")))
    return {}


def cached_or_run(path: Path, timeout: float, output: str, returncode: int) -> Run:
    """The run a page shows: a cached success when allowed and still valid, else a new one."""
    entry = entry_for(path, output, returncode) if cache_enabled() else None
    cached = load(entry, timeout) if entry else None
    if cached and cached.failure() is None:  # a failure record (serve's) runs again
        return cached
    run = run_snippet(
        path, timeout, expected_returncode=returncode, embed_images=output == "markdown"
    )
    if entry and run.failure() is None:  # only serve's worker keeps failures
        store(entry, run)
    return run


def cached_note(run: Run) -> str:
    """The notice under a cached output: where it came from and when it was produced."""
    when = datetime.datetime.fromisoformat(run.finished).strftime("%Y-%m-%d %H:%M UTC")
    return (
        '<div class="admonition note snippet-cached"><p class="admonition-title">'
        "Cached output</p><p>This output is from the local snippet cache: "
        f"<code>{html.escape(run.path)}</code> produced it on {when} in {run.seconds:.1f} s. "
        "No file in its chapter folder, no shared module, pinned dependency, interpreter "
        "or environment setting has changed since then. The published site runs every "
        "example afresh.</p></div>"
    )
