"""Exercise solution (Python 3.14+): a worker interpreter that reports a bad request
and keeps serving.

An exception cannot cross from one interpreter to another. In
01_exec_call_and_queues.py, a request that makes the worker raise ends the
worker's ``exec``, and the main thread waits in vain for the answers. Here the
worker catches the exception itself and sends a description of it back, a
tuple of ``str`` that crosses the queue as a shareable value, then goes on with
the next request. Before 3.14 the program says the module is missing.
"""

import platform
import threading

TIMEOUT = 10  # seconds; the queues' timeouts take whole seconds

# An interpreter that is to receive a queue needs the queue type loaded first.
RECEIVE_QUEUES = "from concurrent import interpreters"

# --8<-- [start:solution]
WORKER = """
def sum_of_squares(n):
    if n < 0:
        raise ValueError(f"n must be 0 or more, not {n}")
    return sum(i * i for i in range(n))

while True:
    n = tasks.get(timeout=10)
    if n is None:
        break
    try:
        results.put((n, "ok", str(sum_of_squares(n))))
    except Exception as error:  # the exception stays here; its description crosses
        results.put((n, "error", f"{type(error).__name__}: {error}"))
"""
# --8<-- [end:solution]


def serve(interpreters, requests: list[int]) -> None:
    tasks, results = interpreters.create_queue(), interpreters.create_queue()
    interp = interpreters.create()
    try:
        interp.exec(RECEIVE_QUEUES)
        interp.prepare_main(tasks=tasks, results=results)
        thread = threading.Thread(target=interp.exec, args=(WORKER,))
        thread.start()
        for n in [*requests, None]:  # None: the worker's signal to stop
            tasks.put(n)
        for _ in requests:
            n, status, detail = results.get(timeout=TIMEOUT)
            print(f"request {n}: {status}: {detail}")
        thread.join(TIMEOUT)
        print(f"worker thread finished: {not thread.is_alive()}")
    finally:
        interp.close()


def main() -> None:
    version = platform.python_version()
    try:
        from concurrent import interpreters
    except ImportError:  # before 3.14: no such module in the concurrent package
        print(
            f"This build runs Python {version}: there is no concurrent.interpreters "
            "(added in 3.14), so nothing was run."
        )
        return
    print(f"Python {version}")
    serve(interpreters, [10, -1, 1000])


if __name__ == "__main__":
    main()
