"""I/O-bound or CPU-bound? Compare the CPU time a task uses with the time it takes.

The ratio of the two, the task's CPU share, is near 0 for a task that waits (here
``time.sleep`` stands in for a slow server) and near 1 for a task that computes.
"""

import time


# --8<-- [start:demo]
def wait_for_reply() -> None:
    time.sleep(0.2)  # stands in for a slow server: the CPU has nothing to do


def compute() -> None:
    sum(i * i for i in range(2_000_000))


def main() -> None:
    for name, task in [("wait for a reply", wait_for_reply), ("compute", compute)]:
        wall, cpu = time.perf_counter(), time.process_time()
        task()
        share = (time.process_time() - cpu) / (time.perf_counter() - wall)
        kind = "CPU-bound" if share > 0.5 else "I/O-bound"
        print(f"{name:<16} CPU share {share:.2f}: {kind}")
    # --8<-- [end:demo]


if __name__ == "__main__":
    main()
