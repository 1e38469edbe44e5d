"""The Subinterpreters page's claims, checked against its snippets' real output.

``concurrent.interpreters`` exists from Python 3.14; on older versions each example
must say so, and on 3.14+ the output must show what the page describes.
"""

from __future__ import annotations

import re
import sys

from helpers import DOCS, ROOT, Output, numbers, table

SNIPPETS = "snippets/interpreters"
PAGE = DOCS / "interpreters.md"
HAS_MODULE = sys.version_info >= (3, 14)  # the snippets run on this interpreter


def test_every_example_is_on_the_page() -> None:
    page = PAGE.read_text(encoding="utf-8")
    for snippet in sorted((ROOT / SNIPPETS).glob("*.py")):
        assert f"{SNIPPETS}/{snippet.name}" in page, snippet.name


def output_from_314(snippet_output: Output, name: str) -> str | None:
    """A snippet's output on 3.14+. Before 3.14, None, once the output has said that
    the module is missing (which version adds it) rather than skipping silently."""
    out = snippet_output(f"{SNIPPETS}/{name}")
    if HAS_MODULE:
        return out
    assert "there is no concurrent.interpreters (added in 3.14)" in out, out
    return None


def test_exec_call_queues_and_sharing(snippet_output: Output) -> None:
    out = output_from_314(snippet_output, "01_exec_call_and_queues.py")
    if out is None:
        return
    assert "'answer' in this __main__: False" in out
    assert "colorsys imported here too: False" in out
    assert "answer sent back through a queue: 42" in out
    assert "same process: True" in out and "same thread: True" in out
    assert "sum of squares below 1000 = 332833500" in out
    assert "worker thread finished: True" in out
    for name in ("NoneType", "int", "str", "bytes"):
        assert re.search(rf"{name}: shared$", out, re.M), name
    for name in ("list", "dict"):
        assert re.search(rf"{name}: copied \(pickle\)$", out, re.M), name
    assert "a list sent through a queue: equal True, same object False" in out
    assert re.search(
        r"import raised (ImportError: .*does not support loading in subinterpreters"
        r"|ModuleNotFoundError: No module named '_testsinglephase')",
        out,
    )


def test_interpreter_costs_are_measured_for_all_three(snippet_output: Output) -> None:
    # Where the interpreter falls between thread and process is a claim on the page.
    out = output_from_314(snippet_output, "02_start_cost_and_memory.py")
    if out is None:
        return
    result = table(out, "Start + stop (ms)")
    assert result.column("What") == ["interpreter", "thread", "process (spawn)"]
    memory = dict(zip(result.column("What"), result.column("Memory each"), strict=True))
    if sys.platform.startswith("linux"):
        assert all(numbers(cell) for cell in memory.values()), memory
    else:
        assert "not measured (no /proc)" in memory["interpreter"]


# --- the page's exercises: each solution shows what its exercise says to check ------------


def test_solution_worker_reports_a_bad_request(snippet_output: Output) -> None:
    out = output_from_314(snippet_output, "91_solution_report_errors.py")
    if out is None:
        return
    assert "request 10: ok: 285" in out
    assert "request -1: error: ValueError: n must be 0 or more, not -1" in out
    assert "request 1000: ok: 332833500" in out
    assert "worker thread finished: True" in out


def test_solution_two_workers_share_one_queue(snippet_output: Output) -> None:
    out = output_from_314(snippet_output, "92_solution_two_workers.py")
    if out is None:
        return
    answers = re.findall(r"^request +([\d,]+): answered by (A|B), right: (\w+)$", out, re.M)
    assert len(answers) == 8 and {right for *_, right in answers} == {"True"}, out
    assert "each request answered exactly once: True" in out
    assert out.count("worker thread finished: True") == 2
