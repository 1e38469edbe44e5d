#!/usr/bin/env python3
"""Time what a build costs and how fast the edit loop is: ``python3 dev.py bench``.

It works on a copy of the project in a temporary directory, so it never touches
your files or your snippet cache, and measures:

1. a clean strict build: ``mkdocs build --strict`` in a new process with an empty
   snippet cache, so every snippet runs (what CI and the deployed site pay; it also
   fills the copy's cache). The runner's record gives the sum of the snippets' own
   run times; the notebooks are executed once more on their own (nbclient, as the
   plugin does) to time them; the overhead is the build time minus both;
2. in another new process (so the cache must have survived a restart), builds the
   way ``mkdocs serve`` rebuilds on every save, in one process (load the
   configuration, build): first with nothing changed, then after a prose-only edit
   of a page, then after an edit to one snippet (the one whose edit is cheapest:
   it re-runs every snippet whose cache key covers it, that is its chapter),
   checking that this last rebuild ran exactly those.

3. a real ``mkdocs serve`` (as ``dev.py serve`` starts it), timed through HTTP: on
   a second copy with a cold cache, from starting it to the first page served (then
   it is stopped: its background runs would only repeat step 1); on the warm copy,
   once the worker has executed the notebooks, a prose-only edit and an edit that
   changes what one snippet prints, each until the served page shows it. Nothing
   may be left running once serve stops;
4. with ``--suite`` only, the whole test suite (``dev.py test``, minutes of CPU).

Targets on the 2-core kind CI uses: overhead at most 10 s, a prose-only rebuild at
most 3 s, an edited snippet re-runs its chapter and nothing else; in serve, the
first page within 15 s on a cold cache, a prose edit shown within 3 s, an edited
snippet's output within its own run time plus 3 s; the suite within 5 minutes. The
exit status is 1 if one is missed.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import logging
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from snippet_runner import cache, serve
from snippet_runner.build import Served, strict_build
from snippet_runner.process import Run
from snippet_runner.report import read_record

ROOT = Path(__file__).resolve().parents[1]
MAX_OVERHEAD = 10.0  # seconds
MAX_PROSE_REBUILD = 3.0  # seconds
MAX_FIRST_PAGE = 15.0  # seconds from starting serve on a cold cache to the first page
MAX_SUITE = 300.0  # seconds, on an idle 2-core machine
EDIT_MARK = "edited by the build benchmark"


def copy_project(dest: Path) -> None:
    """Every file git knows or would add (no .venv, site, cache or .git)."""
    sys.path.insert(0, str(ROOT))
    from dev import project_files

    for name in project_files():
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, dest / name)


def bench_env(**extra: str) -> dict[str, str]:
    """This environment, minus settings that would change what is measured."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SNIPPET_") and k != "CI"}
    edit_loop = {"SNIPPET_CACHE": "1", "NOTEBOOK_CACHE": "true"}  # as serve has them
    return env | {"NO_MKDOCS_2_WARNING": "1"} | edit_loop | extra


def notebook_seconds(project: Path) -> float:
    """How long executing the site's notebooks takes, kernel start included."""
    import nbformat
    from nbclient import NotebookClient

    total = 0.0
    for path in sorted((project / "docs").rglob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        NotebookClient(notebook, resources={"metadata": {"path": str(path.parent)}}).execute()
        total += time.perf_counter() - start
    return total


def rebuilds(project: Path, site: Path, records: Path, snippet: str) -> None:
    """The second process: rebuild as ``mkdocs serve`` does; print the results as JSON."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.INFO)  # as the mkdocs command does
    os.chdir(project)
    results = {}

    def rebuild(step: str) -> None:
        record = records / f"{step}.jsonl"
        os.environ["SNIPPET_RECORD"] = str(record)
        start = time.perf_counter()
        build(load_config(config_file="mkdocs.yml", site_dir=str(site)))
        seconds = time.perf_counter() - start
        runs = read_record(record)
        ran = sorted(run.path for run in runs if not run.cached)
        results[step] = {"seconds": seconds, "ran": ran, "snippets": len(runs)}

    rebuild("restart")
    page = project / "docs" / "index.md"
    page.write_text(page.read_text("utf-8") + f"\nA sentence {EDIT_MARK}.\n", "utf-8")
    rebuild("prose")
    code = project / snippet
    code.write_text(code.read_text("utf-8") + f"# {EDIT_MARK}\n", "utf-8")
    rebuild("snippet")
    print(json.dumps(results))


def seconds_until(server: Served, path: str, text: str, limit: float) -> float:
    """From now until the served page at ``path`` contains ``text`` (nan if it never did)."""
    start = time.perf_counter()
    found = server.wait_for(lambda: text in server.page(path), limit)
    return time.perf_counter() - start if found else float("nan")


def serve_figures(cold: Path, warm: Path, edited: str, logs: Path) -> dict[str, float]:
    """The edit loop as a contributor meets it, through HTTP from a real ``mkdocs serve``:
    the first page on a cold cache (``cold``: nothing cached), then on ``warm`` (every
    output cached by the clean build), a prose-only edit and an edit that changes what
    ``edited`` prints, each timed until the served page shows it."""
    figures = {}
    env = bench_env()  # serve defers the notebooks by itself (snippet_runner/serve.py)
    server = Served(cold, logs / "serve-cold.log", env)
    try:
        start = server.started
        home = server.wait_for(server.page, 300) or ""
        if not home:
            print(f"serve never served a page:\n{server.log.read_text()[-4000:]}", file=sys.stderr)
        figures["first page"] = time.perf_counter() - start if home else float("nan")
        figures["placeholders"] = float(home.count('class="admonition info snippet-pending"'))
    finally:
        server.stop()  # do not run every example: the clean build measured them
    server = Served(warm, logs / "serve-warm.log", env)
    try:
        notebooks = sorted(p.relative_to(warm).as_posix() for p in (warm / "docs").glob("*.ipynb"))
        server.wait_for(  # the worker executes the notebooks (a clean build cached them
            # executed by the build, under another key); let it finish first
            lambda: all(f"{nb} ran in" in server.log.read_text() for nb in notebooks),
            600,
        )
        page = warm / "docs" / "index.md"
        mark = f"A sentence {EDIT_MARK} {uuid.uuid4().hex}."
        page.write_text(page.read_text("utf-8") + f"\n{mark}\n", "utf-8")
        figures["prose edit"] = seconds_until(server, "", mark, 60)
        shown_on = next(p for p, fenced in serve.nav_order(warm) if edited in fenced)
        url = "" if shown_on == "index.md" else shown_on.removesuffix(".md").removesuffix("index")
        url = url.rstrip("/") + "/" if url else ""
        token = uuid.uuid4().hex
        code = warm / edited
        # Printed from a list, so the page shows the words only once the new output is there.
        code.write_text(code.read_text("utf-8") + f'\nprint(" ".join(["bench", "{token}"]))\n')
        figures["example edit"] = seconds_until(server, url, f"bench {token}", 600)
        os.environ["MKDOCS_CONFIG_DIR"] = str(warm)
        figures["example run"] = cache.costs().get(edited, float("nan"))
    finally:
        server.stop()
    return figures


def snippet_to_edit(project: Path, runs: list[Run]) -> tuple[str, list[str]]:
    """The snippet whose edit re-runs the least, and the snippets that edit re-runs."""
    os.environ["MKDOCS_CONFIG_DIR"] = str(project)
    covers = {run.path: set(cache.inputs(project / run.path)) for run in runs}
    cost = {}
    for run in runs:
        again = sorted(other.path for other in runs if project / run.path in covers[other.path])
        cost[run.path] = (sum(r.seconds for r in runs if r.path in again), again)
    edited = min(cost, key=lambda path: cost[path][0])
    return edited, cost[edited][1]


def main() -> int:
    if sys.argv[1:2] == ["--rebuilds"]:
        rebuilds(*map(Path, sys.argv[2:5]), sys.argv[5])
        return 0
    with tempfile.TemporaryDirectory(prefix="build-bench-") as tmp_name:
        tmp = Path(tmp_name)
        project = tmp / "project"
        copy_project(project)
        print(f"build benchmark: building a copy of the project in {project} ...", flush=True)
        start = time.perf_counter()
        clean = strict_build(project, tmp / "clean", bench_env(), timeout=None)
        clean_seconds = time.perf_counter() - start
        runs = list(clean.runs.values())
        if clean.returncode != 0 or not runs or any(run.cached for run in runs):
            print(clean.log, file=sys.stderr)
            print("the clean build failed or did not run every snippet", file=sys.stderr)
            return 1
        notebooks = notebook_seconds(project)
        edited, again = snippet_to_edit(project, runs)
        second = subprocess.run(
            [sys.executable, __file__, "--rebuilds", project, clean.site, tmp, edited],
            env=bench_env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if second.returncode != 0:
            print(second.stdout + second.stderr, file=sys.stderr)
            return 1
        steps = json.loads(second.stdout.splitlines()[-1])
        cold = tmp / "cold"
        copy_project(cold)
        served = serve_figures(cold, project, edited, tmp)
        left = leftovers(tmp)
    suite = suite_seconds() if "--suite" in sys.argv[1:] else float("nan")
    edit = (edited, again)
    return report(
        clean_seconds, runs, notebooks, steps, edit, served=served, left=left, suite=suite
    )


def leftovers(tmp: Path) -> list[str]:
    """Processes still running from the benchmark's copies (there must be none)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            command = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if str(tmp) in command:
                found.append(command.strip())
    return found


def suite_seconds() -> float:
    """The whole test suite, as ``python3 dev.py test`` runs it (minutes of CPU)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "dev.py"), "test", "-q"], cwd=ROOT, check=False)
    return time.perf_counter() - start


def report(
    clean_seconds: float,
    runs: list[Run],
    notebooks: float,
    steps: dict,
    edit: tuple,
    *,
    served: dict[str, float],
    left: list[str],
    suite: float,
) -> int:
    edited, again = edit  # the edited snippet, and the snippets its edit re-runs
    snippet_seconds = sum(run.seconds for run in runs)
    overhead = clean_seconds - snippet_seconds - notebooks
    prose = steps["prose"]["seconds"]
    rerun_seconds = sum(run.seconds for run in runs if run.path in again)
    checks = {
        f"overhead at most {MAX_OVERHEAD:g} s": overhead <= MAX_OVERHEAD,
        f"prose-only rebuild at most {MAX_PROSE_REBUILD:g} s": prose <= MAX_PROSE_REBUILD,
        "an edited snippet re-runs its chapter, nothing else": steps["snippet"]["ran"] == again,
        "nothing re-runs after a restart or a prose edit": not (
            steps["restart"]["ran"] or steps["prose"]["ran"]
        ),
        f"serve: the first page on a cold cache within {MAX_FIRST_PAGE:g} s": served["first page"]
        <= MAX_FIRST_PAGE,
        f"serve: a prose-only edit shows within {MAX_PROSE_REBUILD:g} s": served["prose edit"]
        <= MAX_PROSE_REBUILD,
        f"serve: an edited example shows within its run time + {MAX_PROSE_REBUILD:g} s": served[
            "example edit"
        ]
        - served["example run"]
        <= MAX_PROSE_REBUILD,
        "serve: nothing left running after serve stops": not left,
    }
    if not math.isnan(suite):  # measured (--suite)
        checks[f"the whole test suite within {MAX_SUITE:g} s"] = suite <= MAX_SUITE
    sys.path.insert(0, str(ROOT / "snippets"))  # as the snippets import it
    import measure

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    rows = [
        ("clean strict build, new process, every snippet runs", clean_seconds),
        (f"sum of the {len(runs)} snippets' own run times", snippet_seconds),
        ("executing the notebooks, timed on their own", notebooks),
        ("overhead (clean build minus snippets and notebooks)", overhead),
        ("first build after a restart, every output cached", steps["restart"]["seconds"]),
        ("rebuild after a prose-only edit (as mkdocs serve)", prose),
        (f"rebuild after editing {edited}", steps["snippet"]["seconds"]),
        (f"  of which the {len(again)} re-runs' own times (clean build)", rerun_seconds),
        ("serve, cold cache: process start to the first page served", served["first page"]),
        ("serve: a prose-only edit until the served page shows it", served["prose edit"]),
        (f"serve: editing {edited} until its new output shows", served["example edit"]),
        ("  of which its own run time", served["example run"]),
        ("whole test suite (dev.py test; only with --suite)", suite),
    ]
    print(
        f"\nBuild benchmark, {now}: Python {platform.python_version()} "
        f"({'free-threaded' if 'free-threading' in sys.version else 'standard'} build), "
        f"{platform.system()} {platform.machine()}, {measure.usable_cpus()} usable CPUs, "
        f"1-minute load average {load:.1f} when it finished\n"
    )
    width = max(len(label) for label, _ in rows)
    for label, seconds in rows:
        print(f"  {label:<{width}}  {seconds:7.2f} s")
    print(f"  placeholders on serve's cold first page: {served['placeholders']:.0f}")
    print(f"  left running after serve stopped: {', '.join(left) or 'nothing'}")
    for step, label in [
        ("restart", "after a restart"),
        ("prose", "after the prose edit"),
        ("snippet", "after the snippet edit"),
    ]:
        print(f"  snippets run {label}: {', '.join(steps[step]['ran']) or 'none'}")
    print()
    for name, ok in checks.items():
        print(f"  {'met   ' if ok else 'MISSED'}  {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
