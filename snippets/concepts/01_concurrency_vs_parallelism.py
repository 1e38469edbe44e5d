"""Parallelism: two counting tasks, one after the other, then in two processes."""

import time
from concurrent.futures import ProcessPoolExecutor


def count(n: int = 20_000_000) -> tuple[float, float]:
    """Count to n; return the CPU seconds and the seconds that took."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(n):
        pass
    return time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    for label in ["one after the other", "two processes at once"]:
        start = time.perf_counter()
        if label.startswith("one"):
            counts = [count(), count()]
        else:
            with ProcessPoolExecutor(2) as two_processes:  # two worker processes
                counts = list(two_processes.map(count, [20_000_000] * 2))
        wall = time.perf_counter() - start
        busy = sum(cpu for cpu, _ in counts) / wall
        share = min(cpu / count_wall for cpu, count_wall in counts)
        print(f"{label}: {wall:.2f} s, {busy:.1f} CPUs busy, {share:.2f} CPU per count")


if __name__ == "__main__":
    main()
