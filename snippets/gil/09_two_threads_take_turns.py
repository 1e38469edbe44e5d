"""Two CPU-bound threads share the GIL: when each one ran, measured (Linux).

Two threads count in a pure-Python loop. ``snippets/timeline.py`` runs them in a
child process and watches it from two others: the operating system's account of
each thread's time on a CPU (``/proc``), and, on Python 3.15 and later, which thread
held the GIL and which waited for it (``profiling.sampling``). With the GIL the two
lanes take turns, each turn about one switch interval long; on a free-threaded
build they overlap, as far as the machine has CPUs to spare.

The same work is then timed without and with the recorder watching
(``measure.compare``, interleaved), to show what the watching costs. Without Linux's
``/proc`` the program says so and draws nothing.
"""

import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure
import timeline
import timeline_svg

LOOPS = 2_500_000  # each thread's share of the counting
REPEATS = 7  # rounds of the overhead measurement
TIMED = 3  # times as much work per round of it: a round's ratio then varies less


# --8<-- [start:work]
def count(n: int) -> int:
    total = 0
    for i in range(n):
        total += i
    return total


def two_threads(loops: int = LOOPS) -> None:
    threads = [
        threading.Thread(target=count, args=(loops,), name=f"counter {k}")
        for k in (1, 2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# --8<-- [end:work]


def main() -> None:
    if reason := timeline.unavailable():
        print(reason)
        return
    others = measure.watch_other_programs()
    # --8<-- [start:record]
    recorded = timeline.record(two_threads)  # runs two_threads() in a child process
    both = recorded.together(["counter 1", "counter 2"])  # share of the time
    turns = recorded.turns("counter 1") + recorded.turns("counter 2")
    # --8<-- [end:record]
    costs = timeline.overhead(two_threads, TIMED * LOOPS, repeats=REPEATS)
    slowdown = measure.speedup(costs["recorded"], costs["not recorded"])
    switch_ms = sys.getswitchinterval() * 1e3
    print(
        timeline_svg.figure(
            recorded,
            "Two CPU-bound threads, measured",
            "One lane per thread, time across; the upper strip of a lane is the "
            "operating system's view, the lower one (Python 3.15 and later) the GIL's.",
        )
    )
    print()
    measure.report(
        timeline_svg.table(recorded)
        + f"\n\nBoth counters were on a CPU at once for {both:.0%} of the time. "
        f"Switch interval: {switch_ms:g} ms. {timeline_svg.sampling_note(recorded)}\n\n"
        + measure.table(
            ["The same work", "Seconds", "Recorded / not recorded"],
            [
                ["not recorded", costs["not recorded"].cell(), "–"],
                ["recorded", costs["recorded"].cell(), slowdown.cell()],
            ],
            caption=f"What watching costs: {TIMED} times the work above, timed "
            f"without and with the recorder in {REPEATS} interleaved rounds; the last "
            "column is the ratio per round, median (range).",
        ),
        others=others(),
        values={
            "both_on_cpu": both,
            "median_turn_ms": measure.Timing(tuple(turns)).median * 1e3,
            "switch_ms": switch_ms,
            "recorder_overhead": [ratio - 1 for ratio in slowdown.samples],
        },
    )


if __name__ == "__main__":
    main()
