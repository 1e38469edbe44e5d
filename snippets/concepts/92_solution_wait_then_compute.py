"""Exercise solution: a task that waits, then computes, has a CPU share in between.

03_io_bound_vs_cpu_bound.py measured a task that only waits and one that only
computes. A real task often does both: it waits for a reply, then works on it. Its
CPU share is the CPU time of the computing part over the time of both parts, so it
lands between the other two: the longer the wait, the closer to 0.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure  # out of view: hands the values the page reads to the build

OTHERS = measure.watch_other_programs()  # how much of the CPUs others take, from now


# --8<-- [start:solution]
def wait_for_reply() -> None:
    time.sleep(0.2)  # stands in for a slow server: the CPU has nothing to do


def compute() -> None:
    sum(i * i for i in range(6_000_000))


def wait_then_compute() -> None:
    wait_for_reply()
    compute()


def main() -> None:
    shares = {}
    tasks = [wait_for_reply, wait_then_compute, compute]
    for task in tasks:
        wall, cpu = time.perf_counter(), time.process_time()
        task()
        share = (time.process_time() - cpu) / (time.perf_counter() - wall)
        print(f"{task.__name__:<18} CPU share {share:.2f}")
        shares[task.__name__] = share
    # --8<-- [end:solution]
    measure.record({f"share_{name}": share for name, share in shares.items()},
                   others=OTHERS())  # fmt: skip


if __name__ == "__main__":
    main()
