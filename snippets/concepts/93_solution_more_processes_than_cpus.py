"""Exercise solution: more processes than CPUs cannot keep more CPUs busy.

01_concurrency_vs_parallelism.py ran two counts in two processes. Here the number
of processes is one more than the machine's CPUs (``os.cpu_count()``). All the
counts are in progress at once (concurrent), but at any instant each CPU runs at
most one of them (parallel), so the CPUs busy on average never exceed the CPU
count, and each count gets less than a whole CPU.
"""

import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure  # out of view: hands the values the page reads to the build

N = 10_000_000


# --8<-- [start:solution]
def count(n: int) -> float:
    """Count to n; return the CPU seconds it used."""
    cpu = time.process_time()
    for _ in range(n):
        pass
    return time.process_time() - cpu


def main() -> None:
    cpus = os.cpu_count() or 1
    processes = cpus + 1
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=processes) as pool:
        cpu_seconds = sum(pool.map(count, [N] * processes))
    busy = cpu_seconds / (time.perf_counter() - start)
    print(f"{processes} processes on {cpus} CPUs: {busy:.1f} CPUs busy on average")
    # --8<-- [end:solution]
    measure.record({"busy": busy, "cpu_count": cpus})


if __name__ == "__main__":
    main()
