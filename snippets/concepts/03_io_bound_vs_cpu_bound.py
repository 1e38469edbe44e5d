"""I/O-bound or CPU-bound? Compare the CPU time a task uses with the time it takes.

The ratio of the two, the task's CPU share, is near 0 for a task that waits (here
``time.sleep`` stands in for a slow server) and near 1 for a task that computes.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure  # out of view: hands the values the page reads to the build

OTHERS = measure.watch_other_programs()  # how much of the CPUs others take, from now


# --8<-- [start:demo]
def wait_for_reply() -> None:
    time.sleep(0.2)  # stands in for a slow server: the CPU has nothing to do


def compute() -> None:
    sum(i * i for i in range(6_000_000))


def main() -> None:
    shares = []
    for name, task in [("wait for a reply", wait_for_reply), ("compute", compute)]:
        wall, cpu = time.perf_counter(), time.process_time()
        task()
        share = (time.process_time() - cpu) / (time.perf_counter() - wall)
        kind = "CPU-bound" if share > 0.5 else "I/O-bound"
        print(f"{name:<16} CPU share {share:.2f}: {kind}")
        shares.append(share)
    # --8<-- [end:demo]
    measure.record({"share_wait": shares[0], "share_compute": shares[1]},
                   others=OTHERS())  # fmt: skip


if __name__ == "__main__":
    main()
