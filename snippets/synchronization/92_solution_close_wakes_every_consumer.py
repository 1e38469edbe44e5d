"""Exercise solution: closing a buffer must wake every consumer that waits on it.

A producer with no more items closes the buffer, and every consumer waiting on the
empty buffer must notice and stop. close() changes the shared state and notifies.
``notify()`` wakes one waiting thread: the other consumer's wake-up is lost, and it
sleeps on until its timeout runs out (without a timeout, forever). ``notify_all()``
wakes them all, and each one's wait_for predicate sees ``closed``.

The buffer's put() is as in 02_condition_bounded_buffer.py and is left out: the
consumers here only ever find the buffer empty.
"""

import sys
import threading
import time
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure  # hands the build the times the page reads

CONSUMERS = 2
TIMEOUT = 0.5  # each consumer's wait; stands in for "forever"


# --8<-- [start:solution]
class ClosableBuffer:
    def __init__(self) -> None:
        self.items: deque[int] = deque()
        self.closed = False
        self.changed = threading.Condition()
        self.waiting = 0  # consumers inside get(), so the demo knows when to close

    def get(self) -> int | None:
        """The next item, or None once the buffer is closed and empty."""
        with self.changed:
            self.waiting += 1
            self.changed.wait_for(lambda: self.items or self.closed, timeout=TIMEOUT)
            self.waiting -= 1
            return self.items.popleft() if self.items else None

    def close(self, wake_all: bool) -> None:
        with self.changed:
            self.closed = True
            if wake_all:
                self.changed.notify_all()  # the fix: every waiter checks again
            else:
                self.changed.notify()  # the bug: one waiter wakes, one sleeps on


# --8<-- [end:solution]


def consumers_stop(wake_all: bool) -> list[float]:
    buffer = ClosableBuffer()
    stopped_after: list[float] = []

    def consume() -> None:
        t0 = time.perf_counter()
        buffer.get()
        stopped_after.append(time.perf_counter() - t0)

    threads = [threading.Thread(target=consume) for _ in range(CONSUMERS)]
    for thread in threads:
        thread.start()
    # A consumer counts itself under the lock and holds the lock until wait() lets
    # go of it: once the count is complete, every consumer is waiting.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with buffer.changed:
            if buffer.waiting == CONSUMERS:
                break
        time.sleep(0.01)
    buffer.close(wake_all)
    for thread in threads:
        thread.join(timeout=5)
    how = "notify_all()" if wake_all else "notify()"
    times = ", ".join(f"{seconds:.2f} s" for seconds in sorted(stopped_after))
    print(f"  with {how + ':':<13} the consumers stopped after {times}")
    return sorted(stopped_after)


def main() -> None:
    print(
        f"close() on an empty buffer; {CONSUMERS} consumers wait, timeout {TIMEOUT} s"
    )
    first, second = consumers_stop(wake_all=False)
    both = consumers_stop(wake_all=True)
    measure.record(
        {"notify_first": first, "notify_second": second, "notify_all": both,
         "timeout": TIMEOUT}
    )  # fmt: skip


if __name__ == "__main__":
    main()
