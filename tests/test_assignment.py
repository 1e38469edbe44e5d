"""The assignment chapter: the solution's interface and log, and the page's claims.

Most tests import the solution module and run it on small files with little work per
file (``WORK``), so they are quick; the last ones check the build's real run.
"""

from __future__ import annotations

import functools
import json
import math
import multiprocessing
import os
import re
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import DOCS, ROOT, Build

sys.path.insert(0, str(ROOT / "snippets" / "assignment"))
import file_processors as fp

SOLUTION = "snippets/assignment/file_processors.py"
NOTEBOOK = DOCS / "assignment_notebook.ipynb"
WORK = 0.05  # seconds of work per file: enough to order the log, cheap to run
Output = Callable[[str], str]

# Word counts known by construction, with whitespace that str.split() must handle.
HANDMADE = {
    "plain.txt": ("one two three four five\n", 5),
    "messy.txt": ("  leading\tand trailing \n\n words,   with\x0bodd\x0cspacing.  \n", 7),
    "empty.txt": ("", 0),
    "unicode.txt": ("naïve café\u00a0déjà\u2003vu — fin\n", 6),
}
PROCESSORS = {
    "sequential": fp.SequentialFileProcessor,
    "threads": fp.ThreadedFileProcessor,
    "processes": fp.MultiprocessingFileProcessor,
    "asyncio": fp.AsyncioFileProcessor,
    "asyncio-in-the-loop": functools.partial(fp.AsyncioFileProcessor, offload_cpu=False),
}
LOG_LINE = re.compile(r"\d\d:\d\d:\d\d\.\d{3} (?P<process>\S+) +(?P<thread>\S+) +(?P<message>.+)")


@pytest.fixture
def files(tmp_path: Path) -> list[tuple[Path, int]]:
    """Hand-made files and generated ones, each with a word count made without split()."""
    directory = tmp_path / "files"
    directory.mkdir()
    made = []
    for name, (text, words) in HANDMADE.items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        made.append((path, words))
    for path in fp.write_random_files(directory, count=3):
        made.append((path, len(re.findall(r"\S+", path.read_text(encoding="utf-8")))))
    return made


def log_records(log_dir: Path) -> list[re.Match[str]]:
    lines = (log_dir / fp.LOG_FILE).read_text(encoding="utf-8").splitlines()
    records = [LOG_LINE.fullmatch(line) for line in lines]
    assert all(records), f"unexpected log lines:\n{lines}"
    return records  # type: ignore[return-value]


def most_in_progress(messages: list[str]) -> int:
    """The most files started and not yet ended at any point of the log."""
    running = most = 0
    for message in messages:
        if message.startswith("file start: "):
            running += 1
            most = max(most, running)
        elif message.startswith("file end: "):
            running -= 1
    return most


@pytest.mark.parametrize("mode", fp.MODES)
@pytest.mark.parametrize("name", PROCESSORS)
def test_every_processor_counts_words_in_order_and_logs_it(
    name: str, mode: str, files: list[tuple[Path, int]], tmp_path: Path
) -> None:
    paths = [path for path, _ in files]
    expected = [fp.FileResult(path, words) for path, words in files]
    log_dir = tmp_path / "logs"
    processor = PROCESSORS[name](work_seconds=WORK, mode=mode, log_dir=log_dir)

    assert processor.process_files(paths) == expected
    # The same results in the reversed order, from paths given as strings.
    assert processor.process_files([str(p) for p in reversed(paths)]) == expected[::-1]

    records = log_records(log_dir)
    per_run = 2 + 2 * len(files)
    assert len(records) == 2 * per_run
    what = re.escape(f"{processor.describe(len(files))}, {mode} mode")
    for run in (records[:per_run], records[per_run:]):
        messages = [record["message"] for record in run]
        assert re.fullmatch(f"model start: {what}, {len(files)} files", messages[0])
        assert re.fullmatch(rf"model end: {what}, \d+\.\d\d s", messages[-1])
        assert run[0]["process"] == run[-1]["process"] == "MainProcess"
        for path, words in files:
            start = messages.index(f"file start: {path.name}")
            (end,) = [i for i, m in enumerate(messages) if m.startswith(f"file end: {path.name},")]
            assert start < end
            assert re.fullmatch(
                rf"file end: {re.escape(path.name)}, {words} words, \d+\.\d\d s",
                messages[end],
            )
        # Worker processes log through the queue; everything else is the main process.
        in_workers = name == "processes" or (name == "asyncio" and mode == "cpu")
        file_processes = {r["process"] for r in run if r["message"].startswith("file ")}
        assert ("MainProcess" in file_processes) is not in_workers
        # What the log shows about overlap, whatever the timing: the baseline and CPU
        # work inside coroutines never have two files in progress; a pool never has
        # more files in progress than processes.
        most = most_in_progress(messages)
        if name == "sequential" or (name == "asyncio-in-the-loop" and mode == "cpu"):
            assert most == 1
        if in_workers:
            assert most <= processor.pool_size(len(files))


START_METHODS = [m for m in ("fork", "forkserver") if m in multiprocessing.get_all_start_methods()]


@pytest.mark.parametrize("method", START_METHODS)
def test_worker_processes_work_under_every_start_method(
    method: str, files: list[tuple[Path, int]], tmp_path: Path
) -> None:
    """spawn is the default, tested above; fork and forkserver must work too."""
    paths = [path for path, _ in files]
    expected = [fp.FileResult(path, words) for path, words in files]
    options = {"work_seconds": WORK, "start_method": method, "log_dir": tmp_path}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for processor in (
            fp.MultiprocessingFileProcessor(mode="io", **options),
            fp.MultiprocessingFileProcessor(mode="cpu", **options),
            fp.AsyncioFileProcessor(mode="cpu", **options),
        ):
            assert processor.process_files(paths) == expected
    # Python 3.12+ warns when a process forks while it runs other threads: the log
    # listener thread must start only after the workers exist.
    assert not [w for w in caught if "multi-threaded" in str(w.message)]
    messages = [record["message"] for record in log_records(tmp_path)]
    assert sum(m.startswith("file end: ") for m in messages) == 3 * len(files)


def test_threads_and_asyncio_overlap_the_io_waits(tmp_path: Path) -> None:
    paths = fp.write_random_files(tmp_path / "files")
    seconds = {}
    for name in ("sequential", "threads", "asyncio"):
        processor = PROCESSORS[name](work_seconds=0.2, mode="io", log_dir=tmp_path)
        started = time.perf_counter()
        processor.process_files(paths)
        seconds[name] = time.perf_counter() - started
    # Ten waits: at best 10x faster. Demand a third of that on a loaded machine.
    assert seconds["sequential"] / seconds["threads"] > 3
    assert seconds["sequential"] / seconds["asyncio"] > 3


def test_pool_sizes_follow_the_work() -> None:
    cpus = fp.measure.usable_cpus()
    assert fp.MultiprocessingFileProcessor(mode="cpu").pool_size(10) == min(cpus, 10)
    assert fp.MultiprocessingFileProcessor(mode="cpu").pool_size(1) == 1
    assert fp.MultiprocessingFileProcessor(mode="io").pool_size(10) == 10
    assert fp.AsyncioFileProcessor(mode="cpu").pool_size(10) == min(cpus, 10)
    expected = os.process_cpu_count() if sys.version_info >= (3, 13) else os.cpu_count()
    assert fp.default_pool_size() == expected


def test_default_pool_size_is_what_pool_starts() -> None:
    pool = multiprocessing.get_context("spawn").Pool()
    try:
        started = pool._processes  # no public attribute says how many workers it has
    finally:
        pool.close()
        pool.join()
    assert fp.default_pool_size() == started


def test_the_log_directory_is_relative_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert not fp.SequentialFileProcessor().log_dir.is_absolute()
    fp.SequentialFileProcessor(work_seconds=0).process_files([])
    assert (tmp_path / "logs" / fp.LOG_FILE).is_file()


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="mode"):
        fp.ThreadedFileProcessor(mode="gpu")
    with pytest.raises(ValueError, match="work_seconds"):
        fp.ThreadedFileProcessor(work_seconds=-1)


@pytest.mark.parametrize("name", PROCESSORS)
def test_a_failing_file_fails_the_run_and_the_log_says_so(name: str, tmp_path: Path) -> None:
    processor = PROCESSORS[name](work_seconds=0, mode="io", log_dir=tmp_path)
    with pytest.raises(Exception) as raised:
        processor.process_files([tmp_path / "missing.txt"])
    error = raised.value
    # asyncio's TaskGroup reports its tasks' errors in an ExceptionGroup.
    errors = error.exceptions if isinstance(error, BaseExceptionGroup) else (error,)
    assert all(isinstance(e, FileNotFoundError) for e in errors), repr(error)
    assert "model failed: " in (tmp_path / fp.LOG_FILE).read_text(encoding="utf-8")


def fake_rows(
    mode: str, seconds: dict[str, float], on_cpu: dict[str, float] | None = None
) -> list[fp.Row]:
    """The rows a comparison would return, with made-up times (no work is done)."""
    rows = []
    for key, processor in fp.models(mode, work_seconds=2.0, log_dir="unused").items():
        share = (on_cpu or {}).get(key, 1.0 if mode == "cpu" else 0.001)
        results = [fp.FileResult(Path(f"{i}.txt"), 9, 2.0, 2.0 * share) for i in range(10)]
        rows.append(fp.Row(key, processor, seconds[key], results))
    return rows


@pytest.mark.parametrize("gil", [True, False], ids=["GIL", "free-threaded"])
def test_explanations_follow_the_numbers_and_the_build(
    gil: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fp.measure, "gil_enabled", lambda: gil)
    monkeypatch.setattr(fp.measure, "usable_cpus", lambda: 2)
    io = fp.explain(
        fake_rows(
            "io",
            {
                "sequential": 20.0,
                "threads": 2.0,
                "processes": 3.0,
                "pool-default": 10.0,
                "asyncio": 2.0,
            },
        ),
        10,
    )
    assert len(io) == 6 and all(line.startswith("- **") for line in io)
    assert "Waiting costs time, not CPU." in io[-1]
    assert "(2.00 s, 10.00× the sequential speed)" in io[1]
    assert "+1.00 s" in io[2]
    assert "5 rounds of 2 s: at least 10 s" in io[3]
    assert ("released the GIL" in io[1]) is gil
    cpu = fp.explain(
        fake_rows(
            "cpu",
            {
                "sequential": 30.0,  # a busy machine during the baseline
                "threads": 20.0,
                "processes": 10.0,  # 3x: better than the best case of 2x
                "asyncio-blocking": 20.0,
                "asyncio-executor": 10.0,
            },
        ),
        10,
    )
    assert "on a CPU only" not in cpu[0]
    assert ("took turns" in cpu[1]) is gil and ("free-threaded" in cpu[1]) is not gil
    assert "at best 2.00×" in cpu[2] and "busier during the sequential run" in cpu[2]
    assert ("its own GIL" in cpu[2]) is gil
    assert "took 30.00 s and 20.00 s" in cpu[-1] and "speed changed" in cpu[-1]
    assert fp.steady(20.0, 24.0) and not fp.steady(20.0, 26.0)
    assert "on a CPU only" not in cpu[2]  # its made-up workers had whole CPUs
    slow_threads = {**dict.fromkeys(CPU_ROWS, 20.0), "threads": 24.0}
    cpu = fp.explain(fake_rows("cpu", slow_threads, {"processes": 0.5}), 10)
    assert ("slower than one thread alone" in cpu[1]) is gil
    assert "on a CPU only 50% of the time" in cpu[2]
    cpu = fp.explain(fake_rows("cpu", slow_threads, {"sequential": 0.4}), 10)
    assert "It was on a CPU only 40% of the time" in cpu[0]


# --- the build's real run -------------------------------------------------------------

IO_ROWS = ["sequential", "threads", "processes", "pool-default", "asyncio"]
CPU_ROWS = ["sequential", "threads", "processes", "asyncio-executor", "asyncio-blocking"]
ROW = re.compile(r"^\| (.+?) \| (\d+\.\d\d) \| (\d+\.\d\d)× \| (\d+\.\d\d) \| .+ \|$", re.M)


def table(out: str, title: str, keys: list[str]) -> dict[str, tuple[str, float, float, float]]:
    """The table after ``title``: label, seconds, speed-up and CPU time, by row key."""
    section = out.split(f"**{title}**", 1)[1].split("**", 1)[0]
    rows = ROW.findall(section)
    assert len(rows) == len(keys), section
    return {
        key: (label, float(s), float(x), float(cpu))
        for key, (label, s, x, cpu) in zip(keys, rows, strict=True)
    }


def test_the_io_table_shows_overlapped_waits_and_pool_rounds(snippet_output: Output) -> None:
    io = table(snippet_output(SOLUTION), fp.TITLES["io"], IO_ROWS)
    work = 2.0  # the program's default work per file, which the build uses
    # Waiting overlaps in threads and in the event loop: ten waits, ideally 10x.
    assert io["threads"][2] > 3 and io["asyncio"][2] > 3
    # Pool() without a size runs the files in rounds, and no wait can be cut short.
    size = int(re.search(r"Pool of (\d+) process", io["pool-default"][0])[1])
    assert size == fp.default_pool_size()
    assert io["pool-default"][1] >= math.ceil(10 / size) * work * 0.99
    # Waiting costs time, not CPU: every row's CPU time is a small part of its time.
    assert all(cpu < 0.1 * seconds for _, seconds, _, cpu in io.values())


def test_the_cpu_work_costs_the_same_cpu_time_in_every_model(snippet_output: Output) -> None:
    """CPU time counts only time spent running, so a busy machine hardly changes it."""
    cpu = table(snippet_output(SOLUTION), fp.TITLES["cpu"], CPU_ROWS)
    baseline = cpu["sequential"][3]
    assert 0.5 * 20 < baseline < 2 * 20  # calibrated to about 2 s per file
    for key, (_, _, _, cpu_seconds) in cpu.items():
        assert 0.5 * baseline < cpu_seconds < 2 * baseline, key


def test_the_cpu_table_shows_the_gil_and_parallel_processes(snippet_output: Output) -> None:
    out = snippet_output(SOLUTION)
    cpu = table(out, fp.TITLES["cpu"], CPU_ROWS)
    section = out.split(f"**{fp.TITLES['cpu']}**", 1)[1]
    # The first and the last row do the same one-at-a-time work; when they disagree,
    # the machine's speed changed during the run (the page says so). That CPU work
    # inside coroutines never overlaps is checked from the log, without timing.
    first, last = cpu["sequential"][1], cpu["asyncio-blocking"][1]
    if not fp.steady(first, last):
        pytest.skip(f"the machine's speed changed: the same work took {first} s, {last} s")
    # Workers that were off the CPU much of the time shared it with other programs.
    crowded = re.search(r"on a CPU only (\d+)%", section)
    if crowded:
        pytest.skip(f"other programs used the CPUs: workers ran {crowded[1]}% of the time")
    if fp.measure.gil_enabled():
        assert cpu["threads"][2] < 1.6  # the threads take turns holding the GIL
    if fp.measure.usable_cpus() >= 2:
        # Two or more processes compute in parallel; ideally 2x on two CPUs.
        assert cpu["processes"][2] > 1.25 and cpu["asyncio-executor"][2] > 1.25


def test_the_page_explains_with_this_builds_numbers(snippet_output: Output) -> None:
    out = snippet_output(SOLUTION)
    rows = [
        *table(out, fp.TITLES["io"], IO_ROWS).items(),
        *table(out, fp.TITLES["cpu"], CPU_ROWS).items(),
    ]
    for key, (_, seconds, speed_up, _) in rows:
        if key != "sequential":
            assert f"({seconds:.2f} s, {speed_up:.2f}× the sequential speed)" in out
    assert "Measured on " in out and "start method spawn" in out


def test_the_page_shows_the_end_of_a_complete_log(snippet_output: Output) -> None:
    out = snippet_output(SOLUTION)
    assert "10 model runs and 100 files processed" in out
    assert "Every model and file that started also ended: True" in out
    tail = out.split("```text\n", 1)[1].split("\n```", 1)[0].splitlines()
    assert len(tail) == 2 * (2 + 2 * 10)  # the last two model runs, whole
    records = [LOG_LINE.fullmatch(line) for line in tail]
    assert all(records), tail
    offloaded, in_the_loop = records[:22], records[22:]
    assert offloaded[0]["message"].startswith("model start: Asyncio + ProcessPool")
    assert in_the_loop[-1]["message"].startswith("model end: Asyncio (CPU work inside")
    # Worker processes logged their files through the queue...
    files = [r for r in offloaded if r["message"].startswith("file ")]
    assert all(r["process"] != "MainProcess" for r in files)
    # ...while coroutines that never await ran the files strictly one after another.
    assert most_in_progress([r["message"] for r in in_the_loop]) == 1
    assert {r["process"] for r in in_the_loop} == {"MainProcess"}


def test_the_notebook_is_stored_without_outputs() -> None:
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert code
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    source = "".join("".join(c["source"]) for c in code)
    assert "import file_processors" in source  # not classes defined in a cell
    assert "WORK_SECONDS = 0.2" in source


def test_the_built_notebook_ran_and_loads_nothing_from_elsewhere(site_build: Build) -> None:
    page = site_build.site / "assignment_notebook"
    html = (page / "index.html").read_text(encoding="utf-8")
    assert (page / NOTEBOOK.name).is_file()  # the download link's target
    assert "<table>" in html and "Measured on " in html  # executed during the build
    assert "mathjax" not in html.lower() or 'src="data:text/javascript,"' in html
    assert "cdnjs.cloudflare.com/ajax/libs/mathjax" not in html
    # nbconvert's template imports Mermaid from a CDN only when a diagram is present.
    assert 'class="jp-Mermaid' not in html
