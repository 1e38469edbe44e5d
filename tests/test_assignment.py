"""The assignment chapter: the solution's interface and log, and the page's claims.

Most tests import the solution module (``file_processors``) and the comparison program
next to it, and run them on small files with little work per file (``WORK``), so they
are quick; the last ones check the real runs that the page shows, and the notebook.
"""

from __future__ import annotations

import functools
import importlib
import json
import multiprocessing
import os
import re
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
from built_site import Page, html_table, site_dir
from helpers import DOCS, ROOT, Build, Output, Table, number, numbers, table, tables

sys.path.insert(0, str(ROOT / "snippets" / "assignment"))
import file_processors as fp

# A file name that starts with a digit cannot follow `import`; importlib takes it.
comparison = importlib.import_module("01_compare_the_models")
measure = fp.measure

SOLUTION = "snippets/assignment/file_processors.py"
DRIVER = "snippets/assignment/01_compare_the_models.py"
NOTEBOOK = DOCS / "assignment_notebook.ipynb"
WORK = 0.05  # seconds of work per file: enough to order the log, cheap to run

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


def parse_log(lines: list[str]) -> list[re.Match[str]]:
    records = [LOG_LINE.fullmatch(line) for line in lines]
    assert all(records), f"unexpected log lines:\n{lines}"
    return records  # type: ignore[return-value]


def log_records(log_dir: Path) -> list[re.Match[str]]:
    return parse_log((log_dir / fp.LOG_FILE).read_text(encoding="utf-8").splitlines())


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
    # The log names the model by its one name, with who did the work.
    what = re.escape(f"{processor.name} ({processor.workers(len(files))}), {mode} mode")
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


def test_every_model_has_one_distinct_name() -> None:
    for mode in fp.MODES:
        names = [m.processor.name for m in comparison.models(mode, 10, log_dir="unused")]
        assert len(set(names)) == len(names) == 5, names
    assert set(fp.PROCESSORS) == {"Sequential", "Threads", "Multiprocessing", "Asyncio"}


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


def test_pool_sizes_follow_the_work() -> None:
    cpus = measure.usable_cpus()
    assert fp.MultiprocessingFileProcessor(mode="cpu").pool_size(10) == min(cpus, 10)
    assert fp.MultiprocessingFileProcessor(mode="cpu").pool_size(1) == 1
    assert fp.MultiprocessingFileProcessor(mode="io").pool_size(10) == 10
    assert fp.AsyncioFileProcessor(mode="cpu").pool_size(10) == min(cpus, 10)
    expected = os.process_cpu_count() if sys.version_info >= (3, 13) else os.cpu_count()
    assert comparison.default_pool_size() == expected


def test_default_pool_size_is_what_pool_starts() -> None:
    pool = multiprocessing.get_context("spawn").Pool()
    try:
        started = pool._processes  # no public attribute says how many workers it has
    finally:
        pool.close()
        pool.join()
    assert comparison.default_pool_size() == started


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


# --- the explanations under the tables ---------------------------------------------------


def fake_rows(
    mode: str,
    seconds: list[float],
    on_cpu: dict[int, float] | None = None,
    cpu: dict[int, float] | None = None,
) -> list[Any]:
    """The rows a comparison would return, with made-up times (no work is done): in the
    CPU mode, two runs of half the time each; ``cpu`` scales a row's CPU time."""
    rows = []
    models = comparison.models(mode, 10, work_seconds=2.0, log_dir="unused")
    for i, (model, spent) in enumerate(zip(models, seconds, strict=True)):
        share = (on_cpu or {}).get(i, 1.0 if mode == "cpu" else 0.001)
        scale = (cpu or {}).get(i, 1.0)
        results = [fp.FileResult(Path(f"{i}.txt"), 9, 2.0, 2.0 * share * scale) for i in range(10)]
        runs = (spent,) if mode == "io" else (spent / 2, spent / 2)
        rows.append(comparison.Row(model, measure.Timing(runs), results))
    return rows


@pytest.mark.parametrize("gil", [True, False], ids=["GIL", "free-threaded"])
def test_explanations_follow_the_numbers_and_the_build(
    gil: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(measure, "gil_enabled", lambda: gil)
    monkeypatch.setattr(measure, "usable_cpus", lambda: 2)
    monkeypatch.setattr(comparison, "default_pool_size", lambda: 2)
    # sequential, threads, processes, Pool() with its default size, asyncio
    io = comparison.explain(fake_rows("io", [20.0, 2.0, 3.0, 10.0, 2.0]))
    assert len(io) == 6 and all(line.startswith("- **") for line in io)
    assert "Waiting costs time, not CPU." in io[-1]
    assert "(2.00 s, 10.00× the sequential speed)" in io[1]
    assert "5 rounds of 2 s: at least 10 s" in io[3]
    assert ("released the GIL" in io[1]) is gil
    # sequential, threads, processes, asyncio + executor, asyncio with the work inside
    cpu = comparison.explain(fake_rows("cpu", [30.0, 20.0, 10.0, 10.0, 20.0]))
    assert "on a CPU only" not in cpu[0]
    assert ("take turns" in cpu[1]) is gil and ("free-threaded" in cpu[1]) is not gil
    assert "at best 2.00×" in cpu[2] and "(10.00 s, 3.00× the sequential speed)" in cpu[2]
    assert ("its own GIL" in cpu[2]) is gil
    assert "took 15.00 s and 15.00 s (+0%)" in cpu[-1]
    assert "on a CPU only" not in cpu[2]  # its made-up workers had whole CPUs
    cpu = comparison.explain(fake_rows("cpu", [20.0] * 5, {2: 0.5}))
    assert "on a CPU only 50% of the time" in cpu[2]
    cpu = comparison.explain(fake_rows("cpu", [20.0] * 5, {0: 0.4}))
    assert "on a CPU only 40% of the time" in cpu[0]


def test_the_threads_sentence_reads_their_cpu_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(measure, "gil_enabled", lambda: True)
    same = comparison.explain(fake_rows("cpu", [20.0, 20.0, 10.0, 10.0, 20.0]))[1]
    assert "(+0%): taking turns cost them next to nothing" in same
    more = comparison.explain(fake_rows("cpu", [20.0, 24.0, 10.0, 10.0, 20.0], cpu={1: 1.2}))[1]
    assert "(+20%): the slowdown is in the computing itself" in more
    assert f"every switch interval ({sys.getswitchinterval() * 1000:g} ms)" in more


def test_the_executor_sentence_says_why_it_differs_from_the_pool() -> None:
    # sequential, threads, processes, asyncio + executor, asyncio with the work inside
    alike = comparison.explain(fake_rows("cpu", [20.0, 20.0, 10.0, 10.2, 20.0]))[3]
    assert "differs from the pool's by +2%" in alike and "Most of" not in alike
    machine = comparison.explain(fake_rows("cpu", [20.0, 20.0, 10.0, 8.0, 20.0], cpu={3: 0.85}))
    assert "by -20%, and its work's CPU time by -15%. Most of that" in machine[3]
    other = comparison.explain(fake_rows("cpu", [20.0, 20.0, 10.0, 8.0, 20.0]))[3]
    assert "The work's CPU time does not account for it" in other


@pytest.mark.parametrize("mode", fp.MODES)
def test_the_reasons_hold_whatever_the_numbers(mode: str) -> None:
    """Only the numbers and the checks that read them change with the times measured:
    the machine check (last), and what the threads' CPU time and the executor's gap
    to the pool say (each after its reason, from "Their work took" or "It did")."""

    def reasons(seconds: list[float]) -> list[str]:
        said = comparison.explain(fake_rows(mode, seconds))[:-1]  # without the last check
        said = [re.split(r" (?:Their work took|It did the same work) ", s)[0] for s in said]
        return [re.sub(r"\(\d+\.\d\d s(, \d+\.\d\d× the sequential speed)?\)", "", s) for s in said]

    assert reasons([20.0, 2.0, 3.0, 10.0, 2.0]) == reasons([5.0, 9.0, 1.0, 30.0, 7.0])


# --- the real runs the page shows ----------------------------------------------------------


def mode_table(out: str, mode: str) -> Table:
    """The table printed under the mode's title."""
    return tables(out.split(f"**{comparison.TITLES[mode]}**", 1)[1])[0]


def by_model(found: Table, header: str) -> dict[str, float]:
    """A column's numbers, by model name."""
    return dict(zip(found.column("Model"), map(number, found.column(header)), strict=True))


def test_the_solution_alone_overlaps_ten_waits_in_threads(snippet_output: Output) -> None:
    out = snippet_output(SOLUTION)
    files = table(out, "Words")
    assert files.column("File") == [f"file_{n:02d}.txt" for n in range(1, 11)]
    seconds = [number(cell) for cell in files.column("Seconds")]
    assert all(fp.WORK_SECONDS <= s < 2 * fp.WORK_SECONDS for s in seconds)
    log = parse_log(out.split("```text\n", 1)[1].split("\n```", 1)[0].splitlines())
    messages = [record["message"] for record in log]
    assert messages[0] == "model start: Threads (10 threads), io mode, 10 files"
    assert most_in_progress(messages) == 10  # every file waited at the same time
    words = [f"{number(cell):.0f}" for cell in files.column("Words")]
    ended = [m.split(", ")[1].split()[0] for m in messages if m.startswith("file end: ")]
    assert sorted(ended) == sorted(words)


def test_the_io_table_has_the_default_pool_and_little_cpu(snippet_output: Output) -> None:
    # The speed-ups and the rounds' times are claims on the page (judged by the build).
    io = mode_table(snippet_output(DRIVER), "io")
    seconds = by_model(io, "Total time")
    (default,) = [name for name in seconds if "Pool(" in name]
    size = int(re.search(r"Pool\((\d+)\)", default)[1])
    assert size == comparison.default_pool_size()


def test_the_cpu_table_has_both_runs_of_every_model(snippet_output: Output) -> None:
    """Each model ran twice with half the work, in opposite orders; the total is the sum."""
    found = mode_table(snippet_output(DRIVER), "cpu")
    for cell in found.column("Total time (s): both runs"):
        total, first, second = numbers(cell)
        assert abs(first + second - total) <= 0.011, cell
    assert found.column("Speed-up vs sequential")[0] == "1.00× (1.00–1.00)"


def test_the_page_explains_with_this_builds_numbers(snippet_output: Output) -> None:
    out = snippet_output(DRIVER)
    for mode in fp.MODES:
        found = mode_table(out, mode)
        seconds, speedup = by_model(found, "Total time"), by_model(found, "Speed-up")
        for name in list(seconds)[1:]:  # the first row is the baseline itself
            said = f"**{name}** ({seconds[name]:.2f} s, {speedup[name]:.2f}× the sequential"
            assert said in out
    assert "Measured on " in out and "start method spawn" in out


def test_the_page_shows_the_last_pool_and_baseline_runs_of_a_complete_log(
    snippet_output: Output,
) -> None:
    out = snippet_output(DRIVER)
    # The I/O mode runs each of its 5 models once, the CPU mode each of its 5 twice.
    assert "15 model runs and 150 files processed" in out
    assert "Every model and file that started also ended: True" in out
    shown = out.split("```text\n", 1)[1].split("\n```", 1)[0].splitlines()
    assert len(shown) == 2 * (2 + 2 * 10)  # two model runs, whole
    records = parse_log(shown)
    pool, baseline = records[:22], records[22:]
    assert pool[0]["message"].startswith("model start: Multiprocessing (")
    assert baseline[-1]["message"].startswith("model end: Sequential (")
    # Worker processes logged their files through the queue...
    files = [r for r in pool if r["message"].startswith("file ")]
    assert all(r["process"] != "MainProcess" for r in files)
    # ...while the baseline ran the files strictly one after another.
    assert most_in_progress([r["message"] for r in baseline]) == 1
    assert {r["process"] for r in baseline} == {"MainProcess"}


# --- the notebook ---------------------------------------------------------------------------


def test_the_notebook_is_stored_without_outputs() -> None:
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert code
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    source = "".join("".join(c["source"]) for c in code)
    assert "import file_processors" in source  # not classes defined in a cell


def test_the_built_notebook_ran_the_comparison_with_a_tenth_of_the_work(
    site_build: Build,
) -> None:
    """The build executed it (a failing cell fails the strict build: allow_errors is
    false): every code cell ran, and both tables came out, as the page shows them."""
    page = Page(site_dir(site_build), site_build.site / "assignment_notebook" / "index.html")
    code_cells = [
        c for c in json.loads(NOTEBOOK.read_text("utf-8"))["cells"] if c["cell_type"] == "code"
    ]
    prompts = [p.get_text(strip=True) for p in page.article.select(".jp-CodeCell .jp-InputPrompt")]
    assert len(prompts) == len(code_cells)
    assert all(re.fullmatch(r"In\s\[\d+\]:", prompt) for prompt in prompts), prompts
    outputs = page.article.select(".jp-OutputArea-output")
    text = "\n".join(output.get_text(" ", strip=True) for output in outputs)
    # An error output (shown only if allow_errors were turned on) is stderr with a traceback.
    stderr = page.article.select('[data-mime-type="application/vnd.jupyter.stderr"]')
    assert not [e for e in stderr if "Traceback" in e.get_text()], "a cell raised"
    assert f"about {fp.WORK_SECONDS / 10:g} s of work per file" in text
    for mode in fp.MODES:
        names = [m.processor.name for m in comparison.models(mode, 10, log_dir="unused")]
        title = page.article.find("strong", string=comparison.TITLES[mode])
        assert title is not None, f"no table titled {comparison.TITLES[mode]!r}"
        found = html_table(title.find_next("table"))
        assert found.column("Model") == names
    assert "Measured on " in text and "start method spawn" in text


def test_the_built_notebook_ran_and_loads_nothing_from_elsewhere(site_build: Build) -> None:
    page = site_build.site / "assignment_notebook"
    html = (page / "index.html").read_text(encoding="utf-8")
    assert (page / NOTEBOOK.name).is_file()  # the download link's target
    assert "<table>" in html and "Measured on " in html  # executed during the build
    assert "mathjax" not in html.lower() or 'src="data:text/javascript,"' in html
    assert "cdnjs.cloudflare.com/ajax/libs/mathjax" not in html
    # nbconvert's template imports Mermaid from a CDN only when a diagram is present.
    assert 'class="jp-Mermaid' not in html
