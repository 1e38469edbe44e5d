"""Threads live inside one process and share its memory; a child process gets its own.

Two threads and one child process each describe themselves and append their name
to the same module-level list. The threads' appends land in the list the main
thread sees. The child appends to its own copy, which the parent never sees.
"""

import multiprocessing
import os
import threading

names = []  # module level: one list per process, shared by all its threads
reports = {}  # the threads write here; the main thread prints, so lines never mix
both_threads_running = threading.Barrier(2)


def describe(name: str) -> str:
    names.append(name)
    return (
        f"{name:<13} pid={os.getpid():<7} parent pid={os.getppid():<7} "
        f"native thread id={threading.get_native_id():<7} "
        f"threads in its process={threading.active_count()}"
    )


def thread_body(name: str) -> None:
    both_threads_running.wait()  # neither counts before both have started...
    reports[name] = describe(name)
    both_threads_running.wait()  # ...and neither ends before both have counted


def child_body() -> None:
    print(describe("child process"))
    print(f"{'':<13} the child's copy of the list: {names}")


def main() -> None:
    print(describe("main thread"))
    thread_names = ["thread 1", "thread 2"]
    threads = [
        threading.Thread(target=thread_body, args=(name,)) for name in thread_names
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for name in thread_names:
        print(reports[name])

    child = multiprocessing.Process(target=child_body)
    child.start()
    child.join()

    print()
    print(f"start method used for the child: {multiprocessing.get_start_method()}")
    print(f"the main thread's list: {names}")


if __name__ == "__main__":
    main()
