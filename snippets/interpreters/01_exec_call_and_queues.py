"""Subinterpreters (Python 3.14+): run code, call functions, pass messages.

``concurrent.interpreters`` creates more interpreters inside this process. Each
has its own modules, its own ``__main__`` and, since 3.12, its own GIL, so
threads running in different interpreters run Python code in parallel. Nothing
is shared by default: values cross between interpreters either as objects that
are safe to share (``None``, ``bool``, ``int``, ``float``, ``str``, ``bytes``,
tuples of those) or as pickled copies, and ``interpreters.create_queue()`` is
the way to pass them while both sides run.

The program shows, in order: ``exec`` runs source in the other ``__main__``;
``call`` runs a function there, in the current thread; a worker interpreter in
its own thread answers requests through two queues; which values are shared
and which are copied; and an extension module that refuses to load in a
subinterpreter. Before 3.14 it says the module is missing.
"""

import os
import platform
import sys
import threading

TIMEOUT = 10  # seconds; the queues' timeouts take whole seconds

# An interpreter that is to receive a queue needs the queue type loaded first.
RECEIVE_QUEUES = "from concurrent import interpreters"

# --8<-- [start:job]
WORKER = """
while True:
    n = tasks.get(timeout=10)
    if n is None:
        break
    results.put((n, sum(i * i for i in range(n))))
"""
# --8<-- [end:job]


def run_and_call(interpreters) -> None:
    interp = interpreters.create()
    try:
        print("1. exec: source code runs in the other interpreter's __main__")
        interp.exec("answer = 6 * 7\nimport colorsys")
        print(f"   'answer' in this __main__: {'answer' in globals()}")
        print(f"   colorsys imported here too: {'colorsys' in sys.modules}")
        back = interpreters.create_queue()
        interp.exec(RECEIVE_QUEUES)
        interp.prepare_main(back=back)  # binds the queue as a name in its __main__
        interp.exec("back.put(answer)")
        print(f"   answer sent back through a queue: {back.get(timeout=TIMEOUT)}")

        print("2. call: a function runs there, in this thread and this process")
        pid = interp.call(os.getpid)
        thread = interp.call(threading.get_ident)
        print(f"   same process: {pid == os.getpid()}")
        print(f"   same thread: {thread == threading.get_ident()}")
    finally:
        interp.close()


# --8<-- [start:worker]
def worker_in_a_thread(interpreters) -> None:
    print("3. a worker interpreter in its own thread, fed through queues")
    tasks, results = interpreters.create_queue(), interpreters.create_queue()
    interp = interpreters.create()
    try:
        interp.exec(RECEIVE_QUEUES)
        interp.prepare_main(tasks=tasks, results=results)
        thread = threading.Thread(target=interp.exec, args=(WORKER,))
        thread.start()
        for n in (10, 100, 1000):
            tasks.put(n)
        tasks.put(None)  # the worker's signal to stop
        for _ in range(3):
            n, total = results.get(timeout=TIMEOUT)
            print(f"   worker: sum of squares below {n} = {total}")
        thread.join(TIMEOUT)
        print(f"   worker thread finished: {not thread.is_alive()}")
    finally:
        interp.close()


# --8<-- [end:worker]


def shared_or_copied(interpreters) -> None:
    print("4. what crosses as a shared object and what as a pickled copy")
    samples = [None, True, 42, 2.5, "text", b"bytes", (1, "two"), [1, 2], {"k": 1}]
    for value in samples:
        how = "shared" if interpreters.is_shareable(value) else "copied (pickle)"
        print(f"   {type(value).__name__:>8}: {how}")
    queue = interpreters.create_queue()
    original = [1, 2, 3]
    queue.put(original)
    received = queue.get(timeout=TIMEOUT)
    print(
        f"   a list sent through a queue: equal {received == original}, "
        f"same object {received is original}"
    )


def extension_limits(interpreters) -> None:
    print("5. an extension module that does not support subinterpreters")
    interp = interpreters.create()
    try:
        interp.exec("import _testsinglephase")
        print("   _testsinglephase imported (unexpected)")
    except interpreters.ExecutionFailed as error:
        info = error.excinfo
        print(f"   import raised {info.type.__name__}: {info.msg}")
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
    run_and_call(interpreters)
    worker_in_a_thread(interpreters)
    shared_or_copied(interpreters)
    extension_limits(interpreters)


if __name__ == "__main__":
    main()
