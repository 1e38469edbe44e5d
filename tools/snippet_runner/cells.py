"""``python3 dev.py measure [--python PATH] [--cell NAME]``: one cell's run records.

Runs every snippet a page shows, in nav and page order, under one interpreter, exactly
as the build runs it (``process.run_snippet``: its own process, a scratch directory,
the fence's timeout and expected exit status), and writes the runs with their
provenance to ``.records/<cell>.jsonl``. A build then shows them under each example.

Without ``--python`` the cell is this environment's interpreter (``.venv``, what CI's
matrix jobs use). With ``--python PATH``, the snippets need their packages under that
interpreter too: a virtual environment per interpreter under ``.records/venvs/`` gets
the packages the snippets import, from pyproject.toml at the versions constraints.txt pins,
and the runner itself runs there, so ``sys.executable`` is that interpreter as in a build.

A failing snippet makes the command exit with status 1, naming the cell and the files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from snippet_runner.options import FenceOptions
from snippet_runner.process import project_root, run_snippet, timeout_for
from snippet_runner.records import CELL_ENV, RECORDS_DIR, RECORDS_ENV, record_line, this_cell

REPO = Path(__file__).resolve().parents[2]  # this checkout: its pins, its venvs
# What the snippets may import from PyPI, by import name: the distributions it needs
# (the rest of pyproject's dependencies build the site).
SNIPPET_PACKAGES = {
    "matplotlib": ("matplotlib",),
    "httpx": ("httpx",),
    "dask": ("dask", "distributed"),  # the snippets use dask.distributed
    "distributed": ("distributed",),
}
_IMPORTS = re.compile(r"^[ \t]*(?:from|import)[ \t]+(\w+)", re.M)
_FENCE = re.compile(r"^[ \t]*```python-snippet([^\n]*)\n[ \t]*(\S+)[ \t]*\n[ \t]*```", re.M)
_OPTION = re.compile(r'(\w+)="([^"]*)"')
# Run in the cell's interpreter: put tools/ on sys.path for this process only (never
# PYTHONPATH, which the runner passes on to the snippets), then run the cell.
_LAUNCH = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from snippet_runner.cells import run_cell_main; raise SystemExit(run_cell_main())"
)


def nav_pages(root: Path) -> list[Path]:
    """The Markdown pages in mkdocs.yml's nav, in reading order."""
    import yaml

    class AnyTag(yaml.SafeLoader):
        """mkdocs.yml without its ``!ENV`` and ``!!python/name`` values: only nav is read."""

    AnyTag.add_multi_constructor("", lambda loader, suffix, node: None)
    AnyTag.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    config = yaml.load((root / "mkdocs.yml").read_text("utf-8"), Loader=AnyTag)

    def walk(item: object) -> list[str]:
        if isinstance(item, str):
            return [item]
        if isinstance(item, dict):
            return [page for value in item.values() for page in walk(value)]
        if isinstance(item, list):
            return [page for value in item for page in walk(value)]
        return []

    if config.get("nav"):
        return [root / "docs" / page for page in walk(config["nav"]) if page.endswith(".md")]
    # No nav: MkDocs lists every page, index first (``_*.md`` are excluded here).
    found = [p for p in (root / "docs").rglob("*.md") if not p.name.startswith("_")]
    return sorted(found, key=lambda p: (p.parent.parts, p.stem != "index", p.name))


def plan(root: Path) -> list[tuple[str, FenceOptions]]:
    """Every snippet a page shows, first showing first, with that fence's options."""
    found: dict[str, FenceOptions] = {}
    for page in nav_pages(root):
        for options, path in _FENCE.findall(page.read_text("utf-8")):
            found.setdefault(path, FenceOptions.parse(dict(_OPTION.findall(options))))
    return list(found.items())


def fence_options(path: str) -> FenceOptions | None:
    """The options of the first fence that shows ``path`` (None: no page shows it)."""
    return dict(plan(project_root())).get(path)


def run_cell(snippets: list[dict[str, object]], cell: str, out: Path) -> list[str]:
    """Run each planned snippet here, write the records to ``out``; the failed paths."""
    failed: list[str] = []
    partial = out.with_suffix(".partial")
    out.parent.mkdir(parents=True, exist_ok=True)
    with partial.open("w", encoding="utf-8") as file:
        for number, item in enumerate(snippets, 1):
            path = project_root() / str(item["path"])
            run = run_snippet(
                path,
                timeout_for(item["timeout"]),  # type: ignore[arg-type]
                expected_returncode=int(item["returncode"]),  # type: ignore[arg-type]
            )
            file.write(record_line(run, cell) + "\n")
            file.flush()
            verdict = "ok" if run.failure() is None else "FAILED"
            print(f"[{cell}] {number}/{len(snippets)} {run.path}: {verdict} in {run.seconds:.1f} s")
            if run.failure():
                failed.append(run.path)
                print(f"[{cell}] {run.describe_failure()}", file=sys.stderr)
            sys.stdout.flush()
    partial.replace(out)
    return failed


def run_cell_main() -> int:
    """The cell's side: the plan arrives on stdin as JSON."""
    job = json.load(sys.stdin)
    cell = job["cell"] or this_cell()
    failed = run_cell(job["snippets"], cell, Path(job["records"]) / f"{slug(cell)}.jsonl")
    if failed:
        print(f"measure: cell {cell!r} failed: {', '.join(failed)}", file=sys.stderr)
        if os.environ.get("GITHUB_ACTIONS") == "true":  # an annotation on the run's summary
            for path in failed:
                print(f"::error file={path},title=Cell {cell} failed::{path} failed in cell {cell}")
        return 1
    print(
        f"measure: cell {cell!r}: {len(job['snippets'])} snippets ok, records in {job['records']}"
    )
    return 0


def slug(cell: str) -> str:
    """A file name for a cell name ("macOS 3.14" -> "macOS-3.14")."""
    return re.sub(r"[^\w.+-]+", "-", cell).strip("-")


def snippet_requirements(root: Path) -> list[str]:
    """The packages ``root``'s snippets import, as this repository's pyproject.toml pins
    them (one place for each version). Only those: a project whose snippets import none
    (a test's throwaway site) gets a bare environment in seconds, not minutes of pip."""
    imported = set()
    for source in (root / "snippets").rglob("*.py"):
        imported.update(_IMPORTS.findall(source.read_text("utf-8")))
    wanted = {dist for name in imported for dist in SNIPPET_PACKAGES.get(name, ())}
    pins = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["dependencies"]
    return [pin for pin in pins if re.split(r"[=<>!~ \[]", pin)[0] in wanted]


def cell_environment(python: Path, project: Path = REPO) -> Path:
    """A virtual environment of ``python`` with the packages ``project``'s snippets
    import, made once, under this repository's ``.records/venvs/`` (one per
    interpreter and set of packages: a throwaway project's bare environment never
    replaces the site's)."""
    about = subprocess.run(
        [
            str(python),
            "-c",
            "import sys, sysconfig; "
            "print(sys.version, sysconfig.get_config_var('Py_GIL_DISABLED'))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    requirements = snippet_requirements(project)
    digest = hashlib.sha256("\0".join([about, *requirements]).encode())
    digest.update((REPO / "constraints.txt").read_bytes())
    wanted = digest.hexdigest()
    which = "\0".join([str(python.resolve()), *requirements])
    home = REPO / RECORDS_DIR / "venvs" / hashlib.sha256(which.encode()).hexdigest()[:12]
    inside = home / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    stamp = home / "installed-from.sha256"
    if stamp.is_file() and stamp.read_text().strip() == wanted and inside.is_file():
        return inside
    packages = " ".join(requirements) or "no packages"
    print(f"measure: making {home} for {python} with {packages} ...", flush=True)
    subprocess.run([str(python), "-m", "venv", "--clear", str(home)], check=True)
    pip = [str(inside), "-m", "pip", "--disable-pip-version-check", "--quiet", "install"]
    if requirements:
        subprocess.run([*pip, "-c", "constraints.txt", *requirements], cwd=REPO, check=True)
    stamp.write_text(wanted + "\n")
    return inside


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="dev.py measure", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--python", type=Path, help="the interpreter to measure (default: this one)"
    )
    parser.add_argument(
        "--cell", help=f"the cell's name (default: ${CELL_ENV}, else from the interpreter)"
    )
    parser.add_argument(
        "--records",
        type=Path,
        help=f"where to write (default: ${RECORDS_ENV}, else {RECORDS_DIR}/)",
    )
    args = parser.parse_args(argv)
    if args.python and not args.python.is_file():
        parser.error(f"--python {args.python}: no such interpreter")
    root = project_root()
    snippets = [
        {"path": path, "timeout": options.timeout, "returncode": options.returncode}
        for path, options in plan(root)
    ]
    if not snippets:
        print(f"measure: no page under {root / 'docs'} shows a snippet", file=sys.stderr)
        return 2
    # Where builds look for records (records_dir), unless told otherwise.
    records = (args.records or Path(os.environ.get(RECORDS_ENV) or root / RECORDS_DIR)).resolve()
    records.mkdir(parents=True, exist_ok=True)
    (records / ".gitignore").write_text("*\n")  # never committed, wherever it is
    job = {"cell": args.cell or "", "snippets": snippets, "records": str(records)}
    python = cell_environment(args.python, root) if args.python else Path(sys.executable)
    tools = Path(__file__).resolve().parents[1]
    return subprocess.run(
        [str(python), "-c", _LAUNCH, str(tools)],
        input=json.dumps(job),
        text=True,
        cwd=root,
        check=False,
    ).returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
