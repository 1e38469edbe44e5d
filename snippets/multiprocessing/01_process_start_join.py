"""multiprocessing.Process: start a child, wait for it, and get a result back.

A child process runs ``target(*args)`` in its own interpreter with its own memory,
so a return value goes nowhere: results travel back through a ``Queue`` (or a
``Pipe``). When the target raises, the child prints the traceback on its own
stderr and exits with code 1; the parent learns only that exit code.
"""

import multiprocessing
import os


def square_sum(n: int, results) -> None:
    total = sum(i * i for i in range(n))
    results.put((multiprocessing.current_process().name, os.getpid(), n, total))


def fail() -> None:
    raise ValueError("this child fails on purpose")


def main() -> None:
    print(
        f"parent: pid={os.getpid()}, start method {multiprocessing.get_start_method()}"
    )
    results = multiprocessing.Queue()
    children = [
        multiprocessing.Process(
            target=square_sum, args=(n, results), name=f"worker-{n}"
        )
        for n in (10, 100, 1000)
    ]
    for child in children:
        child.start()
    # Read the results before join(): a child that has put data on a queue
    # waits until that data has gone into the pipe before it exits.
    answers = sorted((results.get() for _ in children), key=lambda answer: answer[2])
    for child in children:
        child.join()
    for name, pid, n, total in answers:
        print(f"{name}: pid={pid}, sum of squares below {n} = {total}")
    print("exit codes:", [child.exitcode for child in children])

    failing = multiprocessing.Process(target=fail, name="failing-child")
    failing.start()
    failing.join()
    print(
        f"{failing.name} exit code: {failing.exitcode} (its traceback went to stderr)"
    )


if __name__ == "__main__":
    main()
