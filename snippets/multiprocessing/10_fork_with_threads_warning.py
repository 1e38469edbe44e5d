"""Forking a process that runs threads: the DeprecationWarning of Python 3.12+.

``fork()`` copies only the thread that calls it. A lock that another thread
held at that moment stays locked forever in the child, so the child can hang.
From Python 3.12, ``os.fork()`` (and so the fork start method) emits a
DeprecationWarning when the process has more than one thread. Warnings of that
category are hidden by default outside ``__main__``, so the program records
warnings twice: once with the filters as they are, once with every warning
shown. Then it starts the same child with spawn, which does not fork.
"""

import multiprocessing
import platform
import threading
import warnings


def child() -> None:
    pass


# --8<-- [start:start]
def start_child(method: str, *, show_all: bool) -> list[warnings.WarningMessage]:
    with warnings.catch_warnings(record=True) as caught:
        if show_all:
            warnings.simplefilter("always")
        process = multiprocessing.get_context(method).Process(target=child)
        process.start()
        process.join()
    return caught


# --8<-- [end:start]


def report(label: str, caught: list[warnings.WarningMessage]) -> None:
    print(f"{label}: {len(caught)} warning(s)")
    for warning in caught:
        print(f"  {warning.category.__name__}: {warning.message}")


def main() -> None:
    print(f"Python {platform.python_version()}")
    if "fork" not in multiprocessing.get_all_start_methods():
        print("This platform has no fork start method; nothing to show.")
        return
    # --8<-- [start:threads]
    stop = threading.Event()
    helper = threading.Thread(target=stop.wait, name="helper")
    helper.start()  # from here on the process has two threads
    try:
        threads = threading.active_count()
        print(f"threads running: {threads}")
        report("fork, default warning filters", start_child("fork", show_all=False))
        forked = start_child("fork", show_all=True)
        report("fork, all warnings shown", forked)
        report("spawn, all warnings shown", start_child("spawn", show_all=True))
    finally:
        stop.set()
        helper.join()
    # --8<-- [end:threads]
    emitted = any(issubclass(w.category, DeprecationWarning) for w in forked)
    print(
        f"\nIn short: Python {platform.python_version()} "
        f"{'emitted' if emitted else 'did not emit'} a DeprecationWarning "
        f"for a fork with {threads} threads running."
    )


if __name__ == "__main__":
    main()
