"""Who removes a shared memory block: its owner, or a resource tracker.

On POSIX systems a ``SharedMemory`` block lives until someone calls ``unlink()``.
With the default ``track=True``, each Python program that creates *or attaches to*
a block registers it with its resource tracker, a helper process that unlinks
every block still registered when the program ends, and warns that it "leaked".
That cleans up after an owner that forgot to unlink. It also bites the other way:
an independent program that only attaches to a block (started by hand, not by
multiprocessing, so with a tracker of its own) removes it when it exits, while its
owner still uses it (CPython gh-82300). Python 3.13 added ``track=False``, which
leaves the block alone and the unlinking to the owner.

This program creates blocks and runs short independent programs against them,
each with a timeout, then reports whether the block still exists and what the
other program's tracker printed. Every case it cannot run on this interpreter is
named in the output. Windows has no ``unlink``: a block there disappears when
the last handle to it closes, and no tracker is involved.
"""

import subprocess
import sys
import textwrap
from multiprocessing import resource_tracker, shared_memory

TIMEOUT = 30  # seconds for each independent program, its tracker included
HAS_TRACK = sys.version_info >= (3, 13)  # SharedMemory(track=...) is new in 3.13

# --8<-- [start:lifetime]
ATTACH = """
import sys
from multiprocessing import shared_memory
kwargs = {"track": False} if sys.argv[2] == "False" else {}
block = shared_memory.SharedMemory(name=sys.argv[1], **kwargs)
print(bytes(block.buf[:5]).decode())
block.close()  # done with it, and it is not ours to unlink
"""

CREATE_AND_FORGET = """
import sys
from multiprocessing import shared_memory
kwargs = {"track": False} if sys.argv[1] == "False" else {}
block = shared_memory.SharedMemory(create=True, size=16, **kwargs)
print(block.name)
block.close()  # and no unlink(): the block is leaked
"""


def run(code: str, *args: str) -> tuple[str, str]:
    """Run ``code`` as an independent program; return its stdout and stderr."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=True,
    )
    return done.stdout.strip(), done.stderr


def exists(name: str) -> bool:
    """Whether a block of this name exists; attaching here does not keep it alive."""
    try:
        block = shared_memory.SharedMemory(name=name)
    except FileNotFoundError:
        return False
    block.close()
    return True


def warned(stderr: str) -> str:
    return "yes: 'leaked shared_memory'" if "leaked shared_memory" in stderr else "no"


def remove(name: str) -> None:
    """Unlink a block this program is responsible for, if it still exists."""
    try:
        block = shared_memory.SharedMemory(name=name)
    except FileNotFoundError:
        return
    block.close()
    block.unlink()


# --8<-- [end:lifetime]


def main() -> None:
    version = ".".join(map(str, sys.version_info[:3]))
    settings = ["True", "False"] if HAS_TRACK else ["True"]
    rows, leftovers = [], []
    for track in settings:
        owner = shared_memory.SharedMemory(create=True, size=16)
        owner.buf[:5] = b"hello"
        try:
            read, stderr = run(ATTACH, owner.name, track)
            still = "exists" if exists(owner.name) else "gone: unlinked under its owner"
            rows.append(
                [
                    f"another program attaches (track={track})",
                    read,
                    still,
                    warned(stderr),
                ]
            )
        finally:
            owner.close()
            try:
                owner.unlink()
            except FileNotFoundError:  # gone already: tell our own tracker too
                resource_tracker.unregister(f"/{owner.name}", "shared_memory")
    for track in settings:
        name, stderr = run(CREATE_AND_FORGET, track)
        leftovers.append(name)
        if exists(name):
            still = "exists: nobody unlinks it"
        elif sys.platform == "win32":  # no tracker there: the handles decide
            still = "gone: its last handle closed"
        else:
            still = "gone: the tracker unlinked it"
        rows.append(
            [
                f"its creator exits without unlink() (track={track})",
                "",
                still,
                warned(stderr),
            ]
        )
    for name in leftovers:
        remove(name)

    print("| Case | Read | The block afterwards | Tracker warning |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\nPython {version} on {sys.platform}; each case run once, in new blocks.")
    if not HAS_TRACK:
        print(
            f"SharedMemory(track=False) is new in Python 3.13; Python {version} has "
            "no way to stop an attaching program's tracker from unlinking the block."
        )


if __name__ == "__main__":
    main()
