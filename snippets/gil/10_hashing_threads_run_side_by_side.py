"""Two threads that hash large buffers run side by side, GIL or not (Linux).

``hashlib`` releases the GIL while it hashes more than 2047 bytes at once, so two
threads that each hash big buffers need the GIL only between calls. The recorder
(``snippets/timeline.py``) shows it: the two lanes are on a CPU at the same time,
as far as the machine has two CPUs to spare, and from Python 3.15 the GIL strip
shows that neither thread holds the GIL for long. Without Linux's ``/proc`` the
program says so and draws nothing.
"""

import hashlib
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure
import timeline
import timeline_svg

BLOCK = 4 * 1024 * 1024  # bytes per hashlib call: far above the 2047-byte threshold
BLOCKS = 48  # calls per thread


# --8<-- [start:work]
def digest(data: bytes) -> str:
    hasher = hashlib.sha256()
    for _ in range(BLOCKS):
        hasher.update(data)  # releases the GIL while it hashes
    return hasher.hexdigest()


def two_hashing_threads() -> None:
    data = bytes(BLOCK)
    threads = [
        threading.Thread(target=digest, args=(data,), name=f"hasher {k}")
        for k in (1, 2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# --8<-- [end:work]


def main() -> None:
    if reason := timeline.unavailable():
        print(reason)
        return
    recorded = timeline.record(two_hashing_threads)
    both = recorded.together(["hasher 1", "hasher 2"])
    gil = recorded.gil_interval is not None
    held = max(recorded.share(f"hasher {k}", "gil") for k in (1, 2)) if gil else None
    print(
        timeline_svg.figure(
            recorded,
            "Two threads hashing large buffers, measured",
            "One lane per thread, time across; the upper strip of a lane is the "
            "operating system's view, the lower one (Python 3.15 and later) the GIL's.",
        )
    )
    print()
    held_text = (
        f" The hasher that held the GIL longest held it for {held:.0%} of the time."
        if gil
        else ""
    )
    measure.report(
        timeline_svg.table(recorded)
        + f"\n\nBoth hashers were on a CPU at once for {both:.0%} of the time, with "
        f"{BLOCK // 2**20} MiB per hashlib call.{held_text} "
        f"{timeline_svg.sampling_note(recorded)}",
        others=recorded.others,
        values={"both_on_cpu": both},
    )


if __name__ == "__main__":
    main()
