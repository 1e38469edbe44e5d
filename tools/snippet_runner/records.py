"""Run records with provenance, grouped by the cell of the measuring matrix that made them.

A run record is the JSON line the runner writes for one snippet run (``report.record``).
The site shows each example's output from every interpreter and OS a reader uses, so a
record also says where it ran: OS, CPU model and count, Python version and build, GIL
state (``provenance()``), and the name of its **cell** ("3.12", "3.14t", "macOS 3.14").

``dev.py measure`` writes one file per cell, ``<cell>.jsonl``, into a records folder
(``.records/`` or ``$SNIPPET_RECORDS_DIR``); a build that finds such a folder shows the
other cells' runs under each example (``matrix``). ``merge`` decides what a page shows
for one snippet: each other cell's run, or ``None`` where that cell has no record, and
never another cell's output; a failing record stops the build, naming cell and file.

Standard library only: a cell's own interpreter imports this without the site's packages.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import platform
import re
import subprocess
import sys
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from types import ModuleType
from typing import Any

from snippet_runner.process import Run, project_root

RECORDS_ENV = "SNIPPET_RECORDS_DIR"  # a folder of <cell>.jsonl files (the deploy sets it)
CELL_ENV = "SNIPPET_CELL"  # this build's or measurement's cell name, if not the default
RECORDS_DIR = ".records"  # under the project root, ignored by git
_RUN_FIELDS = {field.name for field in fields(Run)}


class CellFailure(Exception):
    """A cell's record of a snippet is a failure: the build stops, naming cell and file."""


def _measure() -> ModuleType:
    """snippets/measure.py, the site's one description of an interpreter and a machine."""
    path = Path(__file__).resolve().parents[2] / "snippets" / "measure.py"
    spec = importlib.util.spec_from_file_location("_site_measure", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def _cpu_model() -> str:
    """The CPU's marketing name, as each OS reports it ("" if it does not say)."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(errors="replace"), re.M)
        if found:
            return found[1].strip()
    if sys.platform == "darwin":
        asked = subprocess.run(
            ["sysctl", "-n", "machdep.cpu.brand_string"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        if asked.returncode == 0 and asked.stdout.strip():
            return asked.stdout.strip()
    return platform.processor()


def _os_name() -> str:
    if sys.platform == "darwin":
        return f"macOS {platform.mac_ver()[0]}"
    return f"{platform.system()} {platform.release()}"


def _distribution() -> str:
    """The Linux distribution whose files the interpreter runs on ("Debian GNU/Linux
    forky/sid" inside the Debian cells' chroot), from os-release; "" elsewhere."""
    try:
        return platform.freedesktop_os_release().get("PRETTY_NAME", "")
    except (OSError, AttributeError):
        return ""


@functools.cache
def provenance() -> dict[str, Any]:
    """Where this interpreter runs snippets: the runner runs them with ``sys.executable``."""
    measure = _measure()
    return {
        "os": _os_name(),
        "distribution": _distribution(),
        "machine": platform.machine(),
        "cpu_model": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "usable_cpus": measure.usable_cpus(),
        "python": platform.python_version(),
        "free_threaded": "free-threaded" in measure.python_build(),
        "gil_enabled": measure.gil_enabled(),
        "build": measure.python_build(),
    }


def default_cell(found: dict[str, Any]) -> str:
    """ "3.13" on Linux, "3.14t" for a free-threaded build, "macOS 3.14", "Windows 3.14"."""
    system = found["os"].split()[0]
    version = ".".join(found["python"].split(".")[:2]) + ("t" if found["free_threaded"] else "")
    return version if system == "Linux" else f"{system} {version}"


def this_cell() -> str:
    return os.environ.get(CELL_ENV) or default_cell(provenance())


def record_line(run: Run, cell: str | None = None) -> str:
    """One JSON line: the run, its cell and its provenance."""
    return json.dumps(
        asdict(run) | {"cell": cell or this_cell(), "provenance": provenance()},
        ensure_ascii=False,
    )


def run_from(entry: dict[str, Any]) -> Run:
    """The ``Run`` in a record line (its cell and provenance left out)."""
    return Run(**{key: value for key, value in entry.items() if key in _RUN_FIELDS})


def provenance_line(found: dict[str, Any]) -> str:
    """One sentence a reader can check against their own machine."""
    cpu = f", {found['cpu_model']}" if found.get("cpu_model") else ""
    distribution = f" ({found['distribution']})" if found.get("distribution") else ""
    return (
        f"Measured on {found['build']}; {found['os']} {found['machine']}{distribution}{cpu}; "
        f"{found['usable_cpus']} usable CPUs (os.cpu_count() = {found['cpu_count']})."
    )


@dataclass(frozen=True)
class Cell:
    """One cell's records: its name, where it ran, and its runs by snippet path."""

    name: str
    provenance: dict[str, Any]
    runs: dict[str, Run]


def _cell_order(cell: Cell) -> tuple[Any, ...]:
    """Linux first, then macOS, then Windows; oldest Python first; the t build last."""
    system = cell.provenance.get("os", "").split()[:1] or [""]
    version = tuple(int(n) for n in re.findall(r"\d+", cell.provenance.get("python", ""))[:2])
    order = {"Linux": 0, "macOS": 1, "Windows": 2}.get(system[0], 3)
    return (order, version, bool(cell.provenance.get("free_threaded")), cell.name)


def records_dir() -> Path | None:
    """The folder whose records this build shows, or None (a build without records).

    ``$SNIPPET_RECORDS_DIR`` names it and must exist; otherwise ``.records/`` counts
    once it holds a cell's file.
    """
    named = os.environ.get(RECORDS_ENV)
    if named:
        folder = Path(named)
        if not folder.is_dir():
            raise FileNotFoundError(f"{RECORDS_ENV}={named!r} is not a folder")
        return folder
    folder = project_root() / RECORDS_DIR
    return folder if any(folder.glob("*.jsonl")) else None


def read_cells(folder: Path) -> list[Cell]:
    """Every cell's records in ``folder``, ordered for the page; re-read when a file changes."""
    files = sorted(folder.glob("*.jsonl"))
    return list(_read(tuple((f, f.stat().st_mtime_ns, f.stat().st_size) for f in files)))


@functools.cache
def _read(files: tuple[tuple[Path, int, int], ...]) -> tuple[Cell, ...]:
    cells: dict[str, Cell] = {}
    for file, _mtime, _size in files:
        for number, line in enumerate(file.read_text("utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                name, found, run = entry["cell"], entry["provenance"], run_from(entry)
            except (ValueError, KeyError, TypeError) as error:
                raise ValueError(f"{file}:{number} is not a run record: {error}") from None
            cell = cells.setdefault(name, Cell(name, found, {}))
            cell.runs[run.path] = run
    return tuple(sorted(cells.values(), key=_cell_order))


def merge(path: str, cells: list[Cell], primary: str) -> list[tuple[Cell, Run | None]]:
    """What a page shows for ``path`` after this build's own run (the cell ``primary``):
    each other cell with its run of that snippet, or None where it has no record.

    Raises ``CellFailure`` naming the cell and the file if any cell's run failed.
    """
    shown: list[tuple[Cell, Run | None]] = []
    for cell in cells:
        if cell.name == primary:
            continue  # this build is that cell, and its own run is shown first
        run = cell.runs.get(path)
        if run is not None and run.failure():
            raise CellFailure(f"cell {cell.name!r}: {run.describe_failure()}")
        shown.append((cell, run))
    return shown


def other_cells(path: str) -> list[tuple[Cell, Run | None]]:
    """``merge`` for this build: its records folder and cell (none without records)."""
    folder = records_dir()
    if folder is None:
        return []
    return merge(path, read_cells(folder), this_cell())


@dataclass(frozen=True)
class Lead:
    """The cell whose run a page shows first, because this build's Python is too old."""

    cell: Cell
    run: Run


def python_of(cell: Cell) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", cell.provenance.get("python", ""))[:2])


def lead(path: str, needs: tuple[int, int] | None) -> Lead | None:
    """For an example that needs a newer Python than this build's: the newest cell
    that ran it (a standard build before a free-threaded one, Linux first), else None."""
    if needs is None or sys.version_info[:2] >= needs:
        return None
    cells = other_cells(path)
    ran = [(cell, run) for cell, run in cells if run and python_of(cell) >= needs]
    if not ran:
        return None
    order = {"Linux": 0, "macOS": 1, "Windows": 2}

    def newest(item: tuple[Cell, Run]) -> tuple[Any, ...]:
        cell = item[0]
        system = order.get(cell.provenance.get("os", "").split(" ")[0], 3)
        return (python_of(cell), not cell.provenance.get("free_threaded"), -system)

    cell, run = max(ran, key=newest)
    return Lead(cell, run)
