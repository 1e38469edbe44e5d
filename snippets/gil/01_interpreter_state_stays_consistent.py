"""What the GIL protects: the interpreter's own bookkeeping, such as reference counts.

Every Python object carries a reference count that the interpreter changes each
time a reference is made or dropped. Four threads here make and drop millions of
references to one shared object and append to one shared list. Afterwards the
count is exactly what it was, and the list holds every item: the interpreter's
internal state stays consistent.

This shows the result, not the mechanism: it cannot fail on any CPython build.
Every reference-count change here happens within one bytecode instruction or
one C call (making the list, dropping it, ``append``); with the GIL no other
thread runs in the middle of one, and a free-threaded build changes the counts
atomically or in the owning thread only (PEP 703). Neither makes *your*
read-modify-write sequences safe; that is a later example.
"""

import platform
import sys
import sysconfig
import threading

THREADS = 4
ROUNDS = 50_000  # per thread; each round makes and drops 8 references


def churn(shared: object, results: list) -> None:
    for _ in range(ROUNDS):
        references = [shared] * 8  # eight new references to the same object...
        del references  # ...and all eight dropped again
        results.append(None)  # one list shared by all threads


def main() -> None:
    free_threaded = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    print(
        f"Python {platform.python_version()}, "
        f"{'free-threaded build' if free_threaded else 'GIL build'}, "
        f"GIL {'enabled' if gil else 'disabled'}"
    )

    shared = object()
    results: list = []
    before = sys.getrefcount(shared)
    threads = [
        threading.Thread(target=churn, args=(shared, results)) for _ in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    after = sys.getrefcount(shared)

    changes = THREADS * ROUNDS * 8 * 2
    print(f"reference count changes made by {THREADS} threads: {changes:,}")
    print(f"reference count before: {before}, after: {after}")
    print(f"reference count unchanged: {before == after}")
    print(f"list items expected: {THREADS * ROUNDS:,}, present: {len(results):,}")


if __name__ == "__main__":
    main()
