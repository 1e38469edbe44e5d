"""snippets/timeline.py's recordings of known programs, and timeline_svg's drawing.

The recorder is checked on programs whose timeline is known: a thread that sleeps is
off CPU, a thread that spins is on a CPU or waiting for one, never asleep. How it
turns samples into spans is checked on made-up samples, and the drawing on a
made-up timeline: well-formed, labelled for a screen reader, coloured only by the
stylesheet, and unchanged by the Markdown of the page it is printed into. Where
``/proc`` is missing, every example that draws a timeline prints one line saying
it needs Linux, and nothing else. That two CPU-bound threads are rarely on a CPU at
once with the GIL is a claim on the GIL page, judged by tests/test_claims.py.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import markdown
import pytest
from helpers import BUSY, DOCS, ROOT

sys.path.insert(0, str(ROOT / "snippets"))
import measure
import timeline  # the snippets' helpers, imported as the snippets import them
import timeline_svg

LINUX = timeline.unavailable() is None
needs_linux = pytest.mark.skipif(not LINUX, reason=f"{timeline.unavailable()}")
SVG = "{http://www.w3.org/2000/svg}"
STYLESHEET = DOCS / "stylesheets" / "timeline.css"
PAINT = re.compile(r"none|currentColor")
# The examples that draw a timeline: every one that imports the recorder.
EXAMPLES = sorted(
    path.relative_to(ROOT).as_posix()
    for path in (ROOT / "snippets").glob("*/[0-9]*.py")
    if re.search(r"^import timeline$", path.read_text(encoding="utf-8"), re.M)
)

SLEEPER = """
import threading, time
thread = threading.Thread(target=time.sleep, args=(0.2,), name="sleeper")
thread.start()
thread.join()
"""
SPINNER = """
import threading, time

def spin():
    end = time.perf_counter() + 0.2
    while time.perf_counter() < end:
        pass

thread = threading.Thread(target=spin, name="spinner")
thread.start()
thread.join()
"""

FORKSERVER_POOL = """
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

def crunch(n):
    total = 0
    for i in range(n):
        total += i * i
    return total

if __name__ == "__main__":
    forkserver = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(2, mp_context=forkserver) as pool:
        list(pool.map(crunch, [1_000_000] * 4))
"""


def program(tmp_path: Path, name: str, source: str) -> Path:
    path = tmp_path / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    return path


@needs_linux
def test_a_sleeping_thread_is_off_cpu(tmp_path: Path) -> None:
    recorded = timeline.record(program(tmp_path, "sleeper", SLEEPER))
    sleeper = recorded.lane("sleeper")
    assert 0.2 <= recorded.seconds < 5, recorded.seconds
    # Off CPU for at least 90 % of its 200 ms: it wakes once, at the end.
    assert sleeper.total("cpu") <= 0.1 * 0.2, sleeper.spans
    assert recorded.lane("MainThread").total("cpu") <= 0.1 * 0.2


@needs_linux
def test_a_spinning_thread_is_on_a_cpu(tmp_path: Path) -> None:
    recorded = timeline.record(program(tmp_path, "spinner", SPINNER))
    spinner = recorded.lane("spinner")
    # Whatever else runs, a spinning thread never sleeps: on a CPU, or waiting for one.
    assert spinner.total("cpu") + spinner.total("ready") >= 0.8 * 0.2, spinner.spans
    if recorded.others is not None and recorded.others > BUSY:
        pytest.skip(
            f"the spinner's share of a CPU is not checked: other programs took "
            f"{recorded.others:.0%} of the CPUs while it ran"
        )
    assert spinner.total("cpu") >= 0.5 * 0.2, spinner.spans  # most of its 200 ms


@needs_linux
def test_each_thread_has_its_name(tmp_path: Path) -> None:
    """Names come from threading, on every version: the OS has them only from 3.14."""
    recorded = timeline.record(program(tmp_path, "sleeper", SLEEPER))
    assert [lane.name for lane in recorded.lanes] == ["MainThread", "sleeper"]
    assert recorded.interval < 0.005, "the sampler should read about every 0.5 ms"


@needs_linux
def test_the_gil_states_are_there_or_the_timeline_says_why(tmp_path: Path) -> None:
    recorded = timeline.record(program(tmp_path, "spinner", SPINNER))
    if recorded.gil_interval is None:
        assert recorded.gil_note, "no GIL states and no reason why"
        if sys.version_info < timeline.GIL_VERSION:
            assert "3.15" in recorded.gil_note
        return
    spinner = recorded.lane("spinner")
    assert spinner.total("gil") >= 0.5 * 0.2, "a thread that spins alone holds the GIL"
    assert recorded.lane("MainThread").total("gil") < 0.5 * 0.2


@needs_linux
def test_a_forkservers_workers_count_as_the_work_not_as_other_programs(
    tmp_path: Path,
) -> None:
    """The forkserver outlives the recorded program that started it by a moment. The
    recorder adopts it, so that its workers' CPU time stays in the recording
    process's tree: measure counts it as the work's, and not as other programs'."""
    cpus = os.sched_getaffinity(0)
    before = measure._cpu_ticks(cpus)
    recorded = timeline.record(program(tmp_path, "pool", FORKSERVER_POOL))
    after = measure._cpu_ticks(cpus)
    own = (after[1] - before[1]) / os.sysconf("SC_CLK_TCK")
    started = sum(lane.total("cpu") for lane in recorded.lanes if lane.process > 0)
    assert started > 0.1, [lane.name for lane in recorded.lanes]  # the workers ran
    # The tree's own CPU time holds the workers' (and the samplers', and start-up's).
    assert own >= 0.9 * started, (own, started)


def test_cpu_time_becomes_spans_that_end_where_it_was_seen() -> None:
    ms = 1_000_000
    rows = [  # (time, CPU time, waiting time), nanoseconds
        (0, 0, 0),
        (1 * ms, 0, 0),
        (5 * ms, 4 * ms, 0),  # ran 4 ms, seen at 5: [1, 5]
        (6 * ms, 4 * ms, 0),
        (8 * ms, 5 * ms, ms // 2),  # waited 0.5 ms for a CPU, then ran 1 ms: ends at 8
    ]
    spans = timeline._cpu_spans(rows)
    assert spans["cpu"] == [(1 * ms, 5 * ms), (7 * ms, 8 * ms)]
    assert spans["ready"] == [(6.5 * ms, 7 * ms)]


@pytest.mark.skipif(
    sys.version_info < timeline.GIL_VERSION, reason="profiling.sampling is new in 3.15"
)
def test_gil_statuses_become_spans_halfway_between_samples() -> None:
    from profiling.sampling.constants import (
        THREAD_STATUS_GIL_REQUESTED,
        THREAD_STATUS_HAS_GIL,
    )

    ms = 1_000_000
    holds, waits = THREAD_STATUS_HAS_GIL, THREAD_STATUS_GIL_REQUESTED
    rows = [(t * ms, ((1, holds), (2, waits))) for t in (1, 2, 3)]
    rows += [(t * ms, ((1, waits), (2, holds))) for t in (4, 5)]
    lanes = [timeline.Lane("a", 10, 1, 0), timeline.Lane("b", 10, 2, 0)]
    step = timeline._gil_spans(rows, lanes, lambda spans: [(a / 1e9, b / 1e9) for a, b in spans])
    assert step == pytest.approx(0.001)

    def flat(spans: list) -> list[float]:
        return [end for span in spans for end in span]

    assert flat(lanes[0].spans["gil"]) == pytest.approx([0.0005, 0.0035])
    assert flat(lanes[0].spans["gil_wait"]) == pytest.approx([0.0035, 0.0055])
    assert flat(lanes[1].spans["gil"]) == pytest.approx([0.0035, 0.0055])


def made_up(blind: list | None = None) -> timeline.Timeline:
    lanes = [
        timeline.Lane("a_thread *one*", 1, 1, 0, {"cpu": [(0.0, 0.004), (0.006, 0.010)]}),
        timeline.Lane("b `two`", 1, 2, 0, {"cpu": [(0.003, 0.007)], "ready": [(0.0, 0.003)]}),
    ]
    for lane in lanes:
        lane.spans |= {"gil": lane.spans["cpu"], "gil_wait": [], "blind": blind or []}
    return timeline.Timeline(lanes, 0.010, 0.0, 0.0005, 0.001, blind or [], 0.001, "", 0.1)


def test_overlap_leaves_out_the_gaps_in_the_samples() -> None:
    names = ["a_thread *one*", "b `two`"]
    assert made_up().together(names) == pytest.approx(0.2)  # 3-4 and 6-7 ms
    # Nothing is known about 3 to 4 ms: of the 9 ms seen, the threads overlapped 1.
    assert made_up([(0.003, 0.004)]).together(names) == pytest.approx(1 / 9)


def test_the_svg_is_well_formed_and_says_what_it_shows() -> None:
    source = timeline_svg.svg(made_up([(0.008, 0.009)]), "Two threads", "They take turns.")
    assert "\n" not in source, "one line: a blank line would end the raw HTML"
    root = ET.fromstring(source)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("aria-label", "").startswith("Two threads. They take turns.")
    assert root.find(f"{SVG}title").text == "Two threads"
    assert root.find(f"{SVG}desc").text == "They take turns."
    words = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    for expected in ("a_thread *one*", "b `two`", "holds the GIL", "no sample", "Measured on"):
        assert expected in words
    styled = set(re.findall(r"\.(tl-[\w-]+)", STYLESHEET.read_text(encoding="utf-8")))
    for element in root.iter():
        assert element.get("id") is None, "no ids: a page may show the same picture twice"
        for paint in ("fill", "stroke"):
            assert PAINT.fullmatch(element.get(paint, "none")), element.attrib
        classes = set((element.get("class") or "").split()) - {"tl"}
        assert classes <= styled, f"{classes - styled} have no rule in timeline.css"
        assert element.tag.removeprefix(SVG) not in {"script", "image", "style", "a", "use"}


def test_the_page_shows_the_svg_as_it_was_printed() -> None:
    """The example's Markdown output is rendered inside an Output block: the SVG's
    text must come through as it was (no emphasis, no code, no entities shown)."""
    printed = timeline_svg.figure(made_up(), "Two threads", "Look at *both*: `a_b`.")
    html = markdown.markdown(f'!!! output "Output"\n\n    {printed}\n', extensions=["admonition"])
    shown = re.search(r"<svg.*</svg>", html, re.S)
    assert shown, html
    assert ET.fromstring(shown[0]).get("aria-label") == ET.fromstring(
        re.search(r"<svg.*</svg>", printed)[0]
    ).get("aria-label")
    assert "<em>" not in shown[0] and "<code>" not in shown[0]


def test_the_examples_that_draw_timelines_are_found() -> None:
    assert EXAMPLES, "no example imports timeline: the search for them is broken"


@pytest.mark.parametrize("path", EXAMPLES)
def test_without_proc_an_example_says_it_needs_linux(
    path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setattr(timeline.recording, "PROC", tmp_path / "no-proc")
    spec = importlib.util.spec_from_file_location("example_without_proc", ROOT / path)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    example.main()
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith("This timeline needs Linux"), out
    with pytest.raises(RuntimeError, match="needs Linux"):
        timeline.record(timeline.two_threads)
