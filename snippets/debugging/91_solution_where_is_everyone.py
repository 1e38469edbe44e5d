"""Exercise solution: find the stuck thread with sys._current_frames().

Three worker threads each wait for their reply. Two replies arrive; the third
was never sent, so its worker keeps waiting. ``where_is_everyone()`` is what a
debugging endpoint of a long-running service could return: for every thread
still alive, its name and the function, line and source line it is on now,
read from ``sys._current_frames()``, which works on every platform and version
this site supports. The stuck worker waits with a timeout, and the program sets
its event after the report, so it ends instead of hanging.
"""

import sys
import threading
import time
import traceback

TIMEOUT = 10  # seconds for any wait


# --8<-- [start:solution]
def where_is_everyone() -> list[str]:
    """One line per live thread but this one: name, function:line, source."""
    names = {thread.ident: thread.name for thread in threading.enumerate()}
    report = []
    for ident, frame in sys._current_frames().items():
        if ident == threading.get_ident() or ident not in names:
            continue
        stack = traceback.extract_stack(frame)
        # The innermost frame outside threading.py: the caller's line, not Event's.
        here = [f for f in stack if not f.filename.endswith("threading.py")][-1]
        where = f"{here.name}:{here.lineno}"
        report.append(f"{names[ident]:<8} {where:<12} {here.line}")
    return sorted(report)
    # --8<-- [end:solution]


def fetch(reply: threading.Event) -> None:
    reply.wait(timeout=TIMEOUT)


def main() -> None:
    replies = [threading.Event() for _ in range(3)]
    workers = [
        threading.Thread(target=fetch, args=(reply,), name=f"fetch-{i}")
        for i, reply in enumerate(replies, 1)
    ]
    for worker in workers:
        worker.start()
    replies[0].set()
    replies[2].set()  # the reply for fetch-2 is never sent
    time.sleep(0.2)  # let the answered workers finish
    print("Threads still alive, and where each one is:")
    for line in where_is_everyone():
        print(f"  {line}")
    replies[1].set()  # end the experiment instead of waiting for the timeout
    for worker in workers:
        worker.join(TIMEOUT)


if __name__ == "__main__":
    main()
