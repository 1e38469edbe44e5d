"""The GIL does not make your code thread-safe: lost updates, and a lock to fix them.

Four threads each add 1 to a shared counter many times. ``counter += 1`` alone
is rarely interrupted halfway on a GIL build since Python 3.10, because the
interpreter only switches threads at certain instructions, such as calls and
the jump back to the top of a loop. Put a function call between the read and
the write, as real code often does, and a switch can land in between: the
thread then writes back a stale value and the other threads' updates are lost.
A ``threading.Lock`` around the read-call-write makes it whole again; the second
table measures what that costs.
"""

import sys
import threading
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

THREADS = 4
INCREMENTS = 400_000  # per thread
REPEATS = 5

counter = 0
lock = threading.Lock()


# --8<-- [start:race]
def add_one(value: int) -> int:
    return value + 1  # stands in for any function: a check, a log call, a lookup


def plain(n: int) -> None:
    global counter
    for _ in range(n):
        counter += 1


def read_call_write(n: int) -> None:
    global counter
    for _ in range(n):
        value = counter  # read
        value = add_one(value)  # a call: a point where the GIL may change hands
        counter = value  # write, possibly over other threads' updates


def read_call_write_locked(n: int) -> None:
    global counter
    for _ in range(n):
        with lock:  # only one thread at a time between the read and the write
            value = counter
            value = add_one(value)
            counter = value


def run(body: Callable[[int], None], threads: int, n: int) -> int:
    """Start ``threads`` threads running ``body(n)``; return the final counter."""
    global counter
    counter = 0
    workers = [threading.Thread(target=body, args=(n,)) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return counter


# --8<-- [end:race]


def main() -> None:
    print(
        f"{measure.python_build()}; {THREADS} threads x {INCREMENTS:,} increments; "
        f"switch interval {sys.getswitchinterval() * 1e3:g} ms."
    )
    expected = THREADS * INCREMENTS
    lost, rows = {}, []
    for label, body in [
        ("`counter += 1`", plain),
        ("read, call `add_one`, write", read_call_write),
        ("the same inside `with lock:`", read_call_write_locked),
    ]:
        final = run(body, THREADS, INCREMENTS)
        lost[body] = expected - final
        rows.append([label, f"{expected:,}", f"{final:,}", f"{lost[body]:,}"])
    print()
    print(measure.table(["Each increment", "Expected", "Final count", "Lost"], rows))

    total = THREADS * INCREMENTS // 4  # a smaller batch for the timing

    def split(body: Callable[[int], None], threads: int) -> Callable[[], int]:
        return lambda: run(body, threads, total // threads)

    runs = {
        "one thread, no lock": split(read_call_write, 1),
        "one thread, with the lock": split(read_call_write_locked, 1),
        f"{THREADS} threads, no lock (wrong)": split(read_call_write, THREADS),
        f"{THREADS} threads, with the lock": split(read_call_write_locked, THREADS),
    }
    others = measure.watch_other_programs()  # a busy machine hides small differences
    timings = list(measure.compare(runs, repeats=REPEATS).values())
    taken = others()
    print()
    measure.report(
        measure.table(
            [f"{total:,} increments", "Seconds", "ns per increment"],
            [
                [label, timing.cell(), f"{timing.median / total * 1e9:.0f}"]
                for label, timing in zip(runs, timings, strict=True)
            ],
        ),
        repeats=REPEATS,
        statistic="median (min–max)",
        others=taken,
        values={
            "expected": expected,
            "lost_plain": lost[plain],
            "lost_call": lost[read_call_write],
            "one_unlocked": timings[0],
            "one_locked": timings[1],
            "four_unlocked": timings[2],
            "four_locked": timings[3],
        },
    )
    one, one_locked, unlocked, locked = (timing.median for timing in timings)
    print(
        f"\nIn one thread, taking and releasing the lock added "
        f"{(one_locked - one) / total * 1e9:.0f} ns per increment. With {THREADS} "
        f"threads, the locked version took {locked / unlocked:.1f} times as long "
        f"as the unlocked one. In the first table the unlocked version lost "
        f"{lost[read_call_write]:,} updates and the locked one "
        f"{lost[read_call_write_locked]:,}."
    )


if __name__ == "__main__":
    main()
