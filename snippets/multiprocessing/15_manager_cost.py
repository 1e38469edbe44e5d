"""What one operation on shared state costs: plain objects, a Value, Manager proxies.

A ``multiprocessing.Value`` lives in shared memory: an update takes its lock and
writes a few bytes. A ``Manager`` keeps real Python objects in a server process
and hands out proxies; every method call on a proxy is a message to the server
and an answer back. The same operations on plain objects are the baseline. Two
worker processes then update the shared objects at once, to show that both kinds
of sharing lose no update, and ``extend`` shows how batching cuts the messages.
"""

import multiprocessing
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

START_METHOD = "spawn"
OPS = 1000  # operations per timed run
REPEATS = 5


# --8<-- [start:update]
def update_both(counter, shared_list, times: int) -> None:
    for n in range(times):
        with counter.get_lock():  # += on a Value is a read and a write
            counter.value += 1
        shared_list.append(n)


# --8<-- [end:update]


def append_each(target) -> None:
    for n in range(OPS):
        target.append(n)


def set_each(target) -> None:
    for n in range(OPS):
        target[n] = n


def per_op(timing: measure.Timing, ops: int = OPS) -> str:
    return measure.Timing(tuple(s / ops * 1e6 for s in timing.samples)).cell(2)


def main() -> None:
    ctx = multiprocessing.get_context(START_METHOD)
    # --8<-- [start:objects]
    with ctx.Manager() as manager:
        plain_list, plain_dict = [], {}
        counter = ctx.Value("q", 0)
        proxy_list, proxy_dict = manager.list(), manager.dict()

        def add_to_value() -> None:
            for _ in range(OPS):
                with counter.get_lock():
                    counter.value += 1

        runs = {
            "plain list: append": lambda: append_each(plain_list),
            "plain dict: d[n] = n": lambda: set_each(plain_dict),
            "Value: += 1 under its lock": add_to_value,
            "Manager list: append": lambda: append_each(proxy_list),
            "Manager dict: d[n] = n": lambda: set_each(proxy_dict),
            "Manager list: one extend() of all items": lambda: proxy_list.extend(
                range(OPS)
            ),
        }
        timings = measure.compare(runs, repeats=REPEATS)
        # --8<-- [end:objects]
        rows = [[name, per_op(timing)] for name, timing in timings.items()]

        # Two processes at once: each shared object must see every update.
        # --8<-- [start:processes]
        counter.value, times = 0, 200
        shared_list = manager.list()
        workers = [
            ctx.Process(target=update_both, args=(counter, shared_list, times))
            for _ in range(2)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        value_total, list_total = counter.value, len(shared_list)
        # --8<-- [end:processes]

    measure.report(
        measure.table(
            ["Operation (from the main process)", "µs per item"],
            rows,
            caption=f"Each timed run does {OPS} operations; extend sends all {OPS} "
            "items in one call.",
        ),
        repeats=REPEATS,
        statistic="median (min–max) µs per operation, runs interleaved",
        start_method=START_METHOD,
        values={  # seconds for all OPS items, each way
            "plain_append": timings["plain list: append"],
            "value_add": timings["Value: += 1 under its lock"],
            "proxy_append": timings["Manager list: append"],
            "proxy_extend": timings["Manager list: one extend() of all items"],
        },
    )
    print()
    print(
        f"2 processes × {times} updates each: Value = {value_total}, "
        f"Manager list length = {list_total} (expected {2 * times} for both)."
    )


if __name__ == "__main__":
    main()
