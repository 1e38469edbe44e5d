"""Threads live inside one process and share its memory.

Two threads each describe themselves and append their name to one module-level
list. Both report the process id of the main thread, each has its own thread id
from the operating system, and both names land in the list the main thread sees:
no copying, no messages.
"""

import os
import threading

names = []  # module level: one list, shared by every thread of the process
reports = {}  # the threads write here; the main thread prints, so lines never mix
both_running = threading.Barrier(2)


def describe(name: str) -> str:
    names.append(name)
    return (
        f"{name:<11} pid={os.getpid():<7} "
        f"native thread id={threading.get_native_id():<7} "
        f"threads in the process={threading.active_count()}"
    )


def thread_body(name: str) -> None:
    both_running.wait()  # neither counts before both have started...
    reports[name] = describe(name)
    both_running.wait()  # ...and neither ends before both have counted


def main() -> None:
    print(describe("main thread"))
    names_of_threads = ["thread 1", "thread 2"]
    threads = [
        threading.Thread(target=thread_body, args=(n,)) for n in names_of_threads
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for name in names_of_threads:
        print(reports[name])
    print(f"\nthe main thread's list: {names}")


if __name__ == "__main__":
    main()
