"""The chapter assignment, solved: ten text files processed four ways, in two modes.

The same ten files go through a sequential baseline, one thread per file, a
process pool and asyncio. Each file costs about ``work_seconds`` of work:

- ``mode="io"``: a simulated wait (``time.sleep`` in a thread or a process,
  ``await asyncio.sleep`` in a coroutine), as if each file came over a network;
- ``mode="cpu"``: real text processing (word frequencies in pure Python),
  repeated a number of times calibrated on this machine, so that one file takes
  about ``work_seconds`` when it has a CPU to itself.

Every model and every file logs its start and end to ``concurrency_results.log``
in a log directory (``logs`` in the current directory unless told otherwise);
worker processes send their records through a ``QueueHandler`` to a
``QueueListener`` in the main process, so one process writes the file.

Run it: ``python snippets/assignment/file_processors.py [--work-seconds 2]
[--log-dir logs]``. It prints a comparison table for each mode, sentences that
explain the numbers it measured, and the end of the log. Other programs import
it (the chapter's notebook and tests do): the classes below are the interface.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import logging
import math
import multiprocessing
import os
import random
import sys
import tempfile
import textwrap
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Coroutine, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from logging.handlers import QueueHandler, QueueListener
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

MODES = ("io", "cpu")
TITLES = {"io": "I/O-bound mode", "cpu": "CPU-bound mode"}
LOG_FILE = "concurrency_results.log"
DEFAULT_LOG_DIR = Path("logs")  # relative: inside whatever directory runs the program
# Spawn starts each worker as a fresh interpreter on every platform (the default on
# Windows and macOS), so nothing works by accident of inheriting the parent's memory.
# The classes also work with "fork" and "forkserver" (the Linux default from 3.14).
DEFAULT_START_METHOD = "spawn"
SEED = 2024  # the same ten files on every run
SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "ta", "shi", "vo", "pe", "zu", "an", "el")

log = logging.getLogger("file_processors")
log.setLevel(logging.INFO)


def plural(count: int, noun: str) -> str:
    """``plural(1, "round")`` is "1 round", ``plural(5, "process")`` "5 processes"."""
    if count == 1:
        return f"{count} {noun}"
    return f"{count} {noun}{'es' if noun.endswith('s') else 's'}"


# --- the input: ten files of random text ----------------------------------------------


def random_text(rng: random.Random, words: int) -> str:
    """Sentences of made-up words, wrapped into paragraphs."""
    vocabulary = [
        "".join(rng.choices(SYLLABLES, k=rng.randint(1, 4))) for _ in range(600)
    ]
    sentences = []
    while words > 0:
        length = min(words, rng.randint(4, 14))
        sentence = " ".join(rng.choices(vocabulary, k=length))
        sentences.append(sentence.capitalize() + rng.choice(".!?"))
        words -= length
    paragraphs = [
        textwrap.fill(" ".join(sentences[i : i + 5]), width=72)
        for i in range(0, len(sentences), 5)
    ]
    return "\n\n".join(paragraphs) + "\n"


def write_random_files(
    directory: Path, count: int = 10, seed: int = SEED
) -> list[Path]:
    """Write ``count`` .txt files of 2,000 to 6,000 random words into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for number in range(1, count + 1):
        path = directory / f"file_{number:02d}.txt"
        path.write_text(random_text(rng, rng.randint(2_000, 6_000)), encoding="utf-8")
        paths.append(path)
    return paths


# --- the work on one file ----------------------------------------------------------


@dataclass(frozen=True)
class FileResult:
    """What processing one file returns: its path and ``len(text.split())``.

    Two timings say how the work went; they take no part in comparing results.
    ``cpu_seconds`` is the CPU time of the thread that did the work on the file
    (``time.thread_time()``), whatever the wall-clock time it took.
    """

    path: Path
    words: int
    seconds: float = field(default=0.0, compare=False)
    cpu_seconds: float = field(default=0.0, compare=False)


def word_frequencies(text: str) -> dict[str, int]:
    """The CPU mode's real work: how often each word occurs, in pure Python."""
    counts: dict[str, int] = {}
    for word in text.split():
        key = word.strip(".,;:!?\"'()").lower()
        counts[key] = counts.get(key, 0) + 1
    return counts


@functools.cache
def seconds_per_word() -> float:
    """What ``word_frequencies`` costs per word on this machine.

    The fastest of 15 runs: a busy machine can only make a run slower, so the
    fastest is the best estimate of what the work costs.
    """
    text = random_text(random.Random(SEED), 20_000)
    timing = measure.measure(lambda: word_frequencies(text), repeats=15, warmup=1)
    return timing.low / len(text.split())


@dataclass(frozen=True)
class Workload:
    """How much work one file costs; small and picklable, so workers receive it."""

    mode: str
    seconds: float
    seconds_per_word: float = 0.0  # CPU mode only: measured once, in the main process

    def passes(self, words: int) -> int:
        """How many times to process a file of ``words`` words to spend ``seconds``.

        A fixed amount of work, not "loop until the time is up": a thread that
        waits for the GIL must still do all of its work later.
        """
        return max(1, round(self.seconds / (self.seconds_per_word * max(words, 1))))


def _finish(path: Path, words: int, started: float, cpu: float) -> FileResult:
    elapsed = time.perf_counter() - started
    log.info("file end: %s, %d words, %.2f s", path.name, words, elapsed)
    return FileResult(path, words, elapsed, cpu)


def process_file(path: Path, workload: Workload) -> FileResult:
    """One file, start to end, in whichever thread or process calls it."""
    log.info("file start: %s", path.name)
    started, cpu_started = time.perf_counter(), time.thread_time()
    text = path.read_text(encoding="utf-8")
    words = len(text.split())
    if workload.mode == "io":
        time.sleep(workload.seconds)  # blocks this thread, and releases the GIL
    else:
        for _ in range(workload.passes(words)):
            word_frequencies(text)  # pure Python: holds the GIL, where there is one
    return _finish(path, words, started, time.thread_time() - cpu_started)


async def process_file_async(path: Path, workload: Workload) -> FileResult:
    """The I/O mode for asyncio: the wait is ``await asyncio.sleep``."""
    log.info("file start: %s", path.name)
    started = time.perf_counter()
    # asyncio has no non-blocking reads of regular files; to_thread reads in a thread.
    text = await asyncio.to_thread(path.read_text, encoding="utf-8")
    cpu_started = time.thread_time()  # the loop's thread also runs other coroutines:
    words = len(text.split())  # count only what runs here between two awaits
    cpu = time.thread_time() - cpu_started
    await asyncio.sleep(workload.seconds)  # suspends this coroutine, not the thread
    return _finish(path, words, started, cpu)


# --- logging from several threads and processes into one file ----------------------


def _init_worker(queue: Any) -> None:
    """Runs first in every worker process: send this module's records to ``queue``.

    Under fork the worker inherits the parent's file handler; it is replaced, so
    that only the main process ever writes the log file.
    """
    log.handlers[:] = [QueueHandler(queue)]
    log.propagate = False


class WorkerLogs:
    """A queue that worker processes log into, and a listener that writes it out.

    Start the listener after the workers exist: with the fork start method,
    forking while another thread runs can deadlock the child (and warns on 3.12+).
    Stop it after the workers have exited, so every record they sent is written.
    """

    def __init__(self, context: multiprocessing.context.BaseContext) -> None:
        self.queue = context.Queue()
        self._listener: QueueListener | None = None

    def start(self) -> None:
        self._listener = QueueListener(self.queue, *log.handlers)
        self._listener.start()

    def stop(self) -> None:
        if self._listener is not None:
            self._listener.stop()  # writes what is queued, then ends its thread
            self._listener = None
        self.queue.close()
        self.queue.join_thread()


# --- the processors ------------------------------------------------------------------


class AbstractFileProcessor(ABC):
    """Processes files; each subclass with one concurrency model.

    ``process_files(paths)`` returns one ``FileResult`` per path, in input order.
    """

    name = "?"

    def __init__(
        self,
        *,
        work_seconds: float = 2.0,
        mode: str = "io",
        log_dir: str | os.PathLike[str] = DEFAULT_LOG_DIR,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        if work_seconds < 0:
            raise ValueError(f"work_seconds must be >= 0, not {work_seconds!r}")
        self.work_seconds = work_seconds
        self.mode = mode
        self.log_dir = Path(log_dir)
        calibration = seconds_per_word() if mode == "cpu" else 0.0
        self.workload = Workload(mode, work_seconds, calibration)

    def describe(self, files: int) -> str:
        """The model's name with the details that matter (threads, pool size)."""
        return self.name

    @abstractmethod
    def process_files(
        self, paths: Iterable[str | os.PathLike[str]]
    ) -> list[FileResult]:
        """Process every file; one result per path, in the order given."""

    @contextmanager
    def _logged_run(
        self, paths: Iterable[str | os.PathLike[str]]
    ) -> Iterator[list[Path]]:
        """Log the model's start and end around a run, into the log directory."""
        files = [Path(p) for p in paths]
        self.log_dir.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(self.log_dir / LOG_FILE, encoding="utf-8")
        handler.setFormatter(
            logging.Formatter(
                "%(asctime)s.%(msecs)03d %(processName)-18s %(threadName)-12s "
                "%(message)s",
                datefmt="%H:%M:%S",
            )
        )
        log.addHandler(handler)
        what = f"{self.describe(len(files))}, {self.mode} mode"
        log.info("model start: %s, %d files", what, len(files))
        started = time.perf_counter()
        try:
            yield files
        except BaseException as error:
            log.error("model failed: %s: %r", what, error)
            raise
        else:
            log.info("model end: %s, %.2f s", what, time.perf_counter() - started)
        finally:
            log.removeHandler(handler)
            handler.close()


class SequentialFileProcessor(AbstractFileProcessor):
    """The baseline: one file after another, in the main thread."""

    name = "Sequential"

    def process_files(
        self, paths: Iterable[str | os.PathLike[str]]
    ) -> list[FileResult]:
        with self._logged_run(paths) as files:
            return [process_file(path, self.workload) for path in files]


class ThreadedFileProcessor(AbstractFileProcessor):
    """One ``threading.Thread`` per file, all started, then all joined."""

    name = "Threads"

    def describe(self, files: int) -> str:
        return f"Threads ({files} threads)"

    def process_files(
        self, paths: Iterable[str | os.PathLike[str]]
    ) -> list[FileResult]:
        with self._logged_run(paths) as files:
            results: list[FileResult | None] = [None] * len(files)
            errors: list[BaseException] = []

            def work(index: int, path: Path) -> None:
                try:
                    results[index] = process_file(path, self.workload)
                except BaseException as error:  # a thread's exception is lost otherwise
                    errors.append(error)

            threads = [
                threading.Thread(
                    target=work, args=(i, path), name=f"thread-{i + 1:02d}"
                )
                for i, path in enumerate(files)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            if errors:
                raise errors[0]
            return results  # type: ignore[return-value]  # every slot is filled


def default_pool_size() -> int:
    """What ``multiprocessing.Pool()`` starts without a size: CPUs, not tasks.

    ``os.process_cpu_count()`` from Python 3.13 on, ``os.cpu_count()`` before.
    """
    count = getattr(os, "process_cpu_count", os.cpu_count)()
    return count or 1


class MultiprocessingFileProcessor(AbstractFileProcessor):
    """A ``multiprocessing.Pool``; every worker process has its own interpreter and GIL.

    Pool size, unless ``processes`` is given: for the CPU mode, the usable CPUs
    (more processes than CPUs cannot compute faster); for the I/O mode, one process
    per file (a waiting process uses no CPU, so CPUs are not the limit).
    """

    name = "Multiprocessing"

    def __init__(
        self,
        *,
        processes: int | None = None,
        start_method: str = DEFAULT_START_METHOD,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.processes = processes
        self.context = multiprocessing.get_context(start_method)

    def pool_size(self, files: int) -> int:
        if self.processes is not None:
            return self.processes
        if self.mode == "cpu":
            return max(1, min(measure.usable_cpus(), files))
        return max(1, files)

    def describe(self, files: int) -> str:
        size = plural(self.pool_size(files), "process")
        return f"Multiprocessing (Pool of {size}, {self.context.get_start_method()})"

    def process_files(
        self, paths: Iterable[str | os.PathLike[str]]
    ) -> list[FileResult]:
        with self._logged_run(paths) as files:
            if not files:
                return []
            logs = WorkerLogs(self.context)
            try:
                with self.context.Pool(
                    self.pool_size(len(files)), _init_worker, (logs.queue,)
                ) as pool:
                    logs.start()  # the workers exist now
                    # chunksize=1: a free worker takes the next single file. The
                    # default chunksize hands out files in batches, which leaves
                    # workers idle at the end when each file takes long.
                    work = functools.partial(process_file, workload=self.workload)
                    results = pool.map(work, files, chunksize=1)
                    pool.close()
                    pool.join()
            finally:
                logs.stop()
            return results


def _run_coroutine(
    coroutine: Coroutine[Any, Any, list[FileResult]],
) -> list[FileResult]:
    """``asyncio.run()``, also where this thread already runs a loop (Jupyter).

    ``asyncio.run()`` refuses to start a second loop in a thread that runs one, so
    there the coroutine runs in a helper thread with a loop of its own.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(1, thread_name_prefix="asyncio-runner") as runner:
        return runner.submit(asyncio.run, coroutine).result()


class AsyncioFileProcessor(AbstractFileProcessor):
    """One event loop in one thread, one coroutine per file.

    In the CPU mode the work is handed to a ``ProcessPoolExecutor`` through
    ``loop.run_in_executor()``. ``offload_cpu=False`` runs it inside the coroutines
    instead, to show that this gains nothing: a coroutine that never awaits keeps
    the loop until it finishes.
    """

    name = "Asyncio"

    def __init__(
        self,
        *,
        offload_cpu: bool = True,
        start_method: str = DEFAULT_START_METHOD,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.offload_cpu = offload_cpu
        self.context = multiprocessing.get_context(start_method)

    def pool_size(self, files: int) -> int:
        return max(1, min(measure.usable_cpus(), files))

    def describe(self, files: int) -> str:
        if self.mode == "io":
            return "Asyncio (1 thread, asyncio.sleep)"
        if not self.offload_cpu:
            return "Asyncio (CPU work inside the coroutines)"
        method = self.context.get_start_method()
        size = plural(self.pool_size(files), "process")
        return f"Asyncio + ProcessPoolExecutor ({size}, {method})"

    def process_files(
        self, paths: Iterable[str | os.PathLike[str]]
    ) -> list[FileResult]:
        with self._logged_run(paths) as files:
            if self.mode == "cpu" and self.offload_cpu and files:
                return _run_coroutine(self._offloaded(files))
            return _run_coroutine(self._in_the_loop(files))

    async def _in_the_loop(self, files: list[Path]) -> list[FileResult]:
        async def one(path: Path) -> FileResult:
            if self.mode == "io":
                return await process_file_async(path, self.workload)
            return process_file(path, self.workload)  # no await: the loop is stuck here

        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(one(path)) for path in files]
        return [task.result() for task in tasks]

    async def _offloaded(self, files: list[Path]) -> list[FileResult]:
        loop = asyncio.get_running_loop()
        logs = WorkerLogs(self.context)
        try:
            with ProcessPoolExecutor(
                self.pool_size(len(files)),
                mp_context=self.context,
                initializer=_init_worker,
                initargs=(logs.queue,),
            ) as pool:
                futures = [
                    loop.run_in_executor(pool, process_file, path, self.workload)
                    for path in files
                ]
                logs.start()  # submitting started the workers
                results = await asyncio.gather(*futures)
        finally:
            logs.stop()  # after the pool's shutdown: its workers have exited
        return list(results)


# --- the comparison -------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One model's run in the comparison."""

    key: str
    processor: AbstractFileProcessor
    seconds: float
    results: list[FileResult]

    @property
    def cpu_seconds(self) -> float:
        """CPU time spent on the files' work, added up over threads and processes."""
        return sum(result.cpu_seconds for result in self.results)

    @property
    def on_cpu(self) -> float:
        """The share of its time on the files that the work spent running on a CPU."""
        return self.cpu_seconds / max(sum(r.seconds for r in self.results), 1e-9)


def models(mode: str, **options: Any) -> dict[str, AbstractFileProcessor]:
    """The processors compared in ``mode``, by key, the sequential baseline first."""
    found = {
        "sequential": SequentialFileProcessor(mode=mode, **options),
        "threads": ThreadedFileProcessor(mode=mode, **options),
        "processes": MultiprocessingFileProcessor(mode=mode, **options),
    }
    if mode == "io":
        found["pool-default"] = MultiprocessingFileProcessor(
            mode=mode, processes=default_pool_size(), **options
        )
        found["asyncio"] = AsyncioFileProcessor(mode=mode, **options)
    else:
        found["asyncio-executor"] = AsyncioFileProcessor(mode=mode, **options)
        # Last: it repeats the baseline's one-file-at-a-time work, so the first and
        # the last run together show whether the machine's speed held steady.
        found["asyncio-blocking"] = AsyncioFileProcessor(
            mode=mode, offload_cpu=False, **options
        )
    return found


def note(key: str, processor: AbstractFileProcessor, files: int) -> str:
    """What the table's Notes column says about a model: how it runs, not how fast."""
    gil = measure.gil_enabled()
    size = getattr(processor, "pool_size", lambda n: n)(files)
    if processor.mode == "io":
        threads = "each thread waits in time.sleep" + (
            ", which releases the GIL" if gil else ""
        )
        processes = "one process per file: waiting needs no CPU"
    else:
        threads = (
            "the threads take turns holding the GIL"
            if gil
            else "no GIL on this build: threads can run in parallel"
        )
        own = "its own GIL" if gil else "its own interpreter"
        processes = f"one process per usable CPU, each with {own}"
    notes = {
        "sequential": "the baseline: one file after another",
        "threads": threads,
        "processes": processes,
        "pool-default": f"Pool() without a size: {plural(size, 'process')}, "
        f"{plural(math.ceil(files / size), 'round')} of files",
        "asyncio": "asyncio.sleep suspends the coroutine; no thread waits",
        "asyncio-blocking": "the work never awaits, so the coroutines run one by one",
        "asyncio-executor": "loop.run_in_executor hands each file to a process",
    }
    return notes[key]


def compare(paths: list[Path], mode: str, **options: Any) -> list[Row]:
    """Run every model once on ``paths``; check they agree; return their times."""
    rows, expected = [], None
    for key, processor in models(mode, **options).items():
        started = time.perf_counter()
        results = processor.process_files(paths)
        seconds = time.perf_counter() - started
        if expected is None:
            expected = results
        elif results != expected:
            raise RuntimeError(f"{processor.describe(len(paths))} counted differently")
        rows.append(Row(key, processor, seconds, results))
    return rows


def comparison_table(rows: list[Row], files: int) -> str:
    baseline = rows[0].seconds
    return measure.table(
        ["Model", "Total time (s)", "Speed-up vs sequential", "CPU time (s)", "Notes"],
        [
            [
                row.processor.describe(files),
                f"{row.seconds:.2f}",
                f"{baseline / row.seconds:.2f}×",
                f"{row.cpu_seconds:.2f}",
                note(row.key, row.processor, files),
            ]
            for row in rows
        ],
    )


def explain(rows: list[Row], files: int) -> list[str]:
    """Sentences that say why the times differ, built from this run's numbers."""
    by = {row.key: row for row in rows}
    work = rows[0].processor.work_seconds
    sequential = by["sequential"]
    crowded = (
        _crowded(sequential, "It was") if sequential.processor.mode == "cpu" else ""
    )
    said = [
        f"**Sequential** ({sequential.seconds:.2f} s): one file after another costs "
        f"the sum of the work, planned as {files} × {work:g} s = {files * work:g} s."
        + crowded,
        *(_explain_io if rows[0].processor.mode == "io" else _explain_cpu)(by, files),
    ]
    return [f"- {sentence}" for sentence in said]


def _speed(by: dict[str, Row], key: str) -> str:
    ratio = by["sequential"].seconds / by[key].seconds
    return f"{by[key].seconds:.2f} s, {ratio:.2f}× the sequential speed"


def _pool(by: dict[str, Row], key: str, files: int) -> tuple[int, int]:
    """A row's pool size, and how many rounds of files it needs."""
    size = by[key].processor.pool_size(files)  # type: ignore[attr-defined]
    return size, math.ceil(files / size)


def _explain_io(by: dict[str, Row], files: int) -> list[str]:
    work = by["sequential"].processor.work_seconds
    threads = by["threads"].seconds
    if threads < 1.5 * work:
        outcome = f"overlapped: the run took about one wait of {work:g} s."
    elif by["sequential"].seconds / threads > 2:
        outcome = "overlapped, though the run took longer than one wait."
    else:
        outcome = "could overlap; this run took far longer, so the machine was busy."
    released = "has released the GIL" if measure.gil_enabled() else "holds up no one"
    size, _ = _pool(by, "processes", files)
    extra = by["processes"].seconds - threads
    default_size, rounds = _pool(by, "pool-default", files)
    return [
        f"**Threads** ({_speed(by, 'threads')}): a thread blocked in `time.sleep`, "
        f"like one blocked reading a socket, {released}, so the waits {outcome}",
        f"**One process per file** ({_speed(by, 'processes')}): {size} waiting "
        "processes overlap their waits as threads do, but each is a whole process "
        "to start, and arguments and results are pickled. That cost is the "
        f"difference from threads: {extra:+.2f} s.",
        f"**`Pool()` without a size** ({_speed(by, 'pool-default')}) started "
        f"{plural(default_size, 'process')}, one per CPU, not one per file. A worker "
        f"waits for one file at a time, so {files} files needed "
        f"{plural(rounds, 'round')} of {work:g} s: at least {rounds * work:g} s.",
        f"**asyncio** ({_speed(by, 'asyncio')}): one thread runs one event loop. "
        "`await asyncio.sleep()` sets a timer and suspends the coroutine, so all the "
        "waits were pending at once and no thread was blocked. This is a different "
        "wait from `time.sleep` in a thread; it is how asyncio waits for many "
        "sockets at once.",
        *(
            [
                "**CPU time**: every row spent less than a tenth of its total time "
                "on a CPU. Waiting costs time, not CPU."
            ]
            if all(row.cpu_seconds < 0.1 * row.seconds for row in by.values())
            else []
        ),
    ]


def _explain_cpu(by: dict[str, Row], files: int) -> list[str]:
    gil = measure.gil_enabled()
    cpus = plural(measure.usable_cpus(), "usable CPU")
    if gil:
        threads = (
            "on this build only the thread that holds the GIL runs Python code, so "
            "the threads took turns and did the same work one slice at a time."
        )
        if by["sequential"].seconds / by["threads"].seconds < 0.9:
            threads += (
                " Handing the GIL from thread to thread cost extra: together they "
                "were slower than one thread alone."
            )
    else:
        threads = (
            "this free-threaded build runs without the GIL, so the threads could "
            f"compute in parallel on the {cpus}."
        )
    size, rounds = _pool(by, "processes", files)
    best = files / rounds
    measured = by["sequential"].seconds / by["processes"].seconds
    if measured < 0.95 * best:
        verdict = (
            "; starting the workers and sharing the CPUs with the rest of the machine "
            "cost the difference."
        )
    elif measured <= 1.05 * best:
        verdict = ", and this run came close."
    else:
        verdict = (
            "; this run did better only because the machine was busier during the "
            "sequential run."
        )
    own = "its own interpreter and its own GIL" if gil else "its own interpreter"
    at_once = "in parallel" if size > 1 else "one at a time"
    executor_size, _ = _pool(by, "asyncio-executor", files)
    threads += (
        f" Their CPU time added up to {by['threads'].cpu_seconds:.2f} s; the "
        f"baseline's was {by['sequential'].cpu_seconds:.2f} s."
    )
    return [
        f"**Threads** ({_speed(by, 'threads')}): {threads}",
        f"**Processes** ({_speed(by, 'processes')}): each of the "
        f"{plural(size, 'worker process')} has {own}, so {size} computed {at_once} "
        f"on the {cpus}. {files} files in {plural(rounds, 'round')} make at best "
        f"{best:.2f}× the sequential speed{verdict}{_crowded(by['processes'])}",
        f"**asyncio + ProcessPoolExecutor** ({_speed(by, 'asyncio-executor')}): "
        "`loop.run_in_executor()` sent each file to one of "
        f"{plural(executor_size, 'process')} and the loop awaited the results: the "
        f"work ran {at_once}, as in the pool above, while the loop stayed free for "
        f"other coroutines.{_crowded(by['asyncio-executor'])}",
        f"**asyncio, work in the coroutines** ({_speed(by, 'asyncio-blocking')}): "
        "the coroutines never await, so each ran to its end before the loop could "
        "start the next: sequential code with extra steps. An event loop overlaps "
        "waiting, not computing.",
        _steadiness(by["sequential"].seconds, by["asyncio-blocking"].seconds),
    ]


def _crowded(row: Row, subject: str = "Its workers were") -> str:
    """A sentence when a row's CPU work did not have its CPUs to itself."""
    if row.on_cpu >= 0.8:
        return ""
    return (
        f" {subject} on a CPU only {row.on_cpu:.0%} of the time spent on files: "
        "other programs were using the CPUs meanwhile."
    )


def steady(first: float, last: float) -> bool:
    """Whether two runs of the same one-at-a-time work agree within 25 %."""
    return max(first, last) / min(first, last) <= 1.25


def _steadiness(first: float, last: float) -> str:
    said = (
        "**A check on the machine**: the first run and the last one do the same work "
        f"one file at a time, and took {first:.2f} s and {last:.2f} s. "
    )
    if steady(first, last):
        return said + (
            "They agree within 25 %, so the machine's speed held steady during "
            "this comparison."
        )
    return said + (
        "They differ by more than 25 %, so the machine's speed changed during this "
        "comparison, and the speed-ups above are off by as much."
    )


def log_summary(log_path: Path, tail: int) -> list[str]:
    """Check the log names a start and an end for every model and file; show its end."""
    lines = log_path.read_text(encoding="utf-8").splitlines()

    def count(marker: str) -> int:
        return sum(marker in line for line in lines)

    models_ok = count("model start: ") == count("model end: ")
    files_ok = count("file start: ") == count("file end: ")
    return [
        f"The log `{log_path}` has {len(lines)} lines: {count('model start: ')} model "
        f"runs and {count('file start: ')} files processed. Every model and file that "
        f"started also ended: {models_ok and files_ok}. Its last {tail} lines:",
        "",
        "```text",
        *lines[-tail:],
        "```",
    ]


def report(paths: list[Path], mode: str, **options: Any) -> str:
    """Run the comparison for one mode; return its table and explanation (Markdown)."""
    rows = compare(paths, mode, **options)
    parts = [
        f"**{TITLES[mode]}**",
        comparison_table(rows, len(paths)),
        "\n".join(explain(rows, len(paths))),
    ]
    return "\n\n".join(part for part in parts if part)


def describe_input(paths: list[Path], work_seconds: float) -> str:
    words = [len(p.read_text(encoding="utf-8").split()) for p in paths]
    cpu = Workload("cpu", work_seconds, seconds_per_word())
    return (
        f"{len(paths)} files of random text (seed {SEED}), {min(words):,} to "
        f"{max(words):,} words each; about {work_seconds:g} s of work per file. "
        f"In the CPU mode, one pass over a file costs {cpu.seconds_per_word * 1e9:.0f}"
        " ns per word on this machine (calibrated just now), so each file is "
        f"processed {cpu.passes(max(words))} to {cpu.passes(min(words))} times."
    )


def provenance() -> str:
    return measure.provenance(
        start_method=DEFAULT_START_METHOD,
        statistic="one run of each model (each takes seconds: no repeats), "
        "wall-clock time from time.perf_counter()",
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work-seconds", type=float, default=2.0)
    parser.add_argument("--log-dir", type=Path, default=DEFAULT_LOG_DIR)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="assignment-files-") as scratch:
        paths = write_random_files(Path(scratch))
        print(describe_input(paths, args.work_seconds), end="\n\n")
        for mode in MODES:
            text = report(
                paths, mode, work_seconds=args.work_seconds, log_dir=args.log_dir
            )
            print(text, end="\n\n")
    print(provenance(), end="\n\n")
    # The last two model runs: CPU work in worker processes, then in coroutines.
    tail = 2 * (2 + 2 * len(paths))
    print("\n".join(log_summary(args.log_dir / LOG_FILE, tail=tail)))


if __name__ == "__main__":
    main()
