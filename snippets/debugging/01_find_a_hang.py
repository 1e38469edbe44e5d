"""Finding where a program hangs: faulthandler.dump_traceback_later and
sys._current_frames().

Two threads take two locks in opposite orders and deadlock. Before starting them,
the program arms ``faulthandler.dump_traceback_later``: if it is still running
after the given time, faulthandler writes the stack of every thread, from a C
watchdog thread that needs neither the GIL nor working Python code. While the
threads are stuck, the main thread also reads ``sys._current_frames()``, which
gives the same information as Python objects. The locks are taken with a timeout,
so the deadlock ends after a few seconds instead of never.
"""

import faulthandler
import sys
import tempfile
import threading
import time
import traceback

ledger_lock = threading.Lock()
audit_lock = threading.Lock()
both_hold_one = threading.Barrier(2)


# --8<-- [start:deadlock]
def take(first: threading.Lock, second: threading.Lock) -> None:
    with first:
        both_hold_one.wait(timeout=5)  # make sure the other thread holds its lock
        if second.acquire(timeout=2):  # without a timeout: stuck forever
            second.release()


def transfer() -> None:
    take(ledger_lock, audit_lock)


def audit() -> None:
    take(audit_lock, ledger_lock)


# --8<-- [end:deadlock]


def main() -> None:
    # --8<-- [start:inspect]
    with tempfile.TemporaryFile("w+") as dump:
        faulthandler.dump_traceback_later(0.5, exit=False, file=dump)
        threads = [
            threading.Thread(target=transfer, name="transfer"),
            threading.Thread(target=audit, name="audit"),
        ]
        for thread in threads:
            thread.start()

        time.sleep(1.0)  # the threads are deadlocked by now
        names = {thread.ident: thread.name for thread in threading.enumerate()}
        print("sys._current_frames() while the threads are stuck:")
        frames = sys._current_frames()
        for ident in sorted(frames, key=lambda i: names.get(i, "")):
            frame = frames[ident]
            if names.get(ident) in ("transfer", "audit"):
                where = traceback.extract_stack(frame)
                calls = " -> ".join(f"{f.name}:{f.lineno}" for f in where[-3:])
                print(f"  {names[ident]:<8} {calls}   {where[-1].line}")
        # --8<-- [end:inspect]

        for thread in threads:
            thread.join(timeout=10)
        faulthandler.cancel_dump_traceback_later()
        dump.seek(0)
        print("\nWhat faulthandler wrote after 0.5 s (most recent call first):")
        print(dump.read().rstrip())
    alive = sum(thread.is_alive() for thread in threads)
    print(f"\nThe lock timeouts ended the deadlock; threads still alive: {alive}")


if __name__ == "__main__":
    main()
