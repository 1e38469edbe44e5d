"""Exercise solution: what a new thread sees of a context variable, on every build.

A ``contextvars.ContextVar`` set in the main thread (a request id, a decimal
precision, a deployment name) is part of the main thread's context. What a new
``threading.Thread`` starts with depends on the interpreter: from Python 3.14 the
flag ``sys.flags.thread_inherit_context`` decides, and it is true by default on
the free-threaded build (the thread starts with a copy of the caller's context)
and false on the build with the GIL (it starts with an empty context, so it sees
the variable's default). Before 3.14 there is no flag, and a new thread always
starts empty.

Code that must behave the same everywhere says what it wants: run the thread's
function inside ``contextvars.copy_context().run``, one copy per thread (a
context cannot be entered by two threads at once). Each thread below runs an
event loop, as in 03_event_loop_per_thread.py, and its tasks read the variable.
"""

import asyncio
import contextvars
import sys
import threading

TIMEOUT = 10  # seconds for one join

deployment = contextvars.ContextVar("deployment", default="(not set)")


async def handle() -> str:
    await asyncio.sleep(0)
    return deployment.get()  # what the request handler sees


# --8<-- [start:solution]
def loop_thread(copy_context: bool) -> str:
    """Run one event loop in a new thread; what its handler saw of ``deployment``."""
    seen: list[str] = []

    def one_loop() -> None:
        seen.append(asyncio.run(handle()))

    if copy_context:  # the same on every build: the caller's values, copied
        target = contextvars.copy_context().run
        thread = threading.Thread(target=target, args=(one_loop,))
    else:  # the build's default decides
        thread = threading.Thread(target=one_loop)
    thread.start()
    thread.join(TIMEOUT)
    assert not thread.is_alive(), "the thread did not finish in time"
    return seen[0]


def main() -> None:
    flag = getattr(sys.flags, "thread_inherit_context", None)  # 3.14+
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    print(f"GIL enabled: {gil}; sys.flags.thread_inherit_context: {flag}")
    deployment.set("eu-west")  # in the main thread's context
    print(f"plain Thread sees:        {loop_thread(copy_context=False)}")
    print(f"copy_context().run sees:  {loop_thread(copy_context=True)}")
    # --8<-- [end:solution]
    if flag is None:
        print("(no such flag before 3.14: a new thread starts with an empty context)")


if __name__ == "__main__":
    main()
