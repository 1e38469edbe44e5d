"""The chapter assignment, solved: files processed four ways, in two modes.

A sequential baseline, one thread per file, a process pool and asyncio each process
the same files. Each file costs about ``work_seconds`` of work: in ``mode="io"`` a
simulated wait, as if the file came over a network; in ``mode="cpu"`` real text
processing, repeated a number of times calibrated on this machine. Every model and
every file logs its start and end to one log file, which only the main process writes.

The chapter's comparison program (``01_compare_the_models.py``), notebook and tests
import this module. Run alone, it processes ten files with one model:
``python file_processors.py [--model Threads] [--mode io] [--work-seconds 2]``.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import logging
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
WORK_SECONDS = 2.0  # of work per file, as the assignment asks
LOG_FILE = "concurrency_results.log"
DEFAULT_LOG_DIR = Path("logs")  # relative: a root path such as /logs is rarely writable
# Spawn starts each worker as a fresh interpreter on every platform (the default on
# Windows and macOS), so nothing works by accident of inheriting the parent's memory.
# The classes also work with "fork" and "forkserver"; the site's Start methods page
# (docs/multiprocessing/start-methods.md) says which one each platform uses by default.
DEFAULT_START_METHOD = "spawn"
SEED = 2024  # the same ten files on every run
SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "ta", "shi", "vo", "pe", "zu", "an", "el")

Paths = Iterable[str | os.PathLike[str]]
log = logging.getLogger("file_processors")
log.setLevel(logging.INFO)


def plural(count: int, noun: str) -> str:
    """``plural(1, "round")`` is "1 round", ``plural(5, "process")`` "5 processes"."""
    if count == 1:
        return f"{count} {noun}"
    return f"{count} {noun}{'es' if noun.endswith('s') else 's'}"


# --- the input: ten files of random text ---------------------------------------


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


# --- the work on one file -------------------------------------------------------


@dataclass(frozen=True)
class FileResult:
    """What processing one file returns: its path and ``len(text.split())``.

    Two timings say how the work went; they take no part in comparing results.
    ``cpu_seconds`` is the CPU time of the thread that worked on the file
    (``time.thread_time()``): only time spent running, whatever the wall clock says.
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

    The median of 15 runs, the statistic every table on the site uses: the typical
    cost on this machine as it is now, so that a file planned to take two seconds
    takes about that long.
    """
    text = random_text(random.Random(SEED), 20_000)
    timing = measure.measure(lambda: word_frequencies(text), repeats=15, warmup=1)
    return timing.median / len(text.split())


@dataclass(frozen=True)
class Workload:
    """How much work one file costs; small and picklable, so workers receive it."""

    mode: str
    seconds: float
    seconds_per_word: float = 0.0  # CPU mode only: measured once, in the main process

    def passes(self, words: int) -> int:
        """How many times to process a file of ``words`` words to spend ``seconds``.

        A fixed amount of work, not "loop until the time is up": a thread that waits
        for the GIL must still do all of its work later.
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


# --- logging from several threads and processes into one file -----------------


def _init_worker(queue: Any) -> None:
    """Runs first in every worker process: send this module's records to ``queue``.

    Under fork the worker inherits the parent's file handler; it is replaced, so that
    only the main process ever writes the log file.
    """
    log.handlers[:] = [QueueHandler(queue)]
    log.propagate = False


class WorkerLogs:
    """A queue that worker processes log into, and a listener that writes it out.

    Start the listener after the workers exist: with the fork start method, forking
    while another thread runs can deadlock the child (and warns on 3.12+). Stop it
    after the workers have exited, so every record they sent is written.
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


# --- the processors -------------------------------------------------------------


class AbstractFileProcessor(ABC):
    """Processes files; each subclass with one concurrency model.

    ``process_files(paths)`` returns one ``FileResult`` per path, in input order.
    ``name`` is the model's one name: the log, the tables and the tests use it.
    """

    name = "?"

    def __init__(
        self,
        *,
        work_seconds: float = WORK_SECONDS,
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

    def workers(self, files: int) -> str:
        """Who works on ``files`` files, such as "10 threads": the log names it."""
        return "1 thread"

    @abstractmethod
    def process_files(self, paths: Paths) -> list[FileResult]:
        """Process every file; one result per path, in the order given."""

    @contextmanager
    def _logged_run(self, paths: Paths) -> Iterator[list[Path]]:
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
        what = f"{self.name} ({self.workers(len(files))}), {self.mode} mode"
        log.info("model start: %s, %d files", what, len(files))
        started = time.perf_counter()  # the elapsed time the assignment asks to log
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

    def process_files(self, paths: Paths) -> list[FileResult]:
        with self._logged_run(paths) as files:
            return [process_file(path, self.workload) for path in files]


class ThreadedFileProcessor(AbstractFileProcessor):
    """One ``threading.Thread`` per file, all started, then all joined."""

    name = "Threads"

    def workers(self, files: int) -> str:
        return plural(files, "thread")

    def process_files(self, paths: Paths) -> list[FileResult]:
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


class _PoolProcessor(AbstractFileProcessor):
    """What the two models with worker processes share: a start method and a pool size.

    Pool size, unless ``processes`` is given: for the CPU mode, one process per usable
    CPU (more processes than CPUs only take turns); for the I/O mode, one per file (a
    waiting process needs no CPU, so CPUs are not the limit).
    """

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

    def workers(self, files: int) -> str:
        size = plural(self.pool_size(files), "process")
        return f"{size}, {self.context.get_start_method()}"


class MultiprocessingFileProcessor(_PoolProcessor):
    """A ``multiprocessing.Pool``: every worker process has its own interpreter and GIL.

    Given a size, the name says so, as in ``Multiprocessing, Pool(2)``.
    """

    name = "Multiprocessing"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if self.processes is not None:
            self.name = f"Multiprocessing, Pool({self.processes})"

    # --8<-- [start:pool]
    def process_files(self, paths: Paths) -> list[FileResult]:
        with self._logged_run(paths) as files:
            if not files:
                return []
            logs = WorkerLogs(self.context)
            try:
                size = self.pool_size(len(files))
                with self.context.Pool(size, _init_worker, (logs.queue,)) as pool:
                    logs.start()  # the workers exist now
                    # chunksize=1: a free worker takes the next single file. The
                    # default hands out batches, and a worker may be left holding one.
                    work = functools.partial(process_file, workload=self.workload)
                    results = pool.map(work, files, chunksize=1)
                    pool.close()
                    pool.join()
            finally:
                logs.stop()
            return results

    # --8<-- [end:pool]


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


class AsyncioFileProcessor(_PoolProcessor):
    """One event loop in one thread, one coroutine per file, in a ``TaskGroup``.

    In the CPU mode the work goes to a ``ProcessPoolExecutor`` through
    ``loop.run_in_executor()``. ``offload_cpu=False`` runs it inside the coroutines
    instead, to show that this gains nothing: a coroutine that never awaits keeps
    the loop until it finishes.
    """

    name = "Asyncio"

    def __init__(self, *, offload_cpu: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.offloaded = self.mode == "cpu" and offload_cpu
        if self.offloaded:
            self.name = "Asyncio + ProcessPoolExecutor"
        elif self.mode == "cpu":
            self.name = "Asyncio, CPU work inside the coroutines"

    def workers(self, files: int) -> str:
        return super().workers(files) if self.offloaded else "1 thread"

    def process_files(self, paths: Paths) -> list[FileResult]:
        with self._logged_run(paths) as files:
            if self.offloaded and files:
                return _run_coroutine(self._offloaded(files))
            return _run_coroutine(self._in_the_loop(files))

    # --8<-- [start:asyncio]
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

    # --8<-- [end:asyncio]


# The four models by name, for the command line.
PROCESSORS = {
    cls.name: cls
    for cls in (
        SequentialFileProcessor,
        ThreadedFileProcessor,
        MultiprocessingFileProcessor,
        AsyncioFileProcessor,
    )
}


def main(argv: list[str] | None = None) -> None:
    """Process the ten files with one model; print what each file gave, and the log."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=PROCESSORS, default="Threads")
    parser.add_argument("--mode", choices=MODES, default="io")
    parser.add_argument("--work-seconds", type=float, default=WORK_SECONDS)
    parser.add_argument("--log-dir", type=Path, default=DEFAULT_LOG_DIR)
    args = parser.parse_args(argv)

    processor = PROCESSORS[args.model](
        work_seconds=args.work_seconds, mode=args.mode, log_dir=args.log_dir
    )
    with tempfile.TemporaryDirectory(prefix="assignment-files-") as scratch:
        results = processor.process_files(write_random_files(Path(scratch)))
    rows = [[r.path.name, f"{r.words:,}", f"{r.seconds:.2f}"] for r in results]
    context = getattr(processor, "context", None)  # only the models with processes
    measure.report(
        measure.table(["File", "Words", "Seconds"], rows),
        statistic="one run, each file timed with time.perf_counter()",
        start_method=context.get_start_method() if context else None,
    )
    lines = (args.log_dir / LOG_FILE).read_text(encoding="utf-8").splitlines()
    this_run = lines[-(2 + 2 * len(results)) :]
    print(f"\nThis run's lines of the log `{args.log_dir / LOG_FILE}`:\n")
    print("\n".join(["```text", *this_run, "```"]))


if __name__ == "__main__":
    main()
