"""The "Free-threading in practice" page's examples, checked against their output.

What the page says about timings, with the GIL and without it, are claims in the page,
judged by tests/test_claims.py; these tests check the shape of each output and what
does not depend on the machine's speed.
"""

from __future__ import annotations

import re

from helpers import DOCS, ROOT, Output, number, table

SNIPPETS = "snippets/free_threading"
PAGE = DOCS / "free-threading.md"


def test_every_example_is_on_the_page() -> None:
    page = PAGE.read_text(encoding="utf-8")
    for snippet in sorted((ROOT / SNIPPETS).glob("*.py")):
        assert f"{SNIPPETS}/{snippet.name}" in page, snippet.name
    assert "docs.python.org/3/builtins/threadsafety.html" in page


def test_unsafe_patterns_fail_and_the_fixes_work(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/01_what_is_safe_to_share.py")
    # 1. check-then-act built the value more than once; the lock made it once.
    unlocked = int(re.search(r"if key not in cache: build\(\) ran (\d+) time", out)[1])
    assert unlocked > 1
    assert "same, under a Lock: build() ran 1 time for one key" in out
    # 2. iterating a changing dict raises; iterating a copy does not.
    assert re.search(r"for key in d: RuntimeError \(dictionary changed size during", out)
    assert "for key in d.copy(): no error" in out
    # 3. iterating a growing list raises nothing but sees items appended after it began.
    seen, before, after = map(
        int, re.search(r"saw (\d+) items, while the list grew from (\d+) to (\d+)", out).groups()
    )
    assert seen > before and after > before
    # 4. a shared generator fails in some threads; the locked wrapper delivers everything.
    shared = re.search(r"shared generator: (\d+) of 200 items delivered, (\d+) threads failed", out)
    assert int(shared[2]) >= 1
    assert "first error: ValueError: generator already executing" in out
    assert "wrapped in a lock: 200 of 200 items delivered, 0 threads failed" in out


def test_contention_table_has_a_row_per_thread_count(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/02_contention.py")
    result = table(out, "One shared list")
    assert result.column("Threads") == ["1", "2", "4"]
    own = [number(cell) for cell in result.column("Own, relative")]
    assert own[0] == 1.0  # one thread against itself, in every round
    assert re.search(r"the GIL was (on|off)", out), out  # the caption names the build


def test_event_loops_table_has_a_row_per_loop_count(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/03_event_loop_per_thread.py")
    result = table(out, "Speed-up over one loop")
    speedups = dict(zip(result.column("Event loops"), result.column("Speed-up"), strict=True))
    assert list(speedups) == ["1", "2", "4"]
    assert number(speedups["1"]) == 1.0
    assert re.search(r"the GIL was (on|off)", out), out  # the caption names the build


# --- the page's exercises: each solution shows what its exercise says to check ------------


def test_solution_builds_once_without_a_lock(snippet_output: Output) -> None:
    path = f"{SNIPPETS}/91_solution_build_once.py"
    out = snippet_output(path)
    assert re.search(r"^GIL enabled: (True|False)$", out, re.M), out
    assert "4 threads asked for one key: build() ran 1 time" in out
    assert "4 threads got a value; all the same object: True" in out
    source = (ROOT / path).read_text(encoding="utf-8")
    assert "Lock" not in source.split('"""', 2)[2], "the solution must hold no lock"


def test_solution_threads_see_the_context_each_build_gives(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/92_solution_context_in_threads.py")
    flag = re.search(r"sys\.flags\.thread_inherit_context: (\w+)$", out, re.M)[1]
    plain = re.search(r"^plain Thread sees: +(.+)$", out, re.M)[1]
    copied = re.search(r"^copy_context\(\)\.run sees: +(.+)$", out, re.M)[1]
    assert copied == "eu-west", out  # the fix: the same on every build
    # The build's default: 3.14+ free-threaded inherits (flag 1); otherwise empty.
    assert plain == ("eu-west" if flag in {"1", "True"} else "(not set)"), out
    if flag == "None":
        assert "no such flag before 3.14" in out
