"""Exercise solution: find a deadlock with faulthandler, then remove it.

Two threads take the same two locks in opposite orders. Each gets its first lock
and waits forever for the other's: a deadlock. faulthandler.dump_traceback prints
the stack of every thread, stuck or not, so it shows the line each one waits on.
The fix is one order for everyone: every thread takes `ledger` before `audit`.

The stuck threads are daemon threads and the program waits for them with a
timeout, so this example ends instead of hanging.
"""

import faulthandler
import sys
import threading
import time


# --8<-- [start:workers]
def transfer(ledger: threading.Lock, audit: threading.Lock) -> None:
    with ledger:
        time.sleep(0.1)  # time for the other thread to take its first lock
        with audit:
            pass


def report(ledger: threading.Lock, audit: threading.Lock) -> None:
    with audit:  # the opposite order: the cause of the deadlock
        time.sleep(0.1)
        with ledger:
            pass


def report_in_order(ledger: threading.Lock, audit: threading.Lock) -> None:
    with ledger:  # the fix: the same order as transfer()
        time.sleep(0.1)
        with audit:
            pass


# --8<-- [end:workers]


def run(*workers) -> bool:
    """Run the workers on two new locks; True if all finished within a second."""
    locks = (threading.Lock(), threading.Lock())
    threads = [
        threading.Thread(target=w, args=locks, name=w.__name__, daemon=True)
        for w in workers
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 1
    for thread in threads:
        thread.join(timeout=max(0, deadline - time.monotonic()))
    return not any(thread.is_alive() for thread in threads)


def main() -> None:
    if not run(transfer, report):
        print("transfer and report are stuck; where each thread waits:", flush=True)
        # --8<-- [start:dump]
        faulthandler.dump_traceback(file=sys.stdout, all_threads=True)
        # --8<-- [end:dump]
    print(
        "with one lock order:",
        "finished" if run(transfer, report_in_order) else "stuck",
    )


if __name__ == "__main__":
    main()
