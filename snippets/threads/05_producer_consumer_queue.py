"""Producers and consumers on a bounded queue.Queue, with a clean shutdown.

``Queue`` does its own locking, so threads hand work over without a lock of their
own. A bound (``maxsize``) makes producers wait when consumers fall behind. To
stop, the main thread waits for the producers, then puts one sentinel per
consumer; each consumer exits when it takes one.
"""

import queue
import threading
import time
from collections import Counter

DONE = object()  # the sentinel: compared by identity, never a real work item
PRODUCERS, CONSUMERS, ITEMS_EACH = 2, 3, 8


def produce(q: queue.Queue, producer: int) -> None:
    for n in range(ITEMS_EACH):
        q.put((producer, n))  # blocks while the queue is full


def consume(q: queue.Queue, handled: Counter, results: list) -> None:
    name = threading.current_thread().name
    while (item := q.get()) is not DONE:
        time.sleep(0.02)  # pretend to work on the item
        results.append(item)
        handled[name] += 1


def main() -> None:
    q: queue.Queue = queue.Queue(maxsize=4)
    handled: Counter = Counter()
    results: list = []
    consumers = [
        threading.Thread(
            target=consume, args=(q, handled, results), name=f"consumer-{c}"
        )
        for c in range(CONSUMERS)
    ]
    producers = [
        threading.Thread(target=produce, args=(q, p)) for p in range(PRODUCERS)
    ]
    t0 = time.perf_counter()
    for thread in consumers + producers:
        thread.start()
    for thread in producers:
        thread.join()
    for _ in consumers:
        q.put(DONE)
    for thread in consumers:
        thread.join()

    expected = {(p, n) for p in range(PRODUCERS) for n in range(ITEMS_EACH)}
    elapsed = time.perf_counter() - t0
    print(f"{len(results)} items handled in {elapsed:.2f} s by {CONSUMERS} consumers")
    for name in sorted(handled):
        print(f"  {name}: {handled[name]} items")
    print(f"every item handled exactly once: {sorted(results) == sorted(expected)}")
    print(f"threads still running besides main: {threading.active_count() - 1}")


if __name__ == "__main__":
    main()
