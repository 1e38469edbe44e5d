"""Parallelism: two counting tasks, one after the other, then in two processes.

Each count measures the CPU time it used. Dividing the total CPU time by the time
the whole run took gives how many CPUs were busy on average: at most one when the
counts run one after the other, up to two when two processes run them at once and
the machine has two CPUs free. The smallest share of a CPU that a count got says
whether a count had to wait for a CPU that something else was using: other
programs, or the other count where fewer CPUs than counts are usable. The two
processes start before the clock does, so that the run times the counting, not
the start-up. Both arrangements run three times, taking turns, so that one slow
moment of the machine shows as one odd round rather than deciding the result.
"""

import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure  # out of view: hands the values the page reads to the build

N = 20_000_000
ROUNDS = 3
OTHERS = measure.watch_other_programs()  # how much of the CPUs others take, from now


# --8<-- [start:demo]
def count(n: int) -> tuple[float, float]:
    """Count to n; return the CPU seconds it used and the seconds it took."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(n):
        pass
    return time.process_time() - cpu, time.perf_counter() - wall


def report(label: str, wall: float, counts: list[tuple[float, float]]) -> float:
    busy = sum(cpu for cpu, _ in counts) / wall
    share = min(cpu / took for cpu, took in counts)
    print(f"{label}: {wall:.2f} s, {busy:.1f} CPUs busy, {share:.2f} CPU per count")
    return busy


def one_round(n: int, two_processes: ProcessPoolExecutor) -> dict[str, float]:
    """Both counts one after the other, then in the two processes at once."""
    start = time.perf_counter()
    counts = [count(N), count(N)]
    one_wall = time.perf_counter() - start
    one_busy = report(f"round {n}, one after the other", one_wall, counts)

    start = time.perf_counter()
    counts = list(two_processes.map(count, [N, N]))
    two_wall = time.perf_counter() - start
    two_busy = report(f"round {n}, two processes at once", two_wall, counts)
    return {"busy_sequential": one_busy, "busy_parallel": two_busy,
            "wall_sequential": one_wall, "wall_parallel": two_wall}  # fmt: skip


def main() -> None:
    with ProcessPoolExecutor(max_workers=2) as two_processes:
        list(two_processes.map(time.sleep, [0.1, 0.1]))  # both processes start
        rounds = [one_round(n, two_processes) for n in range(1, ROUNDS + 1)]
    # --8<-- [end:demo]
    values = {name: [each[name] for each in rounds] for name in rounds[0]}
    measure.record(values, others=OTHERS())


if __name__ == "__main__":
    main()
