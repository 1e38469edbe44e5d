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

The start method is chosen explicitly (``forkserver`` where the platform has it,
otherwise ``spawn``; name another on the command line, for example
``python 08_cpu_work_in_a_process_pool.py fork``). The worker function lives at
module level, so every start method can find it in the worker.
"""

import asyncio
import multiprocessing
import statistics
import sys
import time
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


def count_primes(limit: int) -> int:
    """Deliberately slow trial division: pure Python, no I/O, never waits."""
    return sum(all(n % d for d in range(2, int(n**0.5) + 1)) for n in range(2, limit))


# --8<-- [start:ways]
async def heartbeat(lags: list[float], stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        due = loop.time() + BEAT
        await asyncio.sleep(BEAT)
        lags.append(loop.time() - due)


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


async def one_run(work, pool) -> tuple[float, float, int, list[int]]:
    lags: list[float] = []
    stop = asyncio.Event()
    beat = asyncio.create_task(heartbeat(lags, stop))
    await asyncio.sleep(3 * BEAT)
    lags.clear()
    start = time.perf_counter()
    counts = await work(pool)
    took = time.perf_counter() - start
    stop.set()
    await beat
    return took, max(lags), len(lags), counts


async def compare(pool: ProcessPoolExecutor) -> list[list[str]]:
    rows, answers = [], set()
    for label, work in [
        ("in the coroutine", in_the_loop),
        ("`asyncio.to_thread`, one worker thread", in_a_thread),
        (f"`run_in_executor`, {WORKERS} processes", in_the_pool),
    ]:
        start = time.perf_counter()
        await one_run(work, pool)  # warm-up; for the pool, this starts the workers
        if work is in_the_pool:
            print(
                f"Starting the pool's workers ({START_METHOD}) and the first run "
                f"took {time.perf_counter() - start:.2f} s (not in the table).\n"
            )
        runs = [await one_run(work, pool) for _ in range(REPEATS)]
        answers.update(tuple(run[3]) for run in runs)
        took = measure.Timing(tuple(run[0] for run in runs))
        lag = measure.Timing(tuple(run[1] * 1000 for run in runs))
        beats = statistics.median(run[2] for run in runs)
        rows.append([label, took.cell(3), lag.cell(1), f"{beats:g}"])
    assert len(answers) == 1, "every run must find the same primes"
    return rows


def main() -> None:
    context = multiprocessing.get_context(START_METHOD)
    with ProcessPoolExecutor(WORKERS, mp_context=context) as pool:
        rows = asyncio.run(compare(pool))
    print(
        measure.table(
            [
                f"{JOBS} prime counts run",
                "They took (s)",
                "Worst loop lag (ms)",
                "Heartbeats meanwhile",
            ],
            rows,
            caption=measure.provenance(
                repeats=REPEATS,
                statistic="median (min–max); heartbeats: median count",
                start_method=START_METHOD,
            ),
        )
    )
    print(f"\nWorker processes left running: {len(multiprocessing.active_children())}")


if __name__ == "__main__":
    main()
