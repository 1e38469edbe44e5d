"""The switch interval trades CPU-bound throughput against I/O latency.

Since Python 3.2, a thread that wants the GIL waits up to the switch interval
(``sys.getswitchinterval()``), then asks the holder to drop it; the holder drops
it at its next check. This program sets a range of intervals and measures, at
each one:

- throughput: the same pure-Python work done by two threads, against one thread
  doing all of it, timed in turn at each interval (every hand-off of the GIL
  costs a little);
- latency: how late a thread that wakes from a 1 ms ``time.sleep`` (as it would
  from a finished socket read) runs Python code again while one CPU-bound
  thread keeps the GIL busy.
"""

import statistics
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

INTERVALS_MS = [0.02, 0.1, 0.5, 1, 5, 20, 100]
TOTAL = 1_000_000  # loop iterations of the CPU-bound work, split between 2 threads
REPEATS = 5
NAP = 0.001  # seconds the I/O thread sleeps each time
WAKEUPS = 7  # wake-ups measured per interval


@dataclass
class Row:
    interval_ms: float
    one_thread: measure.Timing  # one thread doing all of the CPU-bound work
    threads: measure.Timing  # two threads sharing it
    speed: measure.Ratio  # two threads' throughput relative to one thread's, per round
    delays_ms: list[float]  # how late each wake-up was, beyond the sleep

    @property
    def delay_ms(self) -> float:
        return statistics.median(self.delays_ms)


def crunch(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def two_threads() -> None:
    threads = [threading.Thread(target=crunch, args=(TOTAL // 2,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


class BusyThread(threading.Thread):
    """A CPU-bound thread: pure Python, never blocks, until told to stop."""

    def __init__(self) -> None:
        super().__init__()
        self.stop = threading.Event()
        self.laps = 0  # progress, so the I/O thread can tell it really ran

    def run(self) -> None:
        x = 0
        while not self.stop.is_set():
            for i in range(1000):
                x += i
            self.laps += 1


# --8<-- [start:delays]
def wake_up_delays(busy: BusyThread | None = None) -> list[float]:
    """How much later than asked the sleeping thread got back, in milliseconds.

    With a busy thread, a wake-up counts only if the busy thread ran during the
    sleep; on a loaded machine the operating system may not have run it at all.
    """
    delays: list[float] = []
    skipped: list[float] = []
    while len(delays) < WAKEUPS and len(skipped) < 10 * WAKEUPS:
        laps = busy.laps if busy else 0
        start = time.perf_counter()
        time.sleep(NAP)
        delay = (time.perf_counter() - start - NAP) * 1e3
        (delays if busy is None or busy.laps != laps else skipped).append(delay)
    return delays or skipped


# --8<-- [end:delays]


def delays_with_a_busy_thread() -> list[float]:
    busy = BusyThread()
    busy.start()
    try:
        return wake_up_delays(busy)
    finally:
        busy.stop.set()
        busy.join()


def ms_cell(delays: list[float]) -> str:
    return measure.Timing(tuple(delays)).cell(2)


def plot(rows: list[Row], default_ms: float, alone_ms: float) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = [row.interval_ms for row in rows]
    lat = [row.delay_ms for row in rows]
    spread = [
        [row.delay_ms - min(row.delays_ms) for row in rows],
        [max(row.delays_ms) - row.delay_ms for row in rows],
    ]
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6))

    speeds = [row.speed.median for row in rows]
    left.plot(x, speeds, "o-", label="two CPU-bound threads")
    left.axhline(1.0, color="gray", linestyle="--", label="one thread (baseline)")
    left.set_ylim(0, max(1.3, 1.1 * max(speeds)))
    left.set_ylabel("throughput vs one thread")
    left.set_title("CPU-bound work")

    right.errorbar(x, lat, yerr=spread, fmt="s-", color="tab:red", capsize=3,
                   label="with a CPU-bound thread")  # fmt: skip
    right.plot(x, x, ":", color="black", label="delay = interval")
    right.axhline(alone_ms, color="gray", linestyle="-.", label="no CPU-bound thread")
    right.set_yscale("log")
    right.set_ylabel("wake-up delay (ms, log scale)")
    right.set_title("I/O thread latency (median, min–max)")

    for axis in (left, right):
        axis.set_xscale("log")
        axis.set_xlabel("switch interval (ms, log scale)")
        axis.axvline(default_ms, color="green", linewidth=0.8)
        axis.text(default_ms, 0.03, f" default {default_ms:g} ms", fontsize=8,
                  transform=axis.get_xaxis_transform())  # fmt: skip
        axis.minorticks_off()  # fewer tick marks: a smaller SVG
        axis.grid(True, alpha=0.3)
    left.legend(fontsize=7, loc="lower left")
    right.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    return measure.save_svg(
        fig,
        "switch_interval_sweep.svg",
        "Two panels against the switch interval on a log scale. Left: throughput "
        "of two CPU-bound threads relative to one thread. Right: how late a "
        "sleeping thread wakes while a CPU-bound thread runs, on a log scale, "
        "next to the line where the delay equals the interval.",
    )


def one_thread() -> None:
    crunch(TOTAL)


# --8<-- [start:sweep]
def sweep(intervals_ms: list[float]) -> list[Row]:
    default = sys.getswitchinterval()
    rows = []
    try:
        for interval_ms in intervals_ms:
            sys.setswitchinterval(interval_ms / 1e3)
            timings = measure.compare(
                {"one": one_thread, "two": two_threads}, repeats=REPEATS
            )
            one, two = timings["one"], timings["two"]
            speed = measure.speedup(one, two)
            delays = delays_with_a_busy_thread()
            rows.append(Row(interval_ms, one, two, speed, delays))
    finally:
        sys.setswitchinterval(default)
    return rows


# --8<-- [end:sweep]


def main() -> None:
    default_ms = sys.getswitchinterval() * 1e3
    intervals = sorted({*INTERVALS_MS, default_ms})
    others = measure.watch_other_programs()  # a busy machine delays wake-ups too
    alone = wake_up_delays()
    rows = sweep(intervals)
    taken = others()

    headers = [
        "Switch interval",
        "One thread (s)",
        "Two threads (s)",
        "Two threads' throughput vs one",
        "Wake-up delay next to a CPU-bound thread (ms)",
    ]
    table = [
        [
            f"{row.interval_ms:g} ms",
            row.one_thread.cell(),
            row.threads.cell(),
            f"{row.speed.median:.2f}",
            ms_cell(row.delays_ms),
        ]
        for row in rows
    ]
    measure.report(
        f"Default switch interval: {default_ms:g} ms. Latency: {WAKEUPS} wake-ups "
        f"from a {NAP * 1e3:g} ms sleep per row, in ms beyond the sleep.\n\n"
        + measure.table(headers, table),
        repeats=REPEATS,
        statistic="times as median (min–max); throughput: one thread's time over "
        "two threads' within each round, as the median round",
        others=taken,
        values={
            "longest_interval_ms": rows[-1].interval_ms,
            "delay_at_longest_ms": rows[-1].delays_ms,
            "throughput": measure.Ratio(
                tuple(ratio for row in rows for ratio in row.speed.samples)
            ),
        },
    )
    print(
        f"\nWake-up delay with no other thread running (baseline): "
        f"{ms_cell(alone)} ms.\n"
    )
    alone_ms = statistics.median(alone)
    print(plot(rows, default_ms, alone_ms))

    first, last = rows[0], rows[-1]
    at_default = next(row for row in rows if row.interval_ms == default_ms)
    speeds = [row.speed.median for row in rows]
    print(
        f"\nWith no other thread, the sleeper woke {alone_ms:.2f} ms late (median). "
        f"Next to a CPU-bound thread it woke {first.delay_ms:.2f} ms late at a "
        f"{first.interval_ms:g} ms interval, {at_default.delay_ms:.2f} ms at the "
        f"default {default_ms:g} ms and {last.delay_ms:.1f} ms at "
        f"{last.interval_ms:g} ms. Two threads did the CPU-bound work at "
        f"{min(speeds):.2f} to {max(speeds):.2f} times the speed of one thread."
    )
    if measure.gil_enabled():
        print(
            "\nWith the GIL, only one thread runs Python code at a time, so two "
            "threads cannot finish this work sooner than one: a ratio above 1.00 "
            "is noise from other programs running on the machine."
        )
    else:
        print(
            "\nThis interpreter ran without the GIL: the threads ran in parallel, "
            "and the switch interval had no lock to hand over."
        )


if __name__ == "__main__":
    main()
