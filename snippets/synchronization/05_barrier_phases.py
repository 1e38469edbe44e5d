"""A Barrier makes threads work in phases: no one starts phase 2 until all end phase 1.

``wait()`` blocks until ``parties`` threads have called it, then releases them all.
The ``action`` runs once per phase, in one of the threads, before they go on. With
a timeout, a thread that never arrives breaks the barrier: every waiter gets
``BrokenBarrierError`` instead of waiting forever.
"""

import threading
import time

PARTIES = 3
PHASES = 3


# --8<-- [start:phases]
def phases() -> None:
    finished: list[tuple[int, str]] = []
    log_lock = threading.Lock()
    phase_ends: list[str] = []
    barrier = threading.Barrier(
        PARTIES,
        action=lambda: phase_ends.append(f"phase {len(phase_ends) + 1} complete"),
    )

    def worker(index: int) -> None:
        for phase in range(1, PHASES + 1):
            time.sleep(0.02 * index)  # workers take different times
            with log_lock:
                finished.append((phase, f"worker {index}"))
            barrier.wait(timeout=5)

    # --8<-- [end:phases]

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(PARTIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    order = [phase for phase, _ in finished]
    print(f"{PARTIES} workers, {PHASES} phases; each finished step's phase, in order:")
    print(f"  {order}")
    print(f"  phases never overlapped: {order == sorted(order)}")
    print(f"  the barrier's action ran: {phase_ends}")


# --8<-- [start:missing]
def missing_party() -> None:
    barrier = threading.Barrier(PARTIES)
    outcomes: list[str] = []

    def worker(name: str) -> None:
        try:
            barrier.wait(timeout=0.3)
            outcomes.append(f"{name}: passed")
        except threading.BrokenBarrierError:
            outcomes.append(f"{name}: BrokenBarrierError")

    # --8<-- [end:missing]
    # Only two of the three parties ever arrive.
    threads = [threading.Thread(target=worker, args=(f"worker {i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    print(f"\nOnly 2 of {PARTIES} parties arrive, wait(timeout=0.3):")
    for outcome in sorted(outcomes):
        print(f"  {outcome}")
    print(f"  barrier.broken = {barrier.broken}")


def main() -> None:
    phases()
    missing_party()


if __name__ == "__main__":
    main()
