"""What each thread sees in a threading.local and in a contextvars.ContextVar.

A ``threading.local`` attribute has one value per thread: a new thread starts
without it. A ``ContextVar`` lives in a ``Context``. asyncio copies the current
context into every Task it creates, so tasks see what was set before them. A plain
``threading.Thread`` on a standard (GIL) build starts in an empty context, so it
sees only the variable's default, unless you hand it a context yourself with
``copy_context().run``. Python 3.14 adds ``Thread(context=...)`` and the
``sys.flags.thread_inherit_context`` flag, which is on by default only in the
free-threaded build; with it on, threads start with a copy of the starter's context.
"""

import asyncio
import contextvars
import sys
import threading

# --8<-- [start:vars]
request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "request_id", default="(unset)"
)
local = threading.local()
# --8<-- [end:vars]


def in_thread(target) -> str:
    seen: list[str] = []
    thread = threading.Thread(target=lambda: seen.append(target()))
    thread.start()
    thread.join(timeout=5)
    return seen[0]


def main() -> None:
    # --8<-- [start:main]
    local.user = "alice"
    request_id.set("req-42")
    print("main thread sets local.user = 'alice' and request_id = 'req-42'\n")

    user = in_thread(lambda: getattr(local, "user", "(no attribute)"))
    print(f"threading.local in a new thread:       {user}")
    print(f"ContextVar in a new thread:            {in_thread(request_id.get)}")

    context = contextvars.copy_context()
    via_copy = in_thread(lambda: context.run(request_id.get))
    print(f"ContextVar via copy_context().run:     {via_copy}")

    async def task_body() -> str:
        return request_id.get()

    async def run_tasks() -> list[str]:
        return list(await asyncio.gather(task_body(), asyncio.create_task(task_body())))

    print(f"ContextVar in asyncio tasks:           {asyncio.run(run_tasks())}")
    # asyncio.run() starts from a copy of the current context, so 'req-42' flows in.

    def set_in_copy() -> None:
        request_id.set("changed inside the copy")

    context.run(set_in_copy)
    print(f"after a change inside the copy, main:  {request_id.get()}")
    # --8<-- [end:main]

    flag = getattr(sys.flags, "thread_inherit_context", None)
    if flag is None:
        print(
            f"\nPython {sys.version_info.major}.{sys.version_info.minor} has no "
            "sys.flags.thread_inherit_context (added in 3.14): threads always start "
            "in an empty context, as shown above."
        )
    else:
        print(f"\nsys.flags.thread_inherit_context = {int(flag)} on this build (3.14+)")
        explicit = contextvars.copy_context()
        seen: list[str] = []
        thread = threading.Thread(
            target=lambda: seen.append(request_id.get()), context=explicit
        )
        thread.start()
        thread.join(timeout=5)
        print(f"Thread(context=copy_context()) sees:   {seen[0]}")


if __name__ == "__main__":
    main()
