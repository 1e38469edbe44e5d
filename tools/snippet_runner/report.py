"""What one build ran: the cost report on the console, and the run record for the tests.

Every build ends with the cost report, so a contributor sees what each snippet costs.
With ``SNIPPET_RECORD`` set, each run is also appended to that file as a JSON line
with its cell and provenance (``records``): the tests and the build benchmark read a
build's runs back instead of running again.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import sys
from pathlib import Path

from snippet_runner.process import Run
from snippet_runner.records import record_line, run_from

_this_build: list[Run] = []


def record(run: Run) -> None:
    """Count ``run`` in this build's report and append it to ``$SNIPPET_RECORD``."""
    _this_build.append(run)
    path = os.environ.get("SNIPPET_RECORD")
    if path:
        with open(path, "a", encoding="utf-8") as file:
            file.write(record_line(run) + "\n")


def read_record(record: Path) -> list[Run]:
    """The runs a build appended to ``record``, in order (none if it wrote none)."""
    if not record.exists():
        return []
    return [run_from(json.loads(line)) for line in record.read_text("utf-8").splitlines()]


def this_build() -> list[Run]:
    """The runs this build has recorded so far (a new build starts with none)."""
    return list(_this_build)


def cost_report(runs: list[Run]) -> str:
    """What the snippets of one build cost: each run time, slowest first, and the totals."""
    ran = [run for run in runs if not run.cached]
    reused = [run for run in runs if run.cached]
    lines = [
        f"Snippet cost report: {len(runs)} snippets, {len(ran)} ran, {len(reused)} from the cache",
        f"  {'seconds':>8}  {'how':<6}  snippet",
    ]
    for run in sorted(runs, key=lambda run: run.seconds, reverse=True):
        lines.append(f"  {run.seconds:8.2f}  {'cached' if run.cached else 'ran':<6}  {run.path}")
    lines.append(f"  {sum(r.seconds for r in ran):8.2f}  total   run by this build")
    if reused:
        lines.append(f"  {sum(r.seconds for r in reused):8.2f}  saved   by the cache")
    return "\n".join(lines)


def _report_build() -> None:
    if _this_build:
        print(cost_report(_this_build), file=sys.stderr, flush=True)
        _this_build.clear()


class _EndOfBuild(logging.Filter):
    """MkDocs ends every build, ``serve``'s rebuilds included, by logging "Documentation
    built in N seconds"; the report goes out just before that line. Otherwise (a failed
    build, ``mkdocs -q``, Zensical) the report of what ran goes out when the process exits."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage().startswith("Documentation built in"):
            _report_build()
        return True


logging.getLogger("mkdocs.commands.build").addFilter(_EndOfBuild())
atexit.register(_report_build)
