"""Exercise solution (Python 3.14+): two worker interpreters served by one queue.

01_exec_call_and_queues.py runs one worker interpreter in one thread. Here two
workers, each in its own interpreter and its own thread, take requests from the
same task queue; with their own GILs they can compute at the same time, even on
a build with the GIL. Each answer names the worker that computed it. The main
thread puts one ``None`` per worker at the end, so each worker stops once the
queue runs dry. Before 3.14 the program says the module is missing.
"""

import platform
import threading

TIMEOUT = 10  # seconds; the queues' timeouts take whole seconds
REQUESTS = [20_000, 40_000, 60_000, 80_000, 100_000, 120_000, 140_000, 160_000]
WORKERS = ("A", "B")

# An interpreter that is to receive a queue needs the queue type loaded first.
RECEIVE_QUEUES = "from concurrent import interpreters"

WORKER = """
while True:
    n = tasks.get(timeout=10)
    if n is None:
        break
    results.put((name, n, sum(i * i for i in range(n))))
"""


# --8<-- [start:solution]
def serve(interpreters) -> None:
    tasks, results = interpreters.create_queue(), interpreters.create_queue()
    workers = []
    for name in WORKERS:
        interp = interpreters.create()
        interp.exec(RECEIVE_QUEUES)
        interp.prepare_main(name=name, tasks=tasks, results=results)
        thread = threading.Thread(target=interp.exec, args=(WORKER,))
        thread.start()
        workers.append((interp, thread))
    try:
        for n in [*REQUESTS, *[None] * len(WORKERS)]:  # one stop signal each
            tasks.put(n)
        answers = [results.get(timeout=TIMEOUT) for _ in REQUESTS]
        for name, n, total in sorted(answers, key=lambda answer: answer[1]):
            right = total == sum(i * i for i in range(n))
            print(f"request {n:>7,}: answered by {name}, right: {right}")
        answered = sorted(n for _, n, _ in answers)
        print(f"each request answered exactly once: {answered == sorted(REQUESTS)}")
    finally:
        for interp, thread in workers:
            thread.join(TIMEOUT)
            print(f"worker thread finished: {not thread.is_alive()}")
            interp.close()
    # --8<-- [end:solution]


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
    serve(interpreters)


if __name__ == "__main__":
    main()
