"""chunksize: how many small tasks travel to a worker in one message.

Every message between the main process and a worker costs a pickle, a pipe
write and a wake-up. With thousands of small tasks, sending them one by one
(``chunksize=1``) can cost more than the work itself; batching them amortises
that cost. ``Pool.map`` picks a chunksize when given none; ``imap_unordered``
and ``ProcessPoolExecutor.map`` default to 1. All runs use one started pool of
as many workers as usable CPUs, and the same tasks; the sequential loop is the
baseline. The runs are interleaved (measure.compare), and a speed-up is the
baseline's time over this run's in the same round, the median of the rounds
(measure.speedup).
"""

import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

START_METHOD = "spawn"
TASKS = 2000
REPEATS = 5


# --8<-- [start:task]
def small_task(n: int) -> int:
    return sum(i * i for i in range(n % 7, n % 7 + 700))  # some tens of µs


# --8<-- [end:task]


def main() -> None:
    workers = measure.usable_cpus()
    items = range(TASKS)
    expected = [small_task(n) for n in items]
    ctx = multiprocessing.get_context(START_METHOD)

    def check(results) -> None:
        assert sorted(results) == sorted(expected)

    # --8<-- [start:runs]
    runs = [("sequential loop", "–", lambda: check([small_task(n) for n in items]))]
    with ctx.Pool(workers) as pool, ProcessPoolExecutor(workers, mp_context=ctx) as ex:
        for chunksize in (1, 10):
            runs.append(
                (
                    "Pool.map",
                    str(chunksize),
                    lambda c=chunksize: check(pool.map(small_task, items, chunksize=c)),
                )
            )
        runs += [
            ("Pool.map", "default", lambda: check(pool.map(small_task, items))),
            (
                "Pool.imap_unordered",
                "default (1)",
                lambda: check(list(pool.imap_unordered(small_task, items))),
            ),
            (
                "ProcessPoolExecutor.map",
                "default (1)",
                lambda: check(list(ex.map(small_task, items))),
            ),
            (
                "ProcessPoolExecutor.map",
                "100",
                lambda: check(list(ex.map(small_task, items, chunksize=100))),
            ),
        ]
        others = measure.watch_other_programs()  # the workers need free CPUs
        timings = measure.compare(
            {f"{name}, {chunksize}": run for name, chunksize, run in runs},
            repeats=REPEATS,
        )
        taken = others()
    # --8<-- [end:runs]
    baseline = timings["sequential loop, –"]
    one, batched = timings["Pool.map, 1"], timings["Pool.map, default"]
    one_ex, batched_ex = (
        timings[f"ProcessPoolExecutor.map, {c}"] for c in ("default (1)", "100")
    )
    rows = [
        [name, chunksize, timing.cell(3), measure.speedup(baseline, timing).cell()]
        for (name, chunksize, _), timing in zip(runs, timings.values(), strict=True)
    ]
    measure.report(
        measure.table(
            ["How", "chunksize", "Seconds", "Speed-up vs sequential"],
            rows,
            caption=f"{TASKS} small tasks, {workers} worker processes.",
        ),
        repeats=REPEATS,
        statistic="median (min–max) seconds, runs interleaved; "
        "speed-ups per round, as their median",
        start_method=START_METHOD,
        others=taken,
        values={
            "speedup_map_1": measure.speedup(baseline, one),
            "speedup_executor_1": measure.speedup(baseline, one_ex),
            "batching_map": measure.speedup(one, batched),  # default over 1
            "batching_executor": measure.speedup(one_ex, batched_ex),  # 100 over 1
        },
    )


if __name__ == "__main__":
    main()
