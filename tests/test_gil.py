"""The GIL chapter's examples, checked against their real output.

What the pages say about timings (directions and sizes) are claims in the pages
themselves, judged by tests/test_claims.py on every run; these tests check what does
not depend on the machine's speed: the shape of each output, counts, and what each
version and build prints.
"""

from __future__ import annotations

import re
import sys
import sysconfig

from helpers import Output, number, table

GIL = "snippets/gil"
INTERPRETERS = [
    "python3.11",
    "python3.12",
    "python3.13",
    "python3.14",
    "python3.15",
    "python3.13t",
    "python3.14t",
    "python3.15t",
]


def test_interpreter_state_stays_consistent(snippet_output: Output) -> None:
    out = snippet_output(f"{GIL}/01_interpreter_state_stays_consistent.py")
    assert "reference count unchanged: True" in out
    expected, present = re.search(r"list items expected: ([\d,]+), present: ([\d,]+)", out).groups()
    assert expected == present


def test_the_sweep_has_a_row_per_interval_and_its_plot(snippet_output: Output) -> None:
    out = snippet_output(f"{GIL}/02_switch_interval_sweep.py")
    sweep = table(out, "Wake-up delay")
    intervals = sweep.column("Switch interval")
    assert len(set(intervals)) >= 6, f"expected a row per interval, got {intervals}"
    assert "![" in out and "(data:image/svg+xml;base64," in out, "the plot is not embedded"


def test_unlocked_read_modify_write_loses_updates(snippet_output: Output) -> None:
    out = snippet_output(f"{GIL}/06_lost_updates_and_lock.py")
    counts = table(out, "Lost")
    assert number(counts.row("read, call `add_one`, write")["Lost"]) > 0
    assert number(counts.row("the same inside `with lock:`")["Lost"]) == 0


def test_free_threading_status_matches_the_interpreter(snippet_output: Output) -> None:
    out = snippet_output(f"{GIL}/07_free_threading_status.py")
    rows = table(out, "Answer").by_label()
    if sysconfig.get_config_var("Py_GIL_DISABLED"):
        busy = table(out, "CPUs busy")  # with the GIL forced on, then off
        assert busy.column("Started with") == ["`-X gil=1`", "`-X gil=0`"]
    elif sys.version_info >= (3, 13):
        assert "which is not a free-threaded build" in out
        assert rows["`sys._is_gil_enabled()`"] == ["`True`"]
        assert "not supported by this build" in rows["child started with `-X gil=0`"][0]
    else:
        assert "which is not a free-threaded build" in out
        assert rows["`sys._is_gil_enabled()`"] == ["not available (added in 3.13)"]


def test_every_interpreter_gets_a_row_or_a_note(snippet_output: Output) -> None:
    out = snippet_output(f"{GIL}/08_across_interpreters.py")
    found = table(out, "Found at")
    rows = {row[0]: dict(zip(found.headers, row, strict=True)) for row in found.rows}
    not_found = re.search(r"Not found on this machine: (.*)\.", out)
    for name in INTERPRETERS:
        assert (
            any(label.split()[0] == name for label in rows)
            or (not_found and name in not_found[1].split(", "))
            or f"Found {name} but could not run it" in out
            or f"{name} is the same interpreter as" in out
        ), f"{name} has neither a row nor a note"
    assert sum(label.endswith("(builds this site)") for label in rows) == 1
    built = r"(no )?PGO, (no )?LTO|no configure options"
    for label, cells in rows.items():  # each row says how its interpreter was compiled
        assert re.search(built, cells["Built with (CONFIG_ARGS)"]), label


# --- the chapter's exercises: each solution shows what its exercise says to check ----------


def _gil_enabled(out: str) -> bool:
    return re.search(r"^GIL enabled: (True|False)$", out, re.M)[1] == "True"


def test_solution_a_long_switch_interval_loses_no_update(snippet_output: Output) -> None:
    out = snippet_output("snippets/gil/91_solution_switch_interval.py")
    lost = {
        float(ms): int(n.replace(",", ""))
        for ms, n in re.findall(r"switch interval +([\d.e-]+) ms: lost ([\d,]+) updates", out)
    }
    assert set(lost) == {0.001, 5, 10000}, out
    if _gil_enabled(out):  # the GIL changes hands only after an interval: none passes
        assert lost[10000] == 0, out
    # Free-threaded: no GIL to hand over, so the interval decides nothing (no claim).


def test_solution_sorted_keeps_the_gil_and_hashlib_releases_it(snippet_output: Output) -> None:
    out = snippet_output("snippets/gil/92_solution_does_it_release_the_gil.py")
    gaps = dict(re.findall(r"^(sorted|sha256).*longest heartbeat gap +(\d+) ms$", out, re.M))
    assert set(gaps) == {"sorted", "sha256"}, out  # how long they are: the page's claims
    assert re.search(r"^GIL enabled: (True|False)$", out, re.M), out
