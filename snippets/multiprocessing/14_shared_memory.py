"""Sharing a large buffer with multiprocessing.shared_memory instead of copying it.

Four workers each compute the CRC-32 of one quarter of a 64 MiB buffer. Sent as
arguments, the quarters are pickled and pushed through pipes. In a
``SharedMemory`` block, the data is written once; each task then carries only
the block's name and its slice bounds, and the worker reads the block in place.
The CRCs must agree. Filling the block is timed on its own, because it is a
copy too: shared memory pays off when the data is created in the block, or
when it is read many times.
"""

import multiprocessing
import sys
import zlib
from multiprocessing import shared_memory
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

START_METHOD = "spawn"
SIZE = 64 * 2**20  # bytes
PARTS = 4
REPEATS = 3


# --8<-- [start:workers]
def crc_of_bytes(chunk: bytes) -> int:
    return zlib.crc32(chunk)


def crc_of_shared(task: tuple[str, int, int]) -> int:
    name, start, stop = task
    block = shared_memory.SharedMemory(name=name)  # attach; nothing is copied
    try:
        view = block.buf[start:stop]
        try:
            return zlib.crc32(view)
        finally:
            view.release()  # a block cannot close while views of it exist
    finally:
        block.close()  # this process stops using it; the owner unlinks it


# --8<-- [end:workers]


def main() -> None:
    data = bytes(range(256)) * (SIZE // 256)
    bounds = [(i * SIZE // PARTS, (i + 1) * SIZE // PARTS) for i in range(PARTS)]
    expected = [zlib.crc32(data[start:stop]) for start, stop in bounds]
    ctx = multiprocessing.get_context(START_METHOD)
    # --8<-- [start:create]
    block = shared_memory.SharedMemory(create=True, size=SIZE)
    try:
        # --8<-- [end:create]
        with ctx.Pool(min(PARTS, measure.usable_cpus())) as pool:
            pool.map(abs, range(PARTS))  # workers started before timing

            def in_this_process() -> None:
                assert [zlib.crc32(data[a:b]) for a, b in bounds] == expected

            # --8<-- [start:tasks]
            def copied() -> None:
                chunks = [data[start:stop] for start, stop in bounds]
                assert pool.map(crc_of_bytes, chunks) == expected

            def fill_block() -> None:
                block.buf[:SIZE] = data

            def shared() -> None:
                tasks = [(block.name, start, stop) for start, stop in bounds]
                assert pool.map(crc_of_shared, tasks) == expected

            # --8<-- [end:tasks]

            runs = {
                "one process, no pool (baseline)": in_this_process,
                "pool, quarters sent as arguments": copied,
                "fill the shared block once": fill_block,  # before its readers
                "pool, workers read the shared block": shared,
            }
            timings = measure.compare(runs, repeats=REPEATS)
            rows = [[name, timing.cell(3)] for name, timing in timings.items()]
    # --8<-- [start:release]
    finally:
        block.close()
        block.unlink()  # the owner frees it (else the tracker would, with a warning)
    # --8<-- [end:release]
    measure.report(
        measure.table(
            ["What", "Seconds"],
            rows,
            caption=f"CRC-32 of a {SIZE // 2**20} MiB buffer in {PARTS} parts; "
            "every run checked against the same CRCs.",
        ),
        repeats=REPEATS,
        statistic="median (min–max) seconds, runs interleaved",
        start_method=START_METHOD,
        values={
            "sharing_over_copying": measure.speedup(
                timings["pool, quarters sent as arguments"],
                timings["pool, workers read the shared block"],
            )
        },
    )


if __name__ == "__main__":
    main()
