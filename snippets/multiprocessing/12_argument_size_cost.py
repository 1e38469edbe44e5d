"""What it costs to send an argument to a worker, from 1 KB to 100 MB.

Each call of ``Pool.map`` sends one ``bytes`` argument of the given size to a
worker, which returns its length. The argument is pickled, written into a pipe,
read by the worker and unpickled; the time grows with the size. Two references
in the same run: calling the function directly (no process at all), and
pickling plus unpickling the argument in this process (the copying alone,
without the pipe).
"""

import multiprocessing
import pickle
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

START_METHOD = "spawn"
SIZES = [10**3, 10**4, 10**5, 10**6, 10**7, 10**8]  # bytes: 1 KB ... 100 MB
REPEATS = 3


# --8<-- [start:worker]
def size_of(data: bytes) -> int:
    return len(data)


# --8<-- [end:worker]


def ms(timing: measure.Timing) -> str:
    return measure.Timing(tuple(s * 1000 for s in timing.samples)).cell(3)


def label(size: int) -> str:
    for unit, scale in (("MB", 10**6), ("KB", 10**3)):
        if size >= scale:
            return f"{size // scale} {unit}"
    return f"{size} B"


def plot(sizes: list[int], through_pool: list, pickled: list) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    pool_ms = [t.median * 1000 for t in through_pool]
    pickle_ms = [t.median * 1000 for t in pickled]
    ax.loglog(sizes, pool_ms, "o-", label="Pool.map, one argument")
    ax.loglog(sizes, pickle_ms, "s--", label="pickle + unpickle only")
    ax.set_xlabel("argument size (bytes)")
    ax.set_ylabel("milliseconds (median)")
    ax.set_title("Sending one argument to a worker process")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    return measure.save_svg(
        fig,
        "argument_size.svg",
        "Log-log plot of milliseconds against argument size: the Pool.map round trip "
        "and the pickle round trip both grow with the size, the round trip above.",
    )


def main() -> None:
    # --8<-- [start:timed]
    ctx = multiprocessing.get_context(START_METHOD)
    rows, through_pool, pickled, values = [], [], [], {}
    others = measure.watch_other_programs()  # a busy machine delays every message
    with ctx.Pool(1) as pool:
        pool.map(size_of, [b""])  # the worker is up before anything is timed
        for size in SIZES:
            data = bytes(size)
            timings = measure.compare(
                {
                    "direct": lambda data=data: size_of(data),
                    "copy": lambda data=data: pickle.loads(pickle.dumps(data)),
                    "sent": lambda data=data: pool.map(size_of, [data]),
                },
                repeats=REPEATS,
            )
            direct, copy, sent = timings.values()
            # --8<-- [end:timed]
            through_pool.append(sent)
            pickled.append(copy)
            name = label(size).replace(" ", "").lower()  # 1kb ... 100mb
            values |= {
                f"direct_{name}": direct,
                f"copy_{name}": copy,
                f"sent_{name}": sent,
            }
            rows.append(
                [
                    label(size),
                    f"{direct.median * 1e6:.1f}",
                    ms(copy),
                    ms(sent),
                    f"{size / sent.median / 1e6:,.0f}",
                ]
            )
            del data
    taken = others()
    measure.report(
        measure.table(
            [
                "Argument",
                "Direct call (µs)",
                "pickle + unpickle (ms)",
                "Pool.map round trip (ms)",
                "MB/s through the pool",
            ],
            rows,
        ),
        repeats=REPEATS,
        statistic="median (min–max), the three ways interleaved",
        start_method=START_METHOD,
        others=taken,
        values=values,
    )
    print()
    print(plot(SIZES, through_pool, pickled))


if __name__ == "__main__":
    main()
