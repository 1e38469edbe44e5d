"""A bounded buffer built on Condition.wait_for, and the wake-up a bare wait() loses.

A Condition pairs a lock with "wait until something changes". ``notify()`` wakes
only threads that are already waiting; it is not remembered. A consumer that
checks nothing and calls ``wait()`` after the producer has notified sleeps until
its timeout (without one, forever). ``wait_for(predicate)`` checks the shared state
under the lock first and waits only if the state says so, so it cannot miss an
earlier notify, and it re-checks after every wake-up.
"""

import sys
import threading
import time
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure  # hands the build the times the page reads

CAPACITY = 3
TIMEOUT = 1.0  # seconds the consumer waits for a notify
ITEMS = 12


# --8<-- [start:buffer]
class BoundedBuffer:
    def __init__(self, capacity: int) -> None:
        self.items: deque[int] = deque()
        self.capacity = capacity
        self.changed = threading.Condition()
        self.peak = 0

    def put(self, item: int) -> None:
        with self.changed:
            if not self.changed.wait_for(
                lambda: len(self.items) < self.capacity, timeout=5
            ):
                raise TimeoutError("no room in the buffer for 5 s")
            self.items.append(item)
            self.peak = max(self.peak, len(self.items))
            self.changed.notify_all()

    def get(self) -> int:
        with self.changed:
            if not self.changed.wait_for(lambda: self.items, timeout=5):
                raise TimeoutError("nothing in the buffer for 5 s")
            item = self.items.popleft()
            self.changed.notify_all()
            return item


# --8<-- [end:buffer]


def bounded_buffer() -> None:
    buffer = BoundedBuffer(CAPACITY)
    received: list[int] = []

    def consume() -> None:
        for _ in range(ITEMS):
            received.append(buffer.get())
            time.sleep(0.005)  # a slow consumer, so the producer fills the buffer

    consumer = threading.Thread(target=consume)
    consumer.start()
    for item in range(ITEMS):
        buffer.put(item)
    consumer.join(timeout=10)
    in_order = received == list(range(ITEMS))
    print(f"bounded buffer: all {ITEMS} items arrived in order: {in_order}")
    print(f"bounded buffer: most items ever held at once: {buffer.peak} ", end="")
    print(f"(capacity {CAPACITY})")


# --8<-- [start:wakeup]
def lost_wakeup(use_predicate: bool) -> float:
    ready = threading.Condition()
    state = {"data": False}

    # The producer runs first: it sets the data and notifies before anyone waits.
    with ready:
        state["data"] = True
        ready.notify()

    t0 = time.perf_counter()
    with ready:
        if use_predicate:
            woke = ready.wait_for(lambda: state["data"], timeout=TIMEOUT)
        else:  # the notify already happened: nobody repeats it
            woke = ready.wait(timeout=TIMEOUT)
    waited = time.perf_counter() - t0
    how = "wait_for(predicate)" if use_predicate else "wait() without a predicate"
    print(f"{how:<27} returned {woke} after {waited:.2f} s")
    return waited


# --8<-- [end:wakeup]


def main() -> None:
    bounded_buffer()
    print("\nThe producer notified before the consumer started to wait:")
    bare = lost_wakeup(use_predicate=False)
    checked = lost_wakeup(use_predicate=True)
    measure.record({"bare_wait": bare, "wait_for": checked, "timeout": TIMEOUT})


if __name__ == "__main__":
    main()
