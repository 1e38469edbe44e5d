"""Queue.shutdown() (Python 3.13+): stopping consumers without sentinels.

After ``q.shutdown()``, ``put`` raises ``queue.ShutDown`` at once, and ``get``
raises it as soon as the queue is empty, so consumers drain what is left and
stop. On Python 3.12 and older the method does not exist; use sentinels there.
"""

import platform
import queue
import threading


def consume(q: queue.Queue, out: list) -> None:
    while True:
        try:
            item = q.get()
        except queue.ShutDown:  # only reached on 3.13+
            return
        out.append(item)


def main() -> None:
    if not hasattr(queue.Queue, "shutdown"):
        version = platform.python_version()
        print(f"Python {version}: queue.Queue has no shutdown() (added in 3.13).")
        print("Use one sentinel per consumer, as in 05_producer_consumer_queue.py.")
        return
    q: queue.Queue = queue.Queue()
    out: list = []
    consumers = [threading.Thread(target=consume, args=(q, out)) for _ in range(2)]
    for thread in consumers:
        thread.start()
    for item in range(10):
        q.put(item)
    q.shutdown()  # no more puts; getters stop once the queue is empty
    for thread in consumers:
        thread.join()
    try:
        q.put(99)
    except queue.ShutDown:
        print("put() after shutdown() raised queue.ShutDown")
    version = platform.python_version()
    print(f"Python {version}: consumers drained {sorted(out)} and exited")


if __name__ == "__main__":
    main()
