"""Claims: sentences bound to the values their example measured (tools/snippet_runner/claims.py).

- Every verdict, proved on hand-made values: a claim that holds flips to
  contradicted when the values change, straddling values are inconclusive, and so
  is a run during which other programs took the CPUs.
- Every claim on the site, judged on this build's run: contradicted while the
  machine was quiet fails; not judged, or judged while busy, skips and says why.
  A claim whose example needs a newer Python than this build's is judged as its
  page judges it, on the newest cell that ran the example.
- The built pages show a mark beside every claim, and the ledger on "Across
  versions and platforms" has a row for each.
- A claim that cannot be judged stops the build, naming the page, the sentence and
  the file.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from built_site import reader_pages, site_dir
from helpers import ROOT, Build, build_site, site_skeleton, write
from snippet_runner.claims import (
    BUSY,
    Check,
    ClaimError,
    Verdict,
    judge,
    page_claims,
    site_claims,
)
from snippet_runner.marks import needs, this_build_verdict
from snippet_runner.process import Run, run_snippet
from snippet_runner.records import provenance

CLAIMS = site_claims(ROOT)
GIL_BUILD = {"gil_enabled": True, "python": "3.11.7", "os": "Linux 6.1", "usable_cpus": 2}
FREE = GIL_BUILD | {"gil_enabled": False, "free_threaded": True, "python": "3.14.0"}


def run_with(**values: list[float]) -> Run:
    """A run of gil/03 that reported ``values`` (lists of samples)."""
    found = {name: {"samples": samples, "unit": "x"} for name, samples in values.items()}
    return Run("snippets/gil/03_cpu_bound_threads_vs_processes.py", "", 0, 1.0, 60.0,
               values=found)  # fmt: skip


def check(source: str) -> Check:
    return Check.parse(source, ROOT)


# --- every verdict, on hand-made values -------------------------------------------------------


def test_a_claim_holds_then_flips_to_contradicted() -> None:
    claim = check("gil/03: 0.8 <= speedup_threads <= 1.25 when gil")
    held = judge(claim, run_with(speedup_threads=[0.97, 1.0, 1.02]), GIL_BUILD)
    assert held.status == "holds", held
    assert "0.97" in held.shown and "1.02" in held.shown
    flipped = judge(claim, run_with(speedup_threads=[1.3, 1.4, 1.35]), GIL_BUILD)
    assert flipped.status == "contradicted", flipped


def test_samples_on_both_sides_of_the_bound_are_inconclusive() -> None:
    verdict = judge(check("gil/03: speedup_threads < 1.25"), run_with(speedup_threads=[1.1, 1.3]),
                    GIL_BUILD)  # fmt: skip
    assert verdict == Verdict("inconclusive", "1 of 2 samples hold", verdict.shown)


def test_a_busy_machine_makes_any_verdict_inconclusive() -> None:
    busy = run_with(speedup_threads=[1.0, 1.0])
    busy.values["others"] = {"samples": [BUSY + 0.1], "unit": "share"}
    verdict = judge(check("gil/03: speedup_threads < 1.25"), busy, GIL_BUILD)
    assert verdict.status == "inconclusive" and "other programs took 30%" in verdict.reason


def test_when_limits_a_claim_to_some_runs() -> None:
    claim = check("gil/03: speedup_threads > 1.3 when not gil and cpus >= 2")
    values = run_with(speedup_threads=[1.8, 1.9])
    assert judge(claim, values, GIL_BUILD).status == "not judged"
    assert judge(claim, values, FREE).status == "holds"
    newer = check("gil/03: speedup_threads > 1.3 when python >= 3.14")
    assert judge(newer, values, GIL_BUILD).status == "not judged"  # 3.11 < 3.14, as versions
    assert judge(newer, values, FREE).status == "holds"


def test_two_values_are_compared_round_by_round_and_a_single_one_with_each() -> None:
    paired = run_with(rtt_thread=[5.0, 6.0, 1.5], rtt_alone=[1.0, 1.0, 1.0])
    assert judge(check("gil/03: rtt_thread > 2 * rtt_alone"), paired, GIL_BUILD).status == (
        "inconclusive"
    )
    single = run_with(rtt_thread=[5.0, 6.0, 7.0], rtt_alone=[1.0])
    assert judge(check("gil/03: rtt_thread > 2 * rtt_alone"), single, GIL_BUILD).status == "holds"
    with pytest.raises(ClaimError, match="different numbers of samples"):
        judge(check("gil/03: a > b"), run_with(a=[1.0, 2.0], b=[1.0, 2.0, 3.0]), GIL_BUILD)


def test_a_value_the_run_did_not_report_is_an_error() -> None:
    with pytest.raises(ClaimError, match="reported no value speedup_threds"):
        judge(check("gil/03: speedup_threds < 1.25"), run_with(speedup_threads=[1.0]), GIL_BUILD)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("gil/99: x > 1", "names 0 examples"),
        ("gil/03 x > 1", "write it as"),
        ("gil/03: x", "compares nothing"),
        ("gil/03: x > 1 when fast", "'fast' is none of"),
        ("gil/03: __import__('os') > 1", "Call is not allowed"),
    ],
)
def test_a_malformed_check_is_refused(source: str, message: str) -> None:
    with pytest.raises(ClaimError, match=message):
        check(source)


def test_a_claim_written_inside_code_is_not_a_claim() -> None:
    markdown = (
        "Prose: [one]{? gil/03: x > 1}.\n\n```text\n[two]{? gil/03: x > 1}\n```\n\n"
        "And `[three]{? gil/03: x > 1}` inline.\n"
    )
    assert [claim.text for claim in page_claims(markdown, "demo.md", ROOT)] == ["one"]


# --- every claim on the site -------------------------------------------------------------------


def test_the_site_has_claims_on_the_pages_that_interpret_measurements() -> None:
    pages = Counter(claim.page for claim in CLAIMS)
    assert pages, "no page has a claim"


@pytest.mark.parametrize("claim", CLAIMS, ids=[f"{c.page}:{c.line}" for c in CLAIMS])
def test_each_claim_on_the_site_holds_in_this_build(claim: object, snippet_run: object) -> None:
    wanted = needs(claim.check)
    if wanted and sys.version_info[:2] < wanted:
        # Too old to run it: the page judges it on the newest cell that ran it, and so
        # does this test (a cell's run says how busy that machine was, too).
        verdict = this_build_verdict(claim.check)
        if verdict.status == "contradicted":
            pytest.fail(f"{claim.where()}: contradicted ({verdict.reason}; {verdict.shown})")
        if verdict.status != "holds":
            pytest.skip(f"{claim.where()}: {verdict.status} ({verdict.reason})")
        return
    run = snippet_run(claim.check.example)
    assert run.failure() is None, run.describe_failure()
    verdict = judge(claim.check, run, provenance())
    if verdict.status == "contradicted":
        others = run.values.get("others", {}).get("samples", [0.0])[0]
        pytest.fail(f"{claim.where()}: contradicted in this build ({verdict.shown}; "
                    f"other programs took {others:.0%} of the CPUs)")  # fmt: skip
    if verdict.status != "holds":
        pytest.skip(f"{claim.where()}: {verdict.status} here ({verdict.reason}; {verdict.shown})")


def test_every_claim_has_its_mark_on_the_built_page(site_build: Build) -> None:
    site = site_dir(site_build)
    expected = Counter(claim.page for claim in CLAIMS)
    for page in reader_pages(site):
        source = page.rel.removesuffix("index.html").rstrip("/") or "index"
        name = source + ".md" if source != "index" else "index.md"
        marks = page.article.select("span.claim > a.claim-mark")
        found = expected.pop(name, expected.pop(source + "/index.md", 0))
        assert len(marks) == found, f"{page.rel}: {len(marks)} marks for {found} claims"
    assert not expected, f"claims on pages that were not built: {dict(expected)}"


def test_the_ledger_has_a_row_per_claim(site_build: Build) -> None:
    site = site_dir(site_build)
    page = next(p for p in reader_pages(site) if p.rel == "results/across-versions/index.html")
    ledger = next(
        table for table in page.article.find_all("table")
        if table.find("th") and table.find("th").get_text(strip=True) == "Claim"
    )  # fmt: skip
    rows = ledger.find_all("tr")[1:]
    assert len(rows) == len(CLAIMS)
    for row, claim in zip(rows, CLAIMS, strict=True):
        assert claim.check.source in row.get_text(" ")


# --- claims that cannot be judged stop the build ----------------------------------------------

MEASURED = '''"""Reports one value."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure


def main():
    measure.report("| What | Value |\\n|---|---|\\n| answer | 42 |", values={"answer": 42})


if __name__ == "__main__":
    main()
'''


def claims_site(tmp_path: Path, sentence: str) -> Path:
    root = site_skeleton(tmp_path / "project")
    write(root / "snippets" / "measure.py", (ROOT / "snippets" / "measure.py").read_text())
    write(root / "snippets" / "demo" / "01_answer.py", MEASURED)
    fence = '```python-snippet output="markdown"\nsnippets/demo/01_answer.py\n```'
    write(root / "docs" / "index.md", f"# Demo\n\n{fence}\n\n{sentence}\n")
    write(root / "docs" / "how-we-measure.md", "# How\n\n## Claims {#claims}\n")
    return root


def test_a_claim_is_judged_and_marked_on_a_throwaway_site(tmp_path: Path) -> None:
    sentence = "So [the answer is 42]{? demo/01: answer == 42}, as {= demo/01: answer}."
    built = build_site(tmp_path / "out", cwd=claims_site(tmp_path, sentence))
    assert built.returncode == 0, built.log
    page = (built.site / "index.html").read_text("utf-8")
    assert 'class="claim claim-holds"' in page
    assert "✓ holds: answer 42" in page
    assert 'href="how-we-measure/#claims"' in page
    assert '<span class="claim-value" title="measured by demo/01 in this build">42</span>' in page


@pytest.mark.parametrize(
    ("sentence", "message"),
    [
        ("[the answer is 42]{? demo/01: answr == 42}", "reported no value answr"),
        ("[the answer is 42]{? demo/02: answer == 42}", "'demo/02' names 0 examples"),
        ("[the answer is 42]{? demo/01: answer ==}", "is not a comparison"),
    ],
)
def test_a_claim_that_cannot_be_judged_stops_the_build(
    tmp_path: Path, sentence: str, message: str
) -> None:
    built = build_site(tmp_path / "out", cwd=claims_site(tmp_path, sentence))
    assert built.returncode != 0
    assert "docs/index.md: [the answer is 42]" in built.log, built.log
    assert message in built.log, built.log


def test_values_reach_the_build_and_never_the_reader(tmp_path: Path) -> None:
    """The runner collects what measure.report hands over; the page shows only what the
    program printed, and a reader's own run writes nothing beside it."""
    root = claims_site(tmp_path, "")
    example = root / "snippets" / "demo" / "01_answer.py"
    run = run_snippet(example, 60)
    assert run.values == {"answer": {"samples": [42.0], "unit": ""}}
    assert "samples" not in run.output and "| answer | 42 |" in run.output
    mine = tmp_path / "reader"
    mine.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "SNIPPET_VALUES"}
    by_hand = subprocess.run([sys.executable, str(example)], cwd=mine, env=env,
                             capture_output=True, text=True, timeout=60, check=True)  # fmt: skip
    assert by_hand.stdout.rstrip() == run.output
    assert not list(mine.iterdir())
