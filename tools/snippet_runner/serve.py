"""``mkdocs serve`` answers at once: placeholders now, outputs from one background worker.

A cold cache would make the first page wait minutes for every example. In serve mode
(``serve_mode()``: a ``serve`` command with the cache on, never under CI) the fence
never runs a snippet: it shows the cached run, or a placeholder and queues the snippet.

One worker thread in the serve process runs the queue one snippet at a time, in nav
order (parallel runs would compete for the CPUs and skew the timings), never while
the site is rebuilding. It stores every run in the cache, failures too (this serve
shows them on the page; a restart runs them again). When the last queued snippet of
a page is done it writes ``.cache/serve/rebuild``: mkdocs.yml watches that folder, so
serve rebuilds (nothing new to run: every output is cached) and the browser reloads.
One rebuild a page, not one a snippet: each rebuild costs about as much as a
prose-only edit, and the worker waits for it so that it never runs beside a build.
An example just edited that ran quickly last time runs inside its edit's rebuild
instead, when the worker is idle (``INLINE_SECONDS``): one rebuild shows it.

Notebooks come after the examples (notebooks.py): in serve mode mkdocs.yml gives
mkdocs-jupyter ``execute: false`` and ``cache: true`` (``notebook_execute()`` and
``notebook_cache()``), so builds render them unexecuted and marked, and the
worker executes each into mkdocs-jupyter's cache, then asks for a rebuild.

Static builds (``mkdocs build``, CI, the tests) never come here: ``placeholder()``
and ``Worker.request()`` refuse to run outside serve mode, and loading the config
fails if ``NOTEBOOK_EXECUTE=false`` outside serve.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime
import html
import logging
import math
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

from snippet_runner import cache, notebooks
from snippet_runner.process import Run, project_root, run_snippet, shown
from snippet_runner.tree import ProcessTree

SERVE_DIR = ".cache/serve"  # mkdocs.yml `watch:`es it; a write there makes serve rebuild
PENDING = "snippet-pending"  # the class of the placeholder; never in a static build
FAILED = "snippet-failed"
_STARTED = datetime.datetime.now(datetime.UTC)  # failures recorded before this run again

# mkdocs.yml watches SERVE_DIR, and MkDocs refuses to load a config that watches a
# missing path; this module is imported while the config is read (the fence), so it
# makes the (git-ignored) folder for every build, static ones included.
(project_root() / SERVE_DIR).mkdir(parents=True, exist_ok=True)


def serve_mode() -> bool:
    """True only in ``mkdocs serve`` / ``zensical serve`` with the snippet cache on
    (``cache_enabled()`` is never true under CI)."""
    return sys.argv[1:2] == ["serve"] and cache.cache_enabled()


def _switch(name: str, default: bool) -> bool:
    """An on/off setting from the environment, ``default`` where it is unset."""
    value = os.environ.get(name, "").strip().lower()
    if value in ("true", "1", "yes", "on"):
        return True
    if value in ("false", "0", "no", "off"):
        return False
    if value:
        raise ValueError(f"{name}={value!r}: use true or false")
    return default


# mkdocs.yml gives these two to mkdocs-jupyter (``!!python/object/apply:``, called on
# every load of the config, as ``!ENV`` is read), so that a plain ``mkdocs serve``
# defers the notebooks as ``dev.py serve`` does: ``!ENV`` has one default for every
# command. In serve mode builds leave notebooks unexecuted and the worker executes
# them into the plugin's cache. Every other build executes them, fresh unless
# NOTEBOOK_CACHE=true (the benchmark's rebuilds); a ``serve`` outside serve mode
# (SNIPPET_CACHE=0) executes them and reuses their outputs.
def notebook_execute() -> bool:
    """mkdocs-jupyter's ``execute``: NOTEBOOK_EXECUTE, by default false in serve mode
    only; false outside serve mode is refused.

    A notebook page that was not executed is marked "running" (overrides/main.html):
    that must never reach a static build, which would also miss the notebooks' outputs."""
    execute = _switch("NOTEBOOK_EXECUTE", not serve_mode())
    if not execute and not serve_mode():
        raise RuntimeError("NOTEBOOK_EXECUTE=false is for `serve` only: a build executes notebooks")
    return execute


def notebook_cache() -> bool:
    """mkdocs-jupyter's ``cache``: NOTEBOOK_CACHE, by default true in ``serve`` only."""
    return _switch("NOTEBOOK_CACHE", sys.argv[1:2] == ["serve"])


def search_enabled() -> bool:
    """Material's search plugin's ``enabled``: in serve mode off unless SERVE_SEARCH=true.

    Indexing reads every page's HTML, every highlighted token of every example: half of
    a serve rebuild once the examples' renderings are reused (fence.py). Serve then
    shows no search box; every other build, the published site's included, has it."""
    return not serve_mode() or _switch("SERVE_SEARCH", False)


def notebooks_deferred() -> bool:
    """Whether builds leave notebooks unexecuted: the worker executes them, and the
    theme marks the pages."""
    return not notebook_execute()


notebook_execute()  # importing this (the fence does) refuses NOTEBOOK_EXECUTE=false outside serve


def _refuse_outside_serve() -> None:
    if not serve_mode():
        raise RuntimeError("placeholders and background runs exist only in `serve`")


# An example edited since serve started whose last run took at most INLINE_SECONDS runs
# inside the rebuild its edit started, when the worker is idle: its new output then
# shows after one rebuild, not after that one and a second that the worker asks for.
# Its run is still the only one (the worker never runs beside a build). It may take up
# to INLINE_TIMEOUT there; longer (the edit made it slow), it goes to the worker. A
# rebuild spends at most INLINE_BUDGET on such runs (a checkout may touch many files).
INLINE_SECONDS = 1.0
INLINE_TIMEOUT = 10.0
INLINE_BUDGET = 3.0


def show(path: Path, timeout: float, output: str, returncode: int) -> Run | None:
    """The run the page shows now: a cached success, or a failure this serve recorded,
    or a quick edited example's new run; None (after queuing the snippet) when the page
    must show a placeholder."""
    entry = cache.entry_for(path, output, returncode)
    run = cache.load(entry, timeout)
    if run and (run.failure() is None or _finished(run) >= _STARTED):
        return run
    job = Job(shown(path), path, entry, timeout, output, returncode)
    if _quick_edit(job) and (run := worker.run_now(job)) is not None:
        return run
    worker.request(job)
    return None


def _quick_edit(job: Job) -> bool:
    """Edited since serve started, and quick the last time it ran."""
    try:
        edited = job.path.stat().st_mtime > _STARTED.timestamp()
    except OSError:
        return False
    return edited and cache.costs().get(job.relative, math.inf) <= INLINE_SECONDS


def _finished(run: Run) -> datetime.datetime:
    with contextlib.suppress(ValueError):
        return datetime.datetime.fromisoformat(run.finished)
    return datetime.datetime.min.replace(tzinfo=datetime.UTC)


def placeholder(relative: str) -> str:
    """What a page shows until its snippet has run; refused outside serve mode."""
    _refuse_outside_serve()
    return (
        f'<div class="admonition info {PENDING}"><p class="admonition-title">Running</p>'
        "<p>running: the output appears here when it finishes "
        f"(<code>{html.escape(relative)}</code>). <code>serve</code> runs the examples one "
        "at a time in the background; this page reloads by itself.</p></div>"
    )


def failure_note(run: Run) -> str:
    """A failed run on the page: the file, how it failed, the end of its output."""
    return (
        f'<div class="admonition failure {FAILED}"><p class="admonition-title">'
        f"Example failed: {html.escape(run.path)}</p>"
        f"<pre><code>{html.escape(run.describe_failure())}</code></pre>"
        "<p>Edit a file in its chapter, or restart <code>serve</code>, to run it again. "
        "A static build stops on this failure.</p></div>"
    )


@dataclass(frozen=True)
class Job:
    relative: str  # the snippet's path as pages and messages name it
    path: Path
    entry: Path  # its cache entry
    timeout: float
    output: str
    returncode: int
    page: float = 1 << 30  # its first page's place in the nav (or minus its edit time)


def nav_order(root: Path) -> list[tuple[str, list[str]]]:
    """Each page of the nav, in order, with the snippets its fences show."""
    from mkdocs.utils.yaml import yaml_load

    with (root / "mkdocs.yml").open(encoding="utf-8") as file:
        nav = yaml_load(file).get("nav") or []
    pages: list[str] = []

    def walk(items: object) -> None:
        for item in items if isinstance(items, list) else [items]:
            if isinstance(item, str):
                pages.append(item)
            elif isinstance(item, dict):
                for value in item.values():
                    walk(value)

    walk(nav)
    order = []
    for page in pages:
        source = root / "docs" / page
        if source.suffix == ".md" and source.is_file():
            text = source.read_text("utf-8").splitlines()
            fenced = [
                text[i + 1].strip()
                for i, line in enumerate(text[:-1])
                if line.lstrip().startswith("```python-snippet")
            ]
            order.append((page, fenced))
    return order


class Worker:
    """The one background thread that runs queued snippets, one at a time, in nav order."""

    REBUILD_WAIT = 60.0  # seconds to wait for the rebuild it asked for

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._requested: dict[Path, Job] = {}  # by cache entry, in this build
        self._pending: list[Job] = []
        self._running: Job | None = None
        self._busy = False  # an example or a notebook runs now, here or in the build
        self._inline_spent = 0.0  # seconds of examples run inside this build (run_now)
        self._tree: ProcessTree | None = None
        self._building = False
        self._builds = 0  # builds that ended
        self._done = 0  # since the queue was last empty
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._notebooks_due = False  # a build ended: check the notebooks after the examples

    # --- called from the build (the main thread) -------------------------------------------

    def request(self, job: Job) -> None:
        """Queue ``job`` unless it is queued or running already."""
        _refuse_outside_serve()
        with self._cond:
            self._requested.setdefault(job.entry, job)
            busy = {j.entry for j in self._pending} | {getattr(self._running, "entry", None)}
            if job.entry not in busy:
                self._pending.append(job)
            self._start()
            self._cond.notify_all()

    def run_now(self, job: Job) -> Run | None:
        """Run ``job`` here and now if the worker is idle (see INLINE_SECONDS); None if it
        is busy, if this build spent its INLINE_BUDGET, or if the run outgrew
        INLINE_TIMEOUT (then the worker runs it)."""
        _refuse_outside_serve()
        with self._cond:
            if self._busy or self._inline_spent >= INLINE_BUDGET:
                return None
            self._busy = True
            self._pending = [j for j in self._pending if j.entry != job.entry]
        quick = replace(job, timeout=min(job.timeout, INLINE_TIMEOUT))
        start = time.perf_counter()
        try:
            run = self._run(quick)
        finally:
            self._idle(spent=time.perf_counter() - start)
        if run.timed_out and quick.timeout < job.timeout:
            return None
        _say(f"{job.relative} ran in {run.seconds:.1f} s, within the rebuild of its edit")
        if run.failure():
            _say(f"FAILED {run.describe_failure()}")
        return run

    def _start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="snippets", daemon=True)
            self._thread.start()
            atexit.register(self.stop)
            _exit_cleanly_on_sigterm()

    def build_started(self) -> None:
        with self._cond:
            self._building = True
            self._requested = {}
            self._inline_spent = 0.0
        try:  # before any page renders, so that no page shows stale notebook outputs
            notebooks.forget_stale()
        except Exception as error:  # raised here, it would break MkDocs' logging call
            _say(f"FAILED to check the notebooks' inputs: {type(error).__name__}: {error}")

    def build_ended(self, ok: bool = True) -> None:
        """The queue becomes what this build asked for, in nav order: a snippet that
        an edit changed since it was queued is dropped (its new key was asked for).
        Called once or twice a build (see ``_BuildEvents``): the second call does nothing."""
        with self._cond:
            if not self._building:
                return
            self._building = False
            self._builds += 1
            if ok:
                running = getattr(self._running, "entry", None)
                wanted = [j for j in self._requested.values() if j.entry != running]
                self._pending = _in_nav_order(wanted)
                self._requested = {}
                self._notebooks_due = True
                self._start()
            self._cond.notify_all()

    def stop(self) -> None:
        """Serve is exiting: kill the snippet running now, with every process it started."""
        with self._cond:
            self._pending = []
            self._stopping = True
            tree = self._tree
        if tree is not None:
            tree.kill()

    # --- the worker thread ------------------------------------------------------------------

    def _loop(self) -> None:
        while True:
            with self._cond:  # one decision under the lock: a build may swap the queue
                self._cond.wait_for(
                    lambda: (
                        (self._pending or self._notebooks_due)
                        and not (self._building or self._busy)
                    )
                )
                job = self._pending.pop(0) if self._pending else None
                self._notebooks_due = self._notebooks_due and job is not None
                self._running = job
                self._busy = job is not None  # a notebook sets it while it executes
            try:
                if job is None:
                    self._execute_notebooks()
                else:
                    self._example(job)
            except Exception as error:  # the worker must outlive one bad run
                self._idle()
                _say(f"FAILED the background worker: {type(error).__name__}: {error}")
            finally:
                with self._cond:
                    self._running = None

    def _example(self, job: Job) -> None:
        with self._cond:
            total = self._done + len(self._pending) + 1
            left = _time_left([j.relative for j in (job, *self._pending)])
        _say(f"example {self._done + 1} of {total}: running {job.relative}{left}")
        try:
            run = self._run(job)
        finally:
            self._idle()  # while it waits for its rebuild, an edit's rebuild may run one
        with self._cond:
            self._running = None
            self._done += 1
            page_done = not any(j.page == job.page for j in self._pending)
            all_done = not self._pending
            done = self._done
            if all_done:
                self._done = 0
        if run.failure():
            _say(f"FAILED {run.describe_failure()}")
        else:
            _say(f"{job.relative} ran in {run.seconds:.1f} s")
        if all_done:
            _say(f"all {done} examples done; the pages reload with their outputs")
        if page_done or all_done:
            self._rebuild_and_wait()

    def _execute_notebooks(self) -> None:
        """After the examples: each notebook without current outputs, one at a time."""
        try:
            due = notebooks.to_execute(_STARTED)
        except Exception as error:  # a config the next build will report: try after it
            _say(f"could not list the notebooks to execute: {error}")
            return
        for number, notebook in enumerate(due, 1):
            with self._cond:
                if self._pending or self._stopping:
                    return  # examples first; the next build's end checks again
            left = _time_left([notebook.relative for notebook in due[number - 1 :]])
            _say(f"notebook {number} of {len(due)}: executing {notebook.relative}{left}")
            with self._cond:  # not beside an example that a rebuild runs (run_now)
                self._cond.wait_for(lambda: not self._busy, timeout=2 * INLINE_TIMEOUT)
                self._busy = True
            start = time.perf_counter()
            try:
                failure = notebooks.execute(notebook)
            finally:
                self._idle()
            seconds = time.perf_counter() - start
            if failure:
                _say(f"FAILED {notebook.relative} after {seconds:.1f} s: {failure}")
            else:
                _say(f"{notebook.relative} ran in {seconds:.1f} s")
            self._rebuild_and_wait()

    def _idle(self, spent: float = 0.0) -> None:
        """The process that made the worker busy has ended (``spent``: seconds it ran
        inside a build, for INLINE_BUDGET)."""
        with self._cond:
            self._busy = False
            self._inline_spent += spent
            self._cond.notify_all()

    def _run(self, job: Job) -> Run:
        def started(tree: ProcessTree | None) -> None:
            self._tree = tree

        run = run_snippet(
            job.path,
            job.timeout,
            expected_returncode=job.returncode,
            embed_images=job.output == "markdown",
            started=started,
        )
        if not self._stopping:  # killed because serve exits: not a result
            cache.store(job.entry, run)  # failures too: this serve shows them
        return run

    def _rebuild_and_wait(self) -> None:
        """Make serve rebuild (it watches SERVE_DIR), and wait until that build ends."""
        with self._cond:
            builds = self._builds
        marker = project_root() / SERVE_DIR / "rebuild"
        marker.write_text(f"{time.time()}\n", "utf-8")
        with self._cond:
            self._cond.wait_for(
                lambda: self._builds > builds and not self._building, timeout=self.REBUILD_WAIT
            )


def _in_nav_order(jobs: list[Job]) -> list[Job]:
    """Sort by the first nav page that shows each snippet (pages outside the nav last),
    and remember that page: the worker asks for a rebuild when a page's last is done.

    A snippet edited while serve runs goes first, newest edit first, as a page of its
    own: its new output shows after its own run, before the rest of its chapter."""
    where: dict[str, tuple[int, int]] = {}
    with contextlib.suppress(Exception):  # no nav or an odd one: keep the build's order
        for page_index, (_page, fenced) in enumerate(nav_order(project_root())):
            for fence_index, relative in enumerate(fenced):
                where.setdefault(relative, (page_index, fence_index))
    placed = []
    for index, job in enumerate(jobs):
        place = where.get(job.relative, (Job.page, 0))
        with contextlib.suppress(OSError):
            edited = job.path.stat().st_mtime
            if edited > _STARTED.timestamp():
                place = (-edited, 0)
        placed.append((place, index, job))
    return [replace(job, page=place[0]) for place, _i, job in sorted(placed, key=lambda p: p[:2])]


def _time_left(names: list[str]) -> str:
    """An estimate from the last known run times (the cost history cache.store keeps)."""
    known = cache.costs()
    seconds = [known.get(name) for name in names]
    measured = [s for s in seconds if s is not None]
    if not measured:
        return " (time left unknown: none has a known run time yet)"
    average = sum(measured) / len(measured)
    total = sum(average if s is None else s for s in seconds)
    guessed = len(seconds) - len(measured)
    minutes, rest = divmod(round(total), 60)
    text = f"about {minutes} min {rest} s left" if minutes else f"about {rest} s left"
    return f" ({text}{f', {guessed} of them guessed' if guessed else ''})"


def _say(message: str) -> None:
    stamp = time.strftime("%H:%M:%S")
    print(f"INFO    -  [{stamp}] snippets: {message}", file=sys.stderr, flush=True)


def _exit_cleanly_on_sigterm() -> None:
    """``kill`` (SIGTERM) ends serve as Ctrl-C does, so atexit kills a running snippet
    (it runs in its own session: a signal to serve's group does not reach it)."""
    in_main = threading.current_thread() is threading.main_thread()
    if in_main and os.name != "nt" and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, signal.default_int_handler)


worker = Worker()


class _BuildEvents(logging.Filter):
    """When serve builds: MkDocs logs "Building documentation..." before each of serve's
    builds, "Documentation built in N seconds" after a good one (then "Reloading
    browsers"), and an error line after a failed one. The worker runs nothing while a
    build is under way, so a missed end would stop it for good: one CI run's log had
    "Reloading browsers" without the line before it, so either line ends the build."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.startswith("Building documentation..."):
            worker.build_started()
        elif message.startswith("Documentation built in") or message.endswith(
            "] Reloading browsers"  # after a time stamp
        ):
            worker.build_ended()
        elif "An error happened during the rebuild" in message:  # after a time stamp
            worker.build_ended(ok=False)
        return True


if serve_mode():
    for name in ("mkdocs.commands.serve", "mkdocs.commands.build", "mkdocs.livereload"):
        logging.getLogger(name).addFilter(_BuildEvents())
