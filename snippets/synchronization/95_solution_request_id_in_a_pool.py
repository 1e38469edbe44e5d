"""Exercise solution: each task in a thread pool sees the request id of its caller.

A pool starts its worker threads once and reuses them for task after task, so a
value the caller sets does not reach them: a plain Thread starts in an empty context
(on 3.11 to 3.13, and on the standard build from 3.14), and where a thread inherits
its starter's context (the free-threaded build from 3.14) it does so once, when the
worker starts, not per task. Submitting ``context.run`` with the function and its
arguments, where ``context = copy_context()`` is taken at submit time, runs each
task in a copy of the caller's context as it was when the task was submitted.
"""

import contextvars
from concurrent.futures import ThreadPoolExecutor

REQUESTS = 4

request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "request_id", default="(unset)"
)


def handle(n: int) -> str:
    return f"task {n} sees {request_id.get()}"


# --8<-- [start:solution]
def main() -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        plain, copied = [], []
        for n in range(REQUESTS):
            request_id.set(f"req-{n}")  # the request that task n belongs to
            plain.append(pool.submit(handle, n))
            context = contextvars.copy_context()  # this request's context, now
            copied.append(pool.submit(context.run, handle, n))
        print("submit(handle, n):")
        for future in plain:
            print(f"  {future.result(timeout=5)}")
        print("submit(copy_context().run, handle, n):")
        for future in copied:
            print(f"  {future.result(timeout=5)}")
    # --8<-- [end:solution]


if __name__ == "__main__":
    main()
