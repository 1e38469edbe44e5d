"""Exercise solution: the chunk size that makes a pool fast with many tiny tasks.

Pool.map sends tasks to the workers in chunks. Each chunk is one message each
way: the tasks are pickled, sent through a pipe, unpickled, run, and the results
come back the same way. When a task takes microseconds, that round trip costs far
more than the work, so one task per chunk spends its time on messages. Large
chunks pay the round trip once per many tasks. Pool.map's default chunk size,
about len(items) / (4 * workers), is already large; chunksize=1 is the slow one.
"""

import multiprocessing
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

WORKERS = 2
ITEMS = list(range(5_000))
REPEATS = 3


def square(n: int) -> int:
    return n * n  # microseconds of work: the messages cost more


def main() -> None:
    ctx = multiprocessing.get_context()
    # --8<-- [start:solution]
    with ctx.Pool(WORKERS) as pool:
        runs = {
            f"chunksize={size}": lambda size=size: pool.map(
                square, ITEMS, chunksize=size
            )
            for size in (1, 10, 100, 1000)
        }
        runs["default"] = lambda: pool.map(square, ITEMS)
        timings = measure.compare(runs, repeats=REPEATS)
    # --8<-- [end:solution]
    default = -(-len(ITEMS) // (WORKERS * 4))  # what Pool.map computes, rounded up
    one = timings["chunksize=1"]
    rows = [
        [
            name.replace("default", f"default ({default})"),
            timing.cell(),
            f"{measure.speedup(one, timing).median:.1f}",
        ]
        for name, timing in timings.items()
    ]
    measure.report(
        measure.table(
            [
                f"Pool.map of {len(ITEMS):,} tiny tasks",
                "seconds",
                "Speed-up over chunksize=1",
            ],
            rows,
        ),
        repeats=REPEATS,
        statistic="median (min–max), runs interleaved; "
        "speed-ups per round, as their median",
        start_method=ctx.get_start_method(),
        values={
            f"speedup_{name.removeprefix('chunksize=')}": measure.speedup(one, timing)
            for name, timing in timings.items()
            if name != "chunksize=1"
        },
    )


if __name__ == "__main__":
    main()
