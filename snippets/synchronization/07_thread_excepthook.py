"""An exception that escapes a thread does not stop the program: it goes to
threading.excepthook, which by default prints it and nothing more.

The first worker fails with the default hook: a traceback appears on stderr,
the thread ends, and the main thread carries on as if nothing happened. Then a
custom hook collects failures into a list, so the main thread can check for them
after ``join()`` and fail loudly itself. (``ThreadPoolExecutor`` does this for you:
``Future.result()`` re-raises.)
"""

import sys
import threading


# --8<-- [start:hook]
def failing_worker() -> None:
    raise RuntimeError("disk full")


def main() -> None:
    print("1. the default threading.excepthook:", flush=True)
    thread = threading.Thread(target=failing_worker, name="worker-1")
    thread.start()
    thread.join(timeout=5)
    sys.stderr.flush()
    print("   the main thread is still running; nothing was raised here\n", flush=True)

    failures: list[tuple[str, BaseException]] = []
    failures_lock = threading.Lock()

    def collect(args: threading.ExceptHookArgs) -> None:
        with failures_lock:
            failures.append((args.thread.name if args.thread else "?", args.exc_value))

    print("2. a hook that collects the failures:")
    threading.excepthook = collect
    try:
        threads = [
            threading.Thread(target=failing_worker, name=f"worker-{i}") for i in (2, 3)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=5)
    finally:
        threading.excepthook = threading.__excepthook__  # restore the default
    for name, error in sorted(failures, key=lambda failure: failure[0]):
        print(f"   collected from {name}: {error!r}")
    print(f"   threads that failed: {len(failures)}")


# --8<-- [end:hook]


if __name__ == "__main__":
    main()
