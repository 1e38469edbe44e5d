"""Sharing one iterator between threads: a generator breaks, a lock around ``next()``
fixes it, and Python 3.15's ``threading.serialize_iterator``,
``synchronized_iterator`` and ``concurrent_tee`` do it for you.

Four worker threads take jobs from one generator. Shared as it is, the generator
refuses a second caller while it is still making an item: that ``next()`` raises
``ValueError: generator already executing``, and the worker that called it dies.
A small class that takes a lock around each ``next()`` fixes it on every version;
3.15's ``serialize_iterator`` is that class, and ``synchronized_iterator`` wraps a
generator function so that every generator it makes comes wrapped. The table counts
the jobs done, whether each was done exactly once, and the workers that finished.

``concurrent_tee`` answers another question: several threads that each need every
item of one stream. It makes one iterator per thread from a single source, which
runs once per item; each thread sees every item, in order.

Before 3.15 the program says which version the three tools need and shows the
rest.
"""

import platform
import sys
import threading
import time

JOBS = 12
WORKERS = 4
PAUSE = 0.005  # seconds: making one item (reading a line, say), and doing one job


# --8<-- [start:broken]
def jobs(count: int):
    for job in range(count):
        time.sleep(PAUSE)  # while the generator waits here, it is "executing"
        yield job


def worker(source, done: list, errors: list) -> None:
    try:
        for job in source:  # next(source), again and again
            time.sleep(PAUSE)  # the job itself
            done.append(job)
    except ValueError as error:
        errors.append(f"{type(error).__name__}: {error}")


# --8<-- [end:broken]


# --8<-- [start:by_hand]
class LockedIterator:
    """One lock around each next(): what threading.serialize_iterator does."""

    def __init__(self, iterable) -> None:
        self.iterator = iter(iterable)
        self.lock = threading.Lock()

    def __iter__(self):
        return self

    def __next__(self):
        with self.lock:  # one thread at a time inside the generator
            return next(self.iterator)


# --8<-- [end:by_hand]


def start_and_join(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
        if thread.is_alive():
            raise RuntimeError(f"{thread.name} still runs after 30 s")


def share(source) -> tuple[list[int], list[str]]:
    """Run the workers on one shared source: the jobs done, and the errors raised."""
    done: list[int] = []
    errors: list[str] = []
    threads = [
        threading.Thread(target=worker, args=(source, done, errors), daemon=True)
        for _ in range(WORKERS)
    ]
    start_and_join(threads)
    return done, errors


def row(how: str, done: list[int], errors: list[str]) -> str:
    once = "yes" if sorted(done) == list(range(JOBS)) else "no"
    raised = "; ".join(sorted(set(errors))) or "nothing"
    finished = WORKERS - len(errors)
    return f"| {how} | {len(done)} | {once} | {finished} of {WORKERS} | {raised} |"


def readings(made: list[int]):
    for value in range(JOBS):
        time.sleep(PAUSE)
        made.append(value)  # how often the source itself ran
        yield value


def read_in_threads(copies) -> dict[str, list[int]]:
    """Two threads, "saver" and "checker", each reading one of ``copies`` to the end."""
    seen: dict[str, list[int]] = {"saver": [], "checker": []}
    threads = [
        threading.Thread(target=seen[name].extend, args=(copy,), name=name, daemon=True)
        for name, copy in zip(seen, copies, strict=True)
    ]
    start_and_join(threads)
    return seen


# --8<-- [start:tee]
def tee_across_threads() -> None:
    made: list[int] = []
    copies = threading.concurrent_tee(readings(made), n=2)  # one copy per thread
    for name, values in read_in_threads(copies).items():
        every = values == list(range(JOBS))
        print(f"- {name!r} saw {len(values)} readings, every one in order: {every}")
    print(f"- the source generator made {len(made)} readings for both")
    # serialize_iterator, by contrast, gives each item to one caller only:
    one = threading.serialize_iterator(readings([]))
    split = {name: len(values) for name, values in read_in_threads([one, one]).items()}
    print(f"- one `serialize_iterator` read by both instead: they split it, `{split}`")


# --8<-- [end:tee]


def main() -> None:
    version = platform.python_version()
    has_tools = sys.version_info >= (3, 15)
    print(f"Python {version}: {WORKERS} threads take {JOBS} jobs from one source,")
    print("shared in each of these ways; the last column is what the workers raised\n")
    print("| shared how | jobs done | each once | workers that finished | raised |")
    print("|---|---|---|---|---|")
    # --8<-- [start:ways]
    ways = {
        "the generator itself": lambda: jobs(JOBS),
        "`LockedIterator(jobs(...))`, by hand": lambda: LockedIterator(jobs(JOBS)),
    }
    if has_tools:
        ways["`threading.serialize_iterator(jobs(...))`"] = lambda: (
            threading.serialize_iterator(jobs(JOBS))
        )
        safe_jobs = threading.synchronized_iterator(jobs)  # like @ on the def
        ways["`threading.synchronized_iterator(jobs)(...)`"] = lambda: safe_jobs(JOBS)
    for how, make in ways.items():
        print(row(how, *share(make())))
    # --8<-- [end:ways]
    if not has_tools:
        print(
            "\n`threading.serialize_iterator`, `synchronized_iterator` and "
            f"`concurrent_tee` need Python 3.15; this is {version}."
        )
        return
    print("\n`threading.concurrent_tee(source, n=2)`, for two threads that each")
    print("need every reading:\n")
    tee_across_threads()


if __name__ == "__main__":
    main()
