"""Which work lets other threads run: pure Python against C code that drops the GIL.

Each workload runs the same batch of tasks twice: one after another in one thread,
then in a pool of threads (one per usable CPU, at least two). Code written in C
may release the GIL while it works on data it owns:

- ``hashlib`` releases it while hashing more than 2047 bytes at once (documented);
  hashing many 64-byte pieces keeps taking it back, and the loop is Python anyway;
- ``zlib.compress`` releases it while compressing;
- ``time.sleep`` (like a blocking read) releases it while it waits.

A pure-Python loop never releases it for long: with the GIL, its threads take turns.
"""

import hashlib
import random
import sys
import time
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

REPEATS = 3
MIB = 1 << 20
DATA = random.Random(0).randbytes(MIB)  # fixed seed: every run hashes the same bytes


def made_up_text(words: int) -> bytes:
    """Text that compresses, but not so well that zlib has little to do."""
    rng = random.Random(1)  # fixed seed: every run compresses the same text
    letters = b"etaoinshrdlu"
    return b" ".join(
        bytes(rng.choices(letters, k=rng.randint(2, 9))) for _ in range(words)
    )


TEXT = made_up_text(40_000)


# --8<-- [start:workloads]
def pure_python() -> int:
    total = 0
    for i in range(250_000):
        total += i * i
    return total


def hash_one_mebibyte() -> bytes:
    return hashlib.sha256(DATA).digest()


def hash_64_byte_pieces() -> None:
    for start in range(0, 128 * 1024, 64):  # 2,048 calls of 64 bytes each
        hashlib.sha256(DATA[start : start + 64]).digest()


def compress_text() -> int:
    return len(zlib.compress(TEXT, 6))


def sleep_briefly() -> None:
    time.sleep(0.02)


# --8<-- [end:workloads]


# (what it does, function, tasks per batch per worker)
WORKLOADS: list[tuple[str, Callable[[], object], int]] = [
    ("pure-Python loop", pure_python, 4),
    ("hashlib.sha256 of 1 MiB", hash_one_mebibyte, 64),
    ("hashlib.sha256 of 64 bytes, 2,048 times", hash_64_byte_pieces, 20),
    (f"zlib.compress of {len(TEXT) // 1024} KiB of text", compress_text, 3),
    ("time.sleep(0.02)", sleep_briefly, 2),
]


# --8<-- [start:compare]
def compare(
    func: Callable[[], object], tasks: int, pool: ThreadPoolExecutor
) -> list[measure.Timing]:
    """Timings of ``tasks`` calls of ``func`` in one thread, then in the pool."""

    def one_thread() -> None:
        for _ in range(tasks):
            func()

    def threads() -> None:
        for future in [pool.submit(func) for _ in range(tasks)]:
            future.result()

    timings = measure.compare({"one": one_thread, "threads": threads}, repeats=REPEATS)
    return list(timings.values())


# --8<-- [end:compare]


def main() -> None:
    workers = max(2, measure.usable_cpus())
    rows, speedups, ratios = [], {}, {}
    with ThreadPoolExecutor(workers) as pool:
        for label, func, per_worker in WORKLOADS:
            one, many = compare(func, per_worker * workers, pool)
            ratios[func.__name__] = measure.speedup(one, many)
            speedups[func.__name__] = ratios[func.__name__].median
            rows.append(
                [label, per_worker * workers, one.cell(), many.cell(),
                 f"{speedups[func.__name__]:.2f}x"]
            )  # fmt: skip

    headers = ["Workload", "Tasks", "One thread", f"{workers} threads", "Speed-up"]
    measure.report(
        measure.table(headers, rows),
        repeats=REPEATS,
        statistic="times in seconds as median (min–max); "
        "speed-ups per round, as their median",
        values={
            "speedup_hash": ratios["hash_one_mebibyte"],
            "speedup_pure_python": ratios["pure_python"],
        },
    )
    print(
        f"\nWith {workers} threads: hashing 1 MiB per call ran "
        f"{speedups['hash_one_mebibyte']:.2f} times as fast as in one thread, "
        f"zlib {speedups['compress_text']:.2f} times, sleeping "
        f"{speedups['sleep_briefly']:.2f} times, and the pure-Python loop "
        f"{speedups['pure_python']:.2f} times."
    )


if __name__ == "__main__":
    main()
