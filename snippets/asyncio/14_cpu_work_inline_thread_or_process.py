"""CPU-bound work from a coroutine three ways: inline, in a thread, in a process pool.

A heartbeat task measures the event loop's lag while a coroutine counts primes in
pure Python, and the run's total time is measured too, because the two questions
have different answers:

- inline, the computation never awaits, so the loop is stuck until it is done;
- with ``asyncio.to_thread`` one worker thread runs the same jobs one after
  another. On a build with the GIL it takes turns with the loop's thread, but the
  interpreter makes a thread that holds the GIL hand it over once a switch
  interval (``sys.getswitchinterval()``) has passed while another thread waits for
  it, so the loop keeps running: responsiveness, but no extra throughput (several
  threads would compute in parallel only on a free-threaded build with the GIL
  off);
- in a ``ProcessPoolExecutor`` (through ``loop.run_in_executor``) the work runs in
  other processes: the loop stays responsive and the jobs run in parallel on the
  usable CPUs, at the price of starting workers and pickling arguments.
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

# forkserver where the platform has it (the Linux default from 3.14), else spawn.
START_METHOD = (
    "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
)
JOBS = 4
LIMIT = 30_000  # count the primes below this, once per job
BEAT = 0.01  # the heartbeat's period, seconds
REPEATS = 3
WORKERS = measure.usable_cpus()


def count_primes(limit: int) -> int:
    """Deliberately slow trial division: pure Python, no I/O, never waits."""
    return sum(all(n % d for d in range(2, int(n**0.5) + 1)) for n in range(2, limit))


async def heartbeat(lags: list[float], stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        due = loop.time() + BEAT
        await asyncio.sleep(BEAT)
        lags.append(loop.time() - due)


def all_jobs() -> list[int]:
    return [count_primes(LIMIT) for _ in range(JOBS)]


async def inline(_pool: ProcessPoolExecutor) -> list[int]:
    return all_jobs()


async def in_a_thread(_pool: ProcessPoolExecutor) -> list[int]:
    return await asyncio.to_thread(all_jobs)


async def in_processes(pool: ProcessPoolExecutor) -> list[int]:
    loop = asyncio.get_running_loop()
    futures = [loop.run_in_executor(pool, count_primes, LIMIT) for _ in range(JOBS)]
    return await asyncio.gather(*futures)


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
    ways = [
        ("inline, in the coroutine", inline),
        ("`asyncio.to_thread`, one worker thread", in_a_thread),
        (f"process pool, {WORKERS} workers", in_processes),
    ]
    for label, work in ways:
        await one_run(work, pool)  # warm-up: starts the pool's workers and threads
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
    headers = ["Where the work ran", "Took (s)", "Worst loop lag (ms)", "Heartbeats"]
    measure.report(
        measure.table(headers, rows),
        repeats=REPEATS,
        statistic="median (min–max); heartbeats: median count",
        start_method=START_METHOD,
    )
    interval = sys.getswitchinterval() * 1000
    print(
        f"\n{JOBS} prime counts per run; a heartbeat every {BEAT * 1000:g} ms; "
        f"GIL switch interval {interval:g} ms; GIL enabled: {measure.gil_enabled()}."
    )


if __name__ == "__main__":
    main()
