"""CPU-bound work from a coroutine: inline, in a thread, or in a process pool.

Counting primes in pure Python never awaits, so a coroutine that does it keeps
the event loop to itself until it is done, just like ``time.sleep`` would. With
``asyncio.to_thread`` one worker thread runs the same jobs: on a build with the
GIL it takes turns with the loop's thread, but a thread holding the GIL must hand
it over once another thread has waited a switch interval
(``sys.getswitchinterval()``) for it, so the loop keeps running. That buys
responsiveness, not throughput: the jobs take as long as inline (several threads
would compute in parallel only on a free-threaded build with the GIL off). Handing
the work to ``loop.run_in_executor`` with a ``ProcessPoolExecutor`` runs it in
worker processes (in parallel, one per usable CPU) while the loop keeps serving
its other tasks; each call returns a future the coroutine can await. A heartbeat
task measures the loop's lag in each case, next to the time the jobs took.

The three ways are timed with ``measure.compare``, interleaved: each round runs
every way once, on one event loop (``asyncio.Runner``), so a burst of load from
other programs hits all three alike rather than whichever ran then. The speed-up
column is the coroutine's time over each way's, round by round (``measure.speedup``).

A sentence under the table says what this run shows about one worker thread:
no faster than the coroutine, as it should be, or that the run cannot tell,
because one way's own repeats disagreed (the machine's speed changed) or other
programs took much of the CPUs.

The start method is chosen explicitly (``forkserver`` where the platform has it,
otherwise ``spawn``; name another on the command line, for example
``python 08_cpu_work_in_a_process_pool.py fork``). The worker function lives at
module level, so every start method can find it in the worker.
"""

import asyncio
import contextlib
import itertools
import multiprocessing
import statistics
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

# forkserver where the platform has it, else spawn (docs: Start methods);
# a command-line argument picks another: fork, spawn or forkserver.
DEFAULT_METHOD = (
    "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
)
START_METHOD = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_METHOD
JOBS = 4
LIMIT = 40_000  # count the primes below this, once per job
BEAT = 0.01  # the heartbeat's period, seconds
REPEATS = 3
WORKERS = measure.usable_cpus()
STEADY = 1.25  # one way's slowest repeat over its fastest, when the speed held
BUSY = 0.2  # above this share of the CPUs taken by others, a comparison says little


def count_primes(limit: int) -> int:
    """Deliberately slow trial division: pure Python, no I/O, never waits."""
    return sum(all(n % d for d in range(2, int(n**0.5) + 1)) for n in range(2, limit))


# --8<-- [start:ways]
async def heartbeat(woke: list[float]) -> None:
    """Note the loop's time, then every BEAT seconds again: a longer gap is lag."""
    loop = asyncio.get_running_loop()
    while True:
        woke.append(loop.time())
        await asyncio.sleep(BEAT)


def all_jobs() -> list[int]:
    return [count_primes(LIMIT) for _ in range(JOBS)]


async def in_the_loop(_pool: ProcessPoolExecutor) -> list[int]:
    return all_jobs()


async def in_a_thread(_pool: ProcessPoolExecutor) -> list[int]:
    return await asyncio.to_thread(all_jobs)


async def in_the_pool(pool: ProcessPoolExecutor) -> list[int]:
    loop = asyncio.get_running_loop()
    futures = [loop.run_in_executor(pool, count_primes, LIMIT) for _ in range(JOBS)]
    return await asyncio.gather(*futures)


# --8<-- [end:ways]


async def one_run(work, pool) -> tuple[float, int, list[int]]:
    """Run ``work`` once beside the heartbeat: worst lag (s), heartbeats, counts."""
    woke: list[float] = []
    beat = asyncio.create_task(heartbeat(woke))
    await asyncio.sleep(0)  # the heartbeat notes the start and goes to sleep
    counts = await work(pool)
    woke.append(asyncio.get_running_loop().time())  # the gap still open counts too
    beat.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await beat
    gaps = [later - earlier for earlier, later in itertools.pairwise(woke)]
    return max(0.0, max(gaps) - BEAT), len(woke) - 2, counts


WAYS = {
    "in the coroutine": in_the_loop,
    "`asyncio.to_thread`, one worker thread": in_a_thread,
    f"`run_in_executor`, {WORKERS} processes": in_the_pool,
}


def thread_verdict(
    coroutine: measure.Timing, thread: measure.Timing, taken: float | None
) -> str:
    """What this run says about one worker thread against the coroutine."""
    ratio = measure.speedup(coroutine, thread).median
    said = f"In the median round, the thread was {ratio:.2f}× as fast as the coroutine"
    for name, timing in (("coroutine", coroutine), ("thread", thread)):
        if timing.high / timing.low > STEADY:
            return (
                f"{said}, but the {name}'s own runs ranged {timing.low:.3f}–"
                f"{timing.high:.3f} s, more than {STEADY - 1:.0%} apart: the "
                "machine's speed changed meanwhile, so this run cannot compare them."
            )
    if taken is not None and taken > BUSY:
        return (
            f"{said}, but other programs took {taken:.0%} of the CPUs' time, so the "
            "two ways may have had different shares of a CPU: this run cannot "
            "compare them."
        )
    if ratio <= 1:
        return f"{said}: no faster, as one thread doing the same work should be."
    if ratio < STEADY:
        return (
            f"{said}: within the {STEADY - 1:.0%} that repeats of the same work may "
            "differ by, so no faster, as one thread doing the same work should be."
        )
    return f"{said}: faster, on a steady and quiet machine, which is unexpected."


def main() -> None:
    context = multiprocessing.get_context(START_METHOD)
    runs: dict[str, list[tuple[float, int, list[int]]]] = {label: [] for label in WAYS}
    with (
        asyncio.Runner() as runner,
        ProcessPoolExecutor(WORKERS, mp_context=context) as pool,
    ):

        def timed(label: str):
            return lambda: runs[label].append(runner.run(one_run(WAYS[label], pool)))

        pool_label = list(WAYS)[-1]
        started = measure.measure(timed(pool_label), repeats=1, warmup=0)
        print(
            f"Starting the pool's workers ({START_METHOD}) and the first run "
            f"took {started.cell(2)} s (not in the table).\n"
        )
        others = measure.watch_other_programs()
        timings = measure.compare(
            {label: timed(label) for label in WAYS}, repeats=REPEATS
        )
        taken = others()
    baseline = timings["in the coroutine"]
    rows = []
    for label, timing in timings.items():
        measured = runs[label][-REPEATS:]  # the warm-up runs came first
        lag = measure.Timing(tuple(run[0] * 1000 for run in measured))
        beats = statistics.median(run[1] for run in measured)
        speedup = f"{measure.speedup(baseline, timing).median:.2f}"
        rows.append([label, timing.cell(3), speedup, lag.cell(1), f"{beats:g}"])
    answers = {tuple(run[2]) for way in runs.values() for run in way}
    assert len(answers) == 1, "every run must find the same primes"
    print(
        measure.table(
            [
                f"{JOBS} prime counts run",
                "They took (s)",
                "Speed-up",
                "Worst loop lag (ms)",
                "Heartbeats meanwhile",
            ],
            rows,
            caption=measure.provenance(
                repeats=REPEATS,
                statistic="median (min–max), runs interleaved; speed-up against the "
                "coroutine, from the fastest runs; heartbeats: median count",
                start_method=START_METHOD,
                others=taken,
            ),
        )
    )
    print()
    print(thread_verdict(baseline, timings[list(WAYS)[1]], taken))
    print(f"\nWorker processes left running: {len(multiprocessing.active_children())}")


if __name__ == "__main__":
    main()
