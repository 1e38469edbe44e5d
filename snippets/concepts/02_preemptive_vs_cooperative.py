"""Preemptive threads switch where the interpreter decides; coroutines where they await.

Two workers, A and B, each append their letter to one shared list many times. The
list then shows who ran when: ``AAAA...BBBB...AA...`` is read as runs (a letter and
how many times it repeats), and every change of letter is a switch.

- Threads are *preemptive*: the running thread does nothing to give up control.
  Another thread that wants the GIL waits one *switch interval*
  (``sys.getswitchinterval()``, 5 ms by default), then asks the running thread to
  drop it. With the default interval, a short job often finishes in a few long
  runs; with a tiny interval the threads alternate many times, at points neither
  chose.
- Coroutines are *cooperative*: one runs until it reaches an ``await`` that
  suspends it. Here each yields with ``await asyncio.sleep(0)`` after every
  ``CHUNK`` appends, so every run is exactly ``CHUNK`` long, on every run of the
  program.
"""

import asyncio
import statistics
import sys
import threading
import time

APPENDS = 200_000  # per worker
CHUNK = 25_000  # appends between two awaits in the cooperative version
TRIALS = 5  # thread timing varies from run to run; report the median


def runs(log: list[str]) -> list[tuple[str, int]]:
    """``["A", "A", "B"]`` -> ``[("A", 2), ("B", 1)]``."""
    out: list[tuple[str, int]] = []
    for letter in log:
        if out and out[-1][0] == letter:
            out[-1] = (letter, out[-1][1] + 1)
        else:
            out.append((letter, 1))
    return out


def describe(pattern: list[tuple[str, int]], shown: int = 6) -> str:
    text = " ".join(f"{letter}x{count}" for letter, count in pattern[:shown])
    more = len(pattern) - shown
    return text + (f" ... ({more} more runs)" if more > 0 else "")


def threads_once(interval: float) -> list[tuple[str, int]]:
    log: list[str] = []
    start_together = threading.Barrier(2)

    def worker(letter: str) -> None:
        start_together.wait()
        for _ in range(APPENDS):
            log.append(letter)

    workers = [threading.Thread(target=worker, args=(c,)) for c in "AB"]
    default = sys.getswitchinterval()
    sys.setswitchinterval(interval)
    try:
        for thread in workers:
            thread.start()
        for thread in workers:
            thread.join()
    finally:
        sys.setswitchinterval(default)
    return runs(log)


def duration(seconds: float) -> str:
    return f"{seconds * 1e3:g} ms" if seconds >= 1e-3 else f"{seconds * 1e6:g} µs"


def threads(interval: float) -> None:
    cpu, wall = time.process_time(), time.perf_counter()
    trials = sorted((threads_once(interval) for _ in range(TRIALS)), key=len)
    share = (time.process_time() - cpu) / (time.perf_counter() - wall)
    median = trials[len(trials) // 2]
    print(f"threads, switch interval {duration(interval)}:")
    print(f"  switches per trial: {[len(t) - 1 for t in trials]}")
    print(f"  median trial: {describe(median)}")
    lengths = [count for _, count in median]
    print(
        f"  run lengths: shortest {min(lengths)}, longest {max(lengths)}, "
        f"median {statistics.median(lengths):g}"
    )
    # A thread can only ask for the GIL while it has a CPU: if other programs kept
    # the CPUs busy, fewer switches happen. CPU time / wall time shows how busy.
    print(f"  CPU time ÷ wall-clock time of this process: {share:.2f}")


async def cooperative_worker(letter: str, log: list[str]) -> None:
    for i in range(APPENDS):
        log.append(letter)
        if (i + 1) % CHUNK == 0:
            await asyncio.sleep(0)  # the only place this coroutine lets others run


async def coroutines() -> None:
    log: list[str] = []
    await asyncio.gather(*(cooperative_worker(c, log) for c in "AB"))
    pattern = runs(log)
    print(f"coroutines, await asyncio.sleep(0) every {CHUNK} appends:")
    print(f"  switches: {len(pattern) - 1}")
    print(f"  runs: {describe(pattern)}")
    lengths = {count for _, count in pattern}
    print(f"  distinct run lengths: {sorted(lengths)}")


def main() -> None:
    default = sys.getswitchinterval()
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    print(
        f"Python {sys.version.split()[0]}, GIL {'on' if gil else 'off'}; "
        f"default switch interval {duration(default)}"
    )
    print(f"each worker appends {APPENDS} times; {TRIALS} trials per thread setting\n")
    threads(default)
    print()
    threads(1e-6)
    print()
    asyncio.run(coroutines())


if __name__ == "__main__":
    main()
