"""Which operations on shared built-in objects are safe between threads.

Single operations on a ``dict`` or ``list`` (``d[k] = v``, ``d.setdefault``,
``lst.append``, ``d.copy()``) do not corrupt the object, with the GIL or
without it. Sequences of operations are another matter: nothing stops another
thread from running between them. Each case below runs first the unsafe way and
then a safe way, on threads released together by a ``Barrier``:

1. check-then-act on a dict (``if key not in cache: cache[key] = build()``);
2. iterating a dict while another thread adds keys;
3. iterating a list while another thread appends;
4. one generator shared by several threads.

The unsafe patterns fail on every build; the cases wait (``time.sleep``) at the
point where a real program would do I/O, which lets the other threads in even
with the GIL. On a free-threaded build they fail more readily still.
"""

import threading
import time

THREADS = 4
ATTEMPTS = 20  # an unsafe pattern is retried until it shows itself
TIMEOUT = 10  # seconds for any join or barrier


def run_threads(target, count: int = THREADS) -> None:
    barrier = threading.Barrier(count, timeout=TIMEOUT)

    def start_together() -> None:
        barrier.wait()
        target()

    threads = [threading.Thread(target=start_together) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
        assert not thread.is_alive(), "a thread did not finish in time"


def fill_cache(lock) -> int:
    """Threads look up one key of a shared cache; return how often it was built."""
    cache: dict[str, object] = {}
    builds = []

    # --8<-- [start:cache]
    def build() -> object:
        builds.append(1)  # list.append is one safe operation
        time.sleep(0.01)  # fetching the value: another thread runs meanwhile
        return object()

    def get() -> None:
        if lock is None:
            if "config" not in cache:
                cache["config"] = build()
        else:
            with lock:
                if "config" not in cache:
                    cache["config"] = build()

    # --8<-- [end:cache]

    run_threads(get)
    return len(builds)


def check_then_act() -> None:
    print("1. check-then-act on a shared dict (a cache filled on first use)")
    for label, lock in [
        ("if key not in cache", None),
        ("same, under a Lock", threading.Lock()),
    ]:
        builds = fill_cache(lock)
        times = "time" if builds == 1 else "times"
        print(f"   {label}: build() ran {builds} {times} for one key")


def add_keys(shared: dict, stop: threading.Event) -> None:
    key = 10_000
    while not stop.is_set():
        shared[key] = key
        key += 1
        time.sleep(0)


def dict_iteration() -> None:
    print("2. iterating a dict while another thread adds keys")
    shared = {i: i for i in range(200)}
    for label, snapshot in [("for key in d", False), ("for key in d.copy()", True)]:
        outcome = "no error"
        # The unsafe loop is retried until it fails; the safe one runs once.
        for attempt in range(1, 2 if snapshot else ATTEMPTS + 1):
            stop = threading.Event()
            thread = threading.Thread(target=add_keys, args=(shared, stop))
            thread.start()
            # --8<-- [start:iterate]
            try:
                for _key in shared.copy() if snapshot else shared:
                    time.sleep(0)  # work on each key lets the writer in
            except RuntimeError as error:
                outcome = f"RuntimeError ({error}) on attempt {attempt}"
            finally:
                stop.set()
                thread.join(TIMEOUT)
            # --8<-- [end:iterate]
            if not outcome.startswith("no error"):
                break
        print(f"   {label}: {outcome}")


def list_iteration() -> None:
    print("3. iterating a list while another thread appends")
    items = list(range(200))
    started = threading.Event()
    stop = threading.Event()

    def appender() -> None:
        started.set()
        while not stop.is_set():
            items.append(0)
            time.sleep(0)

    thread = threading.Thread(target=appender)
    thread.start()
    started.wait(TIMEOUT)
    before = len(items)
    seen = 0
    for _item in items:
        seen += 1
        if seen >= 2000:  # the list may grow as fast as we read it
            break
        time.sleep(0)
    after = len(items)
    stop.set()
    thread.join(TIMEOUT)
    print(
        f"   for item in lst: no error; saw {seen} items, while the list grew from "
        f"{before} to {after} during the loop"
    )
    copy = items.copy()  # one operation: a consistent snapshot
    print(f"   for item in lst.copy(): saw exactly the {len(copy)} items of the copy")


def drain_in_threads(source) -> tuple[list[int], list[str]]:
    """Several threads take items from one iterator until it is exhausted."""
    got: list[int] = []
    errors: list[str] = []

    def drain() -> None:
        try:
            for number in source:
                got.append(number)
        except ValueError as error:  # 'generator already executing'
            errors.append(str(error))

    run_threads(drain)
    return got, errors


def shared_generator() -> None:
    print("4. one generator shared by several threads")

    def numbers():
        for number in range(200):
            time.sleep(0.0005)  # reading the next record
            yield number

    # --8<-- [start:locked]
    class Locked:
        """An iterator that lets one thread at a time advance the one it wraps."""

        def __init__(self, iterator) -> None:
            self.iterator = iterator
            self.lock = threading.Lock()

        def __iter__(self):
            return self

        def __next__(self):
            with self.lock:
                return next(self.iterator)

    # --8<-- [end:locked]

    for label, wrap in [("shared generator", iter), ("wrapped in a lock", Locked)]:
        got, errors = drain_in_threads(wrap(numbers()))
        detail = f"; first error: ValueError: {errors[0]}" if errors else ""
        print(
            f"   {label}: {len(got)} of 200 items delivered, "
            f"{len(errors)} threads failed{detail}"
        )


def main() -> None:
    check_then_act()
    dict_iteration()
    list_iteration()
    shared_generator()


if __name__ == "__main__":
    main()
