"""How much memory a child really has of its own, under each start method.

The parent builds a list of a million integers. Each child reads Linux's
``/proc/self/smaps_rollup`` twice: right after it starts, and after summing the
list (if it has the list). RSS counts every page the child can touch, shared or
not; "private" counts pages that belong to the child alone (its USS). A forked
child shares the parent's pages copy-on-write, so it starts with almost nothing
private. But merely reading Python objects writes their reference counts, and
each page written to is copied into the child.
"""

import multiprocessing
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

ROLLUP = Path("/proc/self/smaps_rollup")
NUMBERS: list[int] = []  # filled by main() before any child starts


def memory_kib() -> dict[str, int]:
    fields = {}
    for line in ROLLUP.read_text().splitlines()[1:]:
        name, value, *_ = line.split()
        fields[name.rstrip(":")] = int(value)
    private = fields["Private_Clean"] + fields["Private_Dirty"]
    return {"rss": fields["Rss"], "private": private}


# --8<-- [start:child]
def child(results) -> None:
    start = memory_kib()
    total = sum(NUMBERS)  # reads every object: writes every reference count
    after = memory_kib()
    results.put((len(NUMBERS), total, start, after))


# --8<-- [end:child]


def mib(kib: int) -> str:
    return f"{kib / 1024:.1f}"


def main() -> None:
    if not ROLLUP.exists():
        print(f"{ROLLUP} is Linux-only (kernel 4.14+); nothing to measure here.")
        return
    # --8<-- [start:methods]
    before = memory_kib()
    NUMBERS.extend(range(10**6, 2 * 10**6))
    built = memory_kib()
    print(
        f"parent: RSS {mib(before['rss'])} MiB before building the list, "
        f"{mib(built['rss'])} MiB after\n"
    )
    rows, values = [], {"list_mib": (built["rss"] - before["rss"]) / 1024}
    for method in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context(method)
        results = ctx.Queue()
        process = ctx.Process(target=child, args=(results,))
        process.start()
        count, _total, start, after = results.get()
        process.join()
        # --8<-- [end:methods]
        values |= {
            f"{method}_rss": start["rss"] / 1024,
            f"{method}_private": start["private"] / 1024,
            f"{method}_private_after": after["private"] / 1024,
        }
        rows.append(
            [
                method,
                f"{count:,}",
                mib(start["rss"]),
                mib(start["private"]),
                mib(after["private"]),
            ]
        )
    measure.report(
        measure.table(
            [
                "Start method",
                "List items the child sees",
                "RSS at start (MiB)",
                "Private at start (MiB)",
                "Private after reading the list (MiB)",
            ],
            rows,
        ),
        start_method="each listed",
        statistic=f"one child per start method, sizes from {ROLLUP}",
        values=values,
    )


if __name__ == "__main__":
    main()
