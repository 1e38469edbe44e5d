"""``python3 dev.py cells``: the cells of the measuring matrix this machine can run itself.

Besides this checkout's own interpreter, a Linux machine can run Debian's newest
CPythons, in a Debian unstable chroot (``chroot``): each is a cell named after what
it is ("3.15 (Debian)"). For each, a copy of the checkout inside the chroot runs
``python3.X dev.py measure`` there, exactly as a reader on that Python would: the
README's command makes the pinned environment with that interpreter, then every
example a page shows runs as ``python snippets/...py``. The cell's run records are
copied to ``.records/`` (or ``--records``), where a build shows them under each
example and on "Across versions and platforms"; the test suite's build shows them
too (``tests/conftest.py``).

The chroot is made once (about a minute and a half) and reused; each copy keeps its
``.venv`` between runs. ``--run PATH`` runs one example in the cells instead, the way
``dev.py run`` does (is a new example right on 3.14 and 3.15?), and writes no records.
A failing example fails its cell, and the command exits
with status 1, naming the cell and the file. Where no chroot can be made (not root,
no ``debootstrap``, not Linux), it says why in one line and exits with status 2.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import importlib.util
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from snippet_runner import chroot
from snippet_runner.cells import slug
from snippet_runner.records import RECORDS_DIR

REPO = Path(__file__).resolve().parents[2]
# Each cell: its name, and Debian's package (its interpreter has the same name).
CELLS = {"3.14 (Debian)": "python3.14", "3.15 (Debian)": "python3.15"}
PACKAGES = [name for python in CELLS.values() for name in (python, f"{python}-venv")]
INSIDE = Path("srv/cells")  # the copies of the checkout, under the chroot's root
KEPT = {".venv", RECORDS_DIR}  # what a copy keeps between runs
CELL_TIMEOUT = 1800  # seconds for one cell's install and run; each example has its own


def record_file(cell: str, folder: Path) -> Path:
    return folder / f"{slug(cell)}.jsonl"


def missing(folder: Path) -> list[str]:
    """The cells of this machine that ``folder`` has no records of."""
    return [cell for cell in CELLS if not record_file(cell, folder).is_file()]


def project_files() -> list[str]:
    """What a copy holds: dev.py's ``project_files()`` (what git tracks or would add)."""
    spec = importlib.util.spec_from_file_location("_site_dev", REPO / "dev.py")
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    return dev.project_files()


def copy_checkout(dest: Path) -> None:
    """Make ``dest`` hold this checkout's files as they are now, keeping ``KEPT``."""
    dest.mkdir(parents=True, exist_ok=True)
    for old in dest.iterdir():
        if old.name not in KEPT:
            shutil.rmtree(old) if old.is_dir() and not old.is_symlink() else old.unlink()
    for name in project_files():
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, dest / name)


@contextlib.contextmanager
def _copy_of_checkout(root: Path, cell: str) -> Iterator[Path]:
    """The cell's copy of this checkout, fresh, and held until the block ends: two
    commands (a contributor's ``--run`` and a measurement) take turns on one copy."""
    inside = INSIDE / slug(cell)
    (root / INSIDE).mkdir(parents=True, exist_ok=True)
    with open(root / INSIDE / f"{slug(cell)}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        copy_checkout(root / inside)
        yield inside


def _in_cell(root: Path, cell: str, inside: Path, command: list[str]) -> int:
    try:
        return chroot.run(root, [CELLS[cell], *command], cwd=f"/{inside}", timeout=CELL_TIMEOUT)
    except subprocess.TimeoutExpired:
        print(f"cells: cell {cell!r} did not finish within {CELL_TIMEOUT} s", file=sys.stderr)
        return -1


def run_cell(root: Path, cell: str, records: Path) -> tuple[bool, float]:
    """Measure one cell in the chroot at ``root``; copy its records to ``records``."""
    start = time.perf_counter()
    with _copy_of_checkout(root, cell) as inside:
        written = record_file(cell, root / inside / RECORDS_DIR)
        written.unlink(missing_ok=True)
        status = _in_cell(root, cell, inside, ["dev.py", "measure", "--cell", cell])
        if written.is_file():  # a failed cell's records too: the build then names what failed
            records.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(written, record_file(cell, records))
    return status == 0, time.perf_counter() - start


def run_example(root: Path, cell: str, path: str) -> bool:
    """``dev.py run PATH`` in the cell: one example, as the build runs it."""
    print(f"cells: {path} in cell {cell}:", flush=True)
    with _copy_of_checkout(root, cell) as inside:
        return _in_cell(root, cell, inside, ["dev.py", "run", path]) == 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="dev.py cells", description=__doc__.splitlines()[0])
    parser.add_argument("--cell", action="append", choices=list(CELLS),
                        help="measure only this cell (again for more); default: all")  # fmt: skip
    parser.add_argument("--records", type=Path, default=REPO / RECORDS_DIR,
                        help=f"where the records go (default: {RECORDS_DIR}/)")  # fmt: skip
    parser.add_argument("--refresh", action="store_true",
                        help="make the chroot anew (newer Debian packages)")  # fmt: skip
    parser.add_argument("--run", metavar="PATH",
                        help="run this one example in the cells instead (no records)")  # fmt: skip
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        root = chroot.ensure(PACKAGES, refresh=args.refresh)
    except chroot.Unavailable as error:
        print(f"cells: no Debian cells on this machine: {error}", file=sys.stderr)
        return 2
    if args.run:
        failed = [
            cell for cell in args.cell or list(CELLS) if not run_example(root, cell, args.run)
        ]
        return 1 if failed else 0
    times = [f"chroot {time.perf_counter() - start:.0f} s"]
    failed = []
    for cell in args.cell or list(CELLS):
        ok, seconds = run_cell(root, cell, args.records)
        times.append(f"{cell} {seconds:.0f} s")
        if not ok:
            failed.append(cell)
    print(f"cells: {'; '.join(times)}; records in {args.records}")
    if failed:
        print(f"cells: failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
