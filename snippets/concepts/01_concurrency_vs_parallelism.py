"""Parallelism: two counting tasks, one after the other, then in two processes.

Each count measures the CPU time it used. Dividing the total CPU time by the time
the whole run took gives how many CPUs were busy on average: at most one when the
counts run one after the other, up to two when two processes run them at once and
the machine has two CPUs free. The smallest share of a CPU that a count got says
whether a count had to wait for a CPU that something else was using: other
programs, or the other count where fewer CPUs than counts are usable.
"""

import time
from concurrent.futures import ProcessPoolExecutor

N = 20_000_000


# --8<-- [start:demo]
def count(n: int) -> tuple[float, float]:
    """Count to n; return the CPU seconds it used and the seconds it took."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(n):
        pass
    return time.process_time() - cpu, time.perf_counter() - wall


def report(label: str, wall: float, counts: list[tuple[float, float]]) -> None:
    busy = sum(cpu for cpu, _ in counts) / wall
    share = min(cpu / took for cpu, took in counts)
    print(f"{label}: {wall:.2f} s, {busy:.1f} CPUs busy, {share:.2f} CPU per count")


def main() -> None:
    start = time.perf_counter()
    counts = [count(N), count(N)]
    report("one after the other", time.perf_counter() - start, counts)
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=2) as two_processes:
        counts = list(two_processes.map(count, [N, N]))
    report("two processes at once", time.perf_counter() - start, counts)
    # --8<-- [end:demo]


if __name__ == "__main__":
    main()
