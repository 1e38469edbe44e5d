"""Exercise solution: a thread's failure tells the other threads to stop.

In 07_thread_excepthook.py a failing thread ends alone, and the others would work
on to the end. Here the excepthook does one more thing than record the failure: it
sets a stop Event. Every worker checks the Event between its units of work (with
``stop.wait(timeout)`` as its sleep, as in 03_event_start_stop.py), so one failure
ends the whole group within a unit of work, not after the others' full two seconds.
"""

import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure  # hands the build the times the page reads

STEPS = 40
STEP_SECONDS = 0.05  # 40 steps: 2 s of work for a worker that is not stopped


# --8<-- [start:worker]
def worker(stop: threading.Event, outcomes: dict[str, str], fail_at: int = -1) -> None:
    name = threading.current_thread().name
    for step in range(STEPS):
        if stop.wait(timeout=STEP_SECONDS):  # one unit of work, unless stopped
            outcomes[name] = f"stopped by the signal after {step} of {STEPS} steps"
            return
        if step == fail_at:
            raise RuntimeError("disk full")
    outcomes[name] = f"finished all {STEPS} steps"


# --8<-- [end:worker]


def start_workers(stop: threading.Event, outcomes: dict[str, str]) -> list:
    """worker-1, worker-2 and worker-3, started; worker-1 fails at its third step."""
    threads = [
        threading.Thread(
            target=worker,
            args=(stop, outcomes, 2 if i == 1 else -1),
            name=f"worker-{i}",
        )
        for i in (1, 2, 3)
    ]
    for thread in threads:
        thread.start()
    return threads


def main() -> None:
    t0 = time.perf_counter()
    # --8<-- [start:hook]
    stop = threading.Event()
    outcomes: dict[str, str] = {}

    def record_and_stop(args: threading.ExceptHookArgs) -> None:
        name = args.thread.name if args.thread else "?"
        outcomes[name] = f"failed: {args.exc_value!r}"
        stop.set()  # the others stop at their next check

    threading.excepthook = record_and_stop
    try:
        for thread in start_workers(stop, outcomes):
            thread.join(timeout=5)
    finally:
        threading.excepthook = threading.__excepthook__  # restore the default
    # --8<-- [end:hook]
    for name in sorted(outcomes):
        print(f"{name}: {outcomes[name]}")
    elapsed = time.perf_counter() - t0
    print(f"all threads ended after {elapsed:.2f} s", end=" ")
    print(f"(a worker that is not stopped: {STEPS * STEP_SECONDS:.2f} s)")
    measure.record({"ended": elapsed, "full_work": STEPS * STEP_SECONDS})


if __name__ == "__main__":
    main()
