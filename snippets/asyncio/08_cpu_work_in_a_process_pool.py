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
column is the coroutine's time over each way's, round by round (``measure.speedup``):
the median round, then the slowest and fastest. The page's sentences about the
thread, the pool and the lag are claims the build judges on every round, and on
none while other programs took much of the CPUs.

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
LIMIT = 80_000  # count the primes below this, once per job: about 0.1 s each
BEAT = 0.01  # the heartbeat's period, seconds
REPEATS = 5
WORKERS = measure.usable_cpus()


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
    rows, values = [], {}
    for (label, timing), short in zip(
        timings.items(), ("coroutine", "thread", "pool"), strict=True
    ):
        measured = runs[label][-REPEATS:]  # the warm-up runs came first
        lag = measure.Timing(tuple(run[0] for run in measured))
        beats = [run[1] for run in measured]
        speedup = measure.speedup(baseline, timing)
        rows.append(
            [
                label,
                timing.cell(3),
                speedup.cell(),
                measure.Timing(tuple(x * 1000 for x in lag.samples)).cell(1),
                f"{statistics.median(beats):g}",
            ]
        )
        values |= {
            f"took_{short}": timing,
            f"lag_{short}": lag,
            f"beats_{short}": beats,
        }
        if short != "coroutine":
            values[f"speedup_{short}"] = speedup
    answers = {tuple(run[2]) for way in runs.values() for run in way}
    assert len(answers) == 1, "every run must find the same primes"
    measure.report(
        measure.table(
            [
                f"{JOBS} prime counts run",
                "They took (s)",
                "Speed-up",
                "Worst loop lag (ms)",
                "Heartbeats meanwhile",
            ],
            rows,
        ),
        repeats=REPEATS,
        statistic="median (min–max), runs interleaved; speed-up against the "
        "coroutine per round, as their median (slowest–fastest round); "
        "heartbeats: median count",
        start_method=START_METHOD,
        others=taken,
        values=values,
    )
    print(f"\nWorker processes left running: {len(multiprocessing.active_children())}")


if __name__ == "__main__":
    main()
