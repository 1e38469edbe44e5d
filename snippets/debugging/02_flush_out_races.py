"""Making a rare race show up in tests: sys.setswitchinterval plus many repetitions.

Two threads each add 1 to a shared counter a few thousand times, with a function
call between the read and the write, starting together (a barrier), as a test
that wants to provoke the race would. Each trial is short, so with the default
switch interval (5 ms) the first thread usually finishes before the interpreter
ever asks it to hand over the GIL, and the race almost never shows. Setting the
interval to a microsecond makes the waiting thread ask for the GIL almost at once,
so switches land between the read and the write far more often. The program
counts, over many trials, how many lost at least one update, each way.
On a free-threaded build the threads run at the same time and the switch
interval matters much less; the output names the build.
"""

import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

ADDS = 5000  # per thread, per trial: a millisecond or so, well inside 5 ms
TRIALS = 100
REPEATS = 3


# --8<-- [start:trial]
def plus_one(value: int) -> int:
    return value + 1


def one_trial() -> bool:
    """True if this trial lost an update."""
    counter = 0
    both_ready = threading.Barrier(2, timeout=10)  # the second thread is waiting too

    def add() -> None:
        nonlocal counter
        both_ready.wait()
        for _ in range(ADDS):
            counter = plus_one(counter)  # read, call, write: not atomic

    threads = [threading.Thread(target=add) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return counter != 2 * ADDS


# --8<-- [end:trial]


def main() -> None:
    # --8<-- [start:interval]
    default = sys.getswitchinterval()
    settings = {f"default ({default * 1000:g} ms)": default, "1 µs": 1e-6}
    lost: dict[str, list[int]] = {name: [] for name in settings}

    def run(name: str) -> None:
        sys.setswitchinterval(settings[name])
        try:
            lost[name].append(sum(one_trial() for _ in range(TRIALS)))
        finally:
            sys.setswitchinterval(default)

    # --8<-- [end:interval]

    others = measure.watch_other_programs()  # the race needs both threads running
    timings = measure.compare(
        {name: (lambda name=name: run(name)) for name in settings},
        repeats=REPEATS,
    )
    taken = others()
    rows = [
        [
            name,
            f"{min(lost[name])}–{max(lost[name])} of {TRIALS}",
            timings[name].cell(2),
        ]
        for name in settings
    ]
    body = measure.table(
        [
            "switch interval",
            "trials that lost an update",
            f"time for {TRIALS} trials (s)",
        ],
        rows,
        caption=f"Each trial: 2 threads x {ADDS} additions; lost updates: "
        "fewest–most over every run, the warm-up included.",
    )
    default_name, tiny_name = settings
    measure.report(
        body,
        repeats=REPEATS,
        statistic="median (min–max) for times",
        others=taken,
        values={
            "trials": TRIALS,
            "lost_default": lost[default_name],  # trials that lost, in every run
            "lost_tiny": lost[tiny_name],
            "time_default": timings[default_name],
            "time_tiny": timings[tiny_name],
        },
    )


if __name__ == "__main__":
    main()
