"""The commit and date a build names in its footer (mkdocs.yml's ``extra.build``).

``dev.py`` passes both in the environment (``SITE_COMMIT``, ``SITE_BUILD_DATE``). A
plain ``mkdocs build`` has neither, so mkdocs.yml calls these functions instead of
reading the variables with ``!ENV``: they take the variable when it is set, and
otherwise ask git, as dev.py does: the checkout's ``HEAD``, with ``+dirty`` when it
has uncommitted changes, and the clock for the date of the build. Only outside a git
checkout (a source archive, no git installed) does the footer say the commit is
"unknown".

The config calls them with ``!!python/object/apply:`` rather than a MkDocs hook, so
that the configuration stays free of ``hooks:`` (Zensical reads the same file).
"""

from __future__ import annotations

import datetime
import os
import subprocess
from pathlib import Path

UNKNOWN = "unknown"
CHECKOUT = Path(__file__).resolve().parents[2]  # the folder that holds tools/


def _git(*args: str) -> str | None:
    """What ``git -C <checkout> ARGS`` printed, or None when git cannot answer."""
    try:
        done = subprocess.run(
            ["git", "-C", str(CHECKOUT), *args],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip()


def commit() -> str:
    """SITE_COMMIT, else git's HEAD (``+dirty`` with uncommitted changes), else unknown."""
    if os.environ.get("SITE_COMMIT"):
        return os.environ["SITE_COMMIT"]
    head = _git("rev-parse", "HEAD")
    if not head:
        return UNKNOWN
    changes = _git("status", "--porcelain")
    return head + ("+dirty" if changes else "")


def build_date() -> str:
    """SITE_BUILD_DATE, else the time of this build (UTC), written as dev.py writes it."""
    if os.environ.get("SITE_BUILD_DATE"):
        return os.environ["SITE_BUILD_DATE"]
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
