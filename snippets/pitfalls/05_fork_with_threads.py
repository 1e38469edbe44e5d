"""Forking a process that has threads: the child inherits locks nobody will release.

``fork`` copies the calling process's memory, locks included, but only the thread
that called it. If another thread held a lock at that moment (a lock of yours, the
lock inside a queue.Queue, a buffered file's lock, a C library's lock), the child
gets the lock in its locked state, and the thread that would have released it does
not exist in the child. (logging and glibc's malloc reset their own locks at fork.)
The child's first attempt to take that lock waits forever.

Here a worker thread holds ``lock`` while the main thread starts a child with each
start method. The child tries the lock with a timeout (so this page's build never
hangs) and reports what happened. The warning that Python 3.12 and later emit for
such a fork is shown by snippets/multiprocessing/10_fork_with_threads_warning.py;
this program silences it to keep its output about the lock.

The fix: a start method that does not copy the threaded parent (``forkserver``
or ``spawn``). The child gets this module from a process where the worker thread
never ran: a spawned child imports it afresh, and a forkserver child is a fork of
the fork server, which has no such thread (the module is imported in the child, or
from 3.13.8 and 3.14.1 once in the server). Either way its ``lock`` is unlocked.
"""

import multiprocessing
import threading
import warnings

CHILD_WAIT = 1  # seconds the child tries to take the lock
lock = threading.Lock()  # module level: every process has its own copy


# --8<-- [start:child]
def child(report) -> None:
    got_it = lock.acquire(timeout=CHILD_WAIT)
    report.put(
        "child acquired the lock"
        if got_it
        else f"child could not acquire the lock within {CHILD_WAIT} s: it would hang"
    )


def start_child(method: str) -> str:
    ctx = multiprocessing.get_context(method)
    report = ctx.Queue()
    process = ctx.Process(target=child, args=(report,))
    process.start()
    outcome = report.get(timeout=30)
    process.join()
    return outcome


# --8<-- [end:child]


def main() -> None:
    # Python 3.12+ warns about the fork below; the multiprocessing chapter shows it.
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    holding, done = threading.Event(), threading.Event()

    def worker() -> None:
        with lock:  # holds the lock while the main thread starts children
            holding.set()
            done.wait()

    thread = threading.Thread(target=worker)
    thread.start()
    holding.wait()
    try:
        methods = multiprocessing.get_all_start_methods()
        for method in ("fork", "forkserver", "spawn"):
            if method not in methods:
                print(f"{method}: not available on this platform")
                continue
            print(
                f"{method}, while another thread holds the lock: {start_child(method)}"
            )
    finally:
        done.set()
        thread.join()


if __name__ == "__main__":
    main()
