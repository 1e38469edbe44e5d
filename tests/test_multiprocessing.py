"""The Processes chapter's claims, checked against its snippets' real output."""

from __future__ import annotations

import builtins
import concurrent.futures
import math
import multiprocessing
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import DOCS, ROOT, Output, number, others_share, table, tables

SNIPPETS = "snippets/multiprocessing"
POOL_EXAMPLE = f"{SNIPPETS}/07_same_pool_every_start_method.py"


def usable_cpus(out: str) -> int:
    return int(re.search(r"(\d+) usable CPUs", out)[1])


def machine_cpus(out: str) -> int:
    return int(re.search(r"os\.cpu_count\(\) ?= ?(\d+)", out)[1])


def default_pool_size(out: str) -> int:
    """What Pool() without a size starts on this interpreter (3.13 changed it)."""
    return usable_cpus(out) if sys.version_info >= (3, 13) else machine_cpus(out)


def embedded_svg_sizes(out: str) -> list[int]:
    """Bytes of each SVG the runner embedded as a base64 data URI."""
    return [len(m) * 3 // 4 for m in re.findall(r"data:image/svg\+xml;base64,([^)]+)", out)]


def start_methods_named_on_the_page() -> list[str]:
    page = (DOCS / "multiprocessing" / "start-methods.md").read_text(encoding="utf-8")
    return re.findall(r"^\| `(\w+)` \|", page, re.M)


# --- Processes (index.md) ---------------------------------------------------------------


def test_process_results_come_back_and_errors_become_exit_codes(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/01_process_start_join.py")
    parent = int(re.search(r"parent: pid=(\d+)", out)[1])
    sums = dict(re.findall(r"sum of squares below (\d+) = (\d+)", out))
    assert sums == {str(n): str(sum(i * i for i in range(n))) for n in (10, 100, 1000)}
    pids = {int(p) for p in re.findall(r"worker-\d+: pid=(\d+)", out)}
    assert len(pids) == 3 and parent not in pids
    assert "exit codes: [0, 0, 0]" in out
    assert "ValueError: this child fails on purpose" in out
    assert "failing-child exit code: 1" in out


def test_map_keeps_order_imap_unordered_does_not_and_errors_travel(
    snippet_output: Output,
) -> None:
    out = snippet_output(f"{SNIPPETS}/02_pools_and_executor.py")
    assert "tasks [0, 1, 2, 3]" in out
    unordered = [int(n) for n in re.findall(r"^  task (\d) \(sleeps", out, re.M)]
    assert sorted(unordered) == [0, 1, 2, 3]
    assert unordered != [0, 1, 2, 3], "the page says imap_unordered yields out of order"
    assert len(re.findall(r"task \d: done in worker pid", out)) == 4
    assert "task -1: ValueError: no task -1" in out
    assert "attached: _RemoteTraceback" in out


def test_default_pool_size_follows_the_version(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/03_cpu_counts_and_pool_size.py")
    started = [int(n) for n in re.findall(r"Pool\(\) started (\d+) worker", out)]
    machine = int(re.search(r"os\.cpu_count\(\)=(\d+)", out)[1])
    usable = int(re.search(r"unrestricted: .*sched_getaffinity\(0\)\)=(\d+)", out)[1])
    assert started[0] == (usable if sys.version_info >= (3, 13) else machine)
    if len(started) == 2:  # the run restricted to one CPU
        assert re.search(r"^affinity \{\d+\}: .*sched_getaffinity\(0\)\)=1$", out, re.M)
        assert started[1] == (1 if sys.version_info >= (3, 13) else machine)


def test_waiting_tasks_run_in_rounds_of_the_pool_size(snippet_output: Output) -> None:
    # The times (at least a wait per round, threads in one wait) are claims on the
    # Scaling page; this checks the rounds and the default pool size.
    out = snippet_output(f"{SNIPPETS}/04_pool_size_for_waiting_tasks.py")
    assert out.startswith("Measured on")
    rows = table(out, "Workers").by_label()
    for name, (workers, rounds, _alone, _measured) in rows.items():
        assert int(rounds) == math.ceil(10 / int(workers)), name
    assert int(rows["Pool() (default size)"][0]) == default_pool_size(out)


def test_missing_main_guard_fails_in_the_child(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/05_why_the_main_guard.py")
    without, _, with_guard = out.partition("$ python with_guard.py")
    assert "(exit status 0)" in without and "child's exit code is 1" in without
    assert "RuntimeError" in without and "bootstrapping phase" in without
    assert "hello from the child" not in without
    assert "hello from the child" in with_guard and "child's exit code is 0" in with_guard
    for part in (without, with_guard):  # the top level runs in both processes
        assert "top level runs in MainProcess" in part
        assert "top level runs in SpawnProcess-1" in part


def test_queue_listener_writes_every_record_once(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/06_logging_from_processes.py")
    lines = out.split("--- logs/jobs.log ---\n", 1)[1].splitlines()
    parsed = [re.fullmatch(r"(\S+) +pid=(\d+) +(main|jobs): (.+)", line) for line in lines]
    assert all(parsed), lines
    jobs = [m for m in parsed if m[3] == "jobs"]
    assert sorted(m[4].split(":")[0] for m in jobs) == sorted(
        f"job {n} {what}" for n in range(6) for what in ("started", "finished")
    )
    assert len({m[2] for m in jobs}) >= 2, "records from several workers"
    assert [m[3] for m in parsed].count("main") == 2
    assert parsed[-1][4].startswith("all jobs done")


# --- Start methods ----------------------------------------------------------------------


def pool_example_reports(out: str) -> dict[str, dict[str, str]]:
    reports = {}
    for block in re.finditer(
        r"^(\w+):\n  results: (.+)\n  the workers saw SETTING = (.+)\n"
        r"  the workers' parent: (.+)$",
        out,
        re.M,
    ):
        reports[block[1]] = {"results": block[2], "setting": block[3], "parent": block[4]}
    return reports


def check_birth(method: str, report: dict[str, str]) -> None:
    inherited = report["setting"] == "'changed by main()'"
    assert inherited == (method == "fork"), (method, report)
    assert (report["parent"] == "this process") == (method != "forkserver"), (method, report)


def test_pool_example_gives_the_same_results_under_every_method(
    snippet_output: Output,
) -> None:
    reports = pool_example_reports(snippet_output(POOL_EXAMPLE))
    assert set(reports) == set(multiprocessing.get_all_start_methods())
    assert len({report["results"] for report in reports.values()}) == 1
    for method, report in reports.items():
        check_birth(method, report)


@pytest.mark.parametrize("method", start_methods_named_on_the_page())
def test_each_start_method_on_the_page_runs_the_pool_example(
    method: str, snippet_output: Output, tmp_path: Path
) -> None:
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"{method} is not available on {sys.platform}")
    run = subprocess.run(
        [sys.executable, str(ROOT / POOL_EXAMPLE), method],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    reports = pool_example_reports(run.stdout)
    assert list(reports) == [method], run.stdout
    check_birth(method, reports[method])
    build = pool_example_reports(snippet_output(POOL_EXAMPLE))
    assert {reports[method]["results"]} == {r["results"] for r in build.values()}


def test_the_page_names_all_three_start_methods() -> None:
    assert start_methods_named_on_the_page() == ["fork", "spawn", "forkserver"]


def test_start_cost_has_a_row_per_start_method_and_a_thread(snippet_output: Output) -> None:
    # Which starts fastest is a claim on the Start methods page.
    out = snippet_output(f"{SNIPPETS}/08_start_and_join_cost.py")
    assert out.startswith("Measured on")
    rows = [name.split()[0] for name in table(out, "Later").by_label()]
    assert rows == [*multiprocessing.get_all_start_methods(), "thread"]


def test_only_fork_accepts_unpicklable_process_targets(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/09_what_cannot_be_pickled.py")
    sections = dict(re.findall(r"^(\w+):\n((?:  .*\n?)+)", out, re.M))
    assert set(sections) == set(multiprocessing.get_all_start_methods())
    for method, text in sections.items():
        results = dict(re.findall(r"^  ((?:Process|Pool\.map)\(.+?\)): (.+)$", text, re.M))
        for name in ("a lambda", "a nested function"):
            # The wording changes between versions; the <locals> qualname does not.
            assert "<locals>" in results[f"Pool.map({name})"]
            process = results[f"Process(target={name})"]
            if method == "fork":
                assert process == "ran, exit code 0"
            else:
                assert "<locals>" in process
        assert results["Process(target=a module-level function)"] == "ran, exit code 0"
        assert results["Pool.map(a module-level function)"] == "ran, returned [2]"


def test_fork_with_threads_warns_from_3_12(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/10_fork_with_threads_warning.py")
    if "fork" not in multiprocessing.get_all_start_methods():
        assert "no fork start method" in out
        return
    assert "threads running: 2" in out
    assert "fork, default warning filters: 0 warning(s)" in out
    assert "spawn, all warnings shown: 0 warning(s)" in out
    if sys.version_info >= (3, 12):
        assert "fork, all warnings shown: 1 warning(s)" in out
        assert "DeprecationWarning: This process" in out
        assert "emitted a DeprecationWarning" in out
    else:
        assert "fork, all warnings shown: 0 warning(s)" in out
        assert "did not emit a DeprecationWarning" in out


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="Linux only")
def test_reading_objects_copies_a_forked_childs_pages(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/11_child_memory_per_start_method.py")
    rows = table(out, "Start method").by_label()
    items, rss, _private, _private_after = rows["fork"]
    assert items == "1,000,000"
    # How much of it turns private is a claim on the Start methods page.
    for method in ("spawn", "forkserver"):
        if method in rows:
            assert rows[method][0] == "0"
            assert float(rows[method][1]) < float(rss)


# --- Moving data ------------------------------------------------------------------------


def test_argument_size_cost_grows_with_the_size(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/12_argument_size_cost.py")
    assert out.startswith("Measured on")
    rows = table(out, "Argument").by_label()
    assert list(rows) == ["1 KB", "10 KB", "100 KB", "1 MB", "10 MB", "100 MB"]
    # How the times grow with the size are claims on the Moving data page.
    sizes = embedded_svg_sizes(out)
    assert len(sizes) == 1 and sizes[0] < 60_000


def test_chunksize_table_has_every_way_and_the_baseline(snippet_output: Output) -> None:
    # Which ways are faster is a claim on the Moving data page (judged per round).
    out = snippet_output(f"{SNIPPETS}/13_chunksize.py")
    rows = table(out, "chunksize").rows
    speedup = {f"{how} / {chunks}": number(cell) for how, chunks, _, cell in rows}
    assert speedup["sequential loop / –"] == 1
    assert set(speedup) == {
        "sequential loop / –", "Pool.map / 1", "Pool.map / 10", "Pool.map / default",
        "Pool.imap_unordered / default (1)", "ProcessPoolExecutor.map / default (1)",
        "ProcessPoolExecutor.map / 100",
    }  # fmt: skip
    others_share(out)  # on Linux, the run says how busy the machine was


def test_manager_calls_cost_a_round_trip(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/15_manager_cost.py")
    # What each operation costs is a claim on the Moving data page.
    assert len(table(out, "µs").rows) == 6
    assert "Value = 400, Manager list length = 400 (expected 400 for both)" in out


# --- Scaling ----------------------------------------------------------------------------


def test_speedup_table_and_amdahl_only_where_it_can_be_fitted(snippet_output: Output) -> None:
    # How far the speed-up goes is a claim on the Scaling page, judged per round.
    out = snippet_output(f"{SNIPPETS}/16_cpu_bound_speedup.py")
    cpus = usable_cpus(out)
    found = table(out, "CPUs busy with the work")
    assert found.headers[3:6] == [
        "Ideal: min(n, CPUs)", "CPUs busy with the work",
        "Work's CPU time against the plain loop's",
    ]  # fmt: skip
    rows = found.by_label()
    workers = [int(name.split()[0]) for name in rows if name[0].isdigit()]
    assert workers == list(range(1, 2 * cpus + 1))
    for n in workers:
        cells = rows[f"{n} worker{'s' if n > 1 else ''}"]
        assert number(cells[2]) == min(n, cpus)  # ideal
        assert number(cells[3]) <= 1.02 * min(n, cpus)  # busy: never more CPUs than it has
    if cpus < 2:
        assert "nothing to fit" in out
    elif cpus == 2:  # one informative run: p restated, no fit, no cap, no model column
        assert "its one ratio gives p = 2 (1 - 1/S(2))" in out
        assert "would cap the speed-up" not in out and len(found.headers) == 6
    else:
        fit = re.search(r"fitted in each round over 2 to \d+ workers: p = (-?\d+\.\d+)", out)
        p = float(fit[1])
        assert len(found.headers) == 7
        for n in workers:
            fitted = number(rows[f"{n} worker{'s' if n > 1 else ''}"][5])
            assert abs(fitted - 1 / ((1 - p) + p / min(n, cpus))) < 0.02
    sizes = embedded_svg_sizes(out)
    assert len(sizes) == 1 and sizes[0] < 60_000


def test_interpreter_pool_runs_where_it_exists(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/17_interpreter_pool.py")
    if not hasattr(concurrent.futures, "InterpreterPoolExecutor"):
        assert "has no InterpreterPoolExecutor (added in 3.14)" in out
        return
    rows = {name: number(cells[2]) for name, cells in table(out, "Speed-up").by_label().items()}
    # Which pools run in parallel is a claim on the Scaling page.
    assert set(rows) >= {"thread pool", "interpreter pool", "process pool (spawn)"}


# --- Where the main module runs (issue 12) -------------------------------------------------


def forkserver_preloads_main(version: tuple[int, ...]) -> bool:
    """The fork server runs ``__main__`` itself from 3.13.8 and 3.14.1 (gh-126631, gh-137996)."""
    return version >= (3, 14, 1) or (3, 13, 8) <= version < (3, 14)


def forkserver_guardless_runs(version: tuple[int, ...]) -> tuple[bool, bool]:
    """Where a guard-less script's top level runs under forkserver: (server, child).

    Before the preload fix only the child imports it; from 3.13.8 and 3.14.1 the
    server does, and dies of the failure; 3.15's server ignores a failed preload by
    default (set_forkserver_preload's on_error, gh-141860), so the child runs it too.
    """
    if not forkserver_preloads_main(version):
        return False, True
    return True, version >= (3, 15)


def check_main_module_runs(out: str) -> None:
    """Each start method's count of top-level runs, right for the version that printed it."""
    found = re.search(r"^Python (\d+)\.(\d+)\.(\d+)", out, re.M)
    version = tuple(int(n) for n in found.groups())
    rows = {
        label: [int(number(cell)) for cell in cells]
        for label, cells in tables(out)[0].by_label().items()
        if cells[0][:1].isdigit()  # not "not available on ..."
    }
    children = int(re.search(r"(\d+) children per start method", out)[1])
    assert rows.pop("spawn") == [children, children, 0]  # every spawned child runs it
    if "fork" in rows:
        assert rows.pop("fork") == [children, 0, 0]  # a copy runs nothing again
    if "forkserver" in rows:
        preloads = forkserver_preloads_main(version)
        expected = [children, 0, 1] if preloads else [children, children, 0]
        assert rows.pop("forkserver") == expected, version
        assert ("This version preloads" in out) == preloads
        check_guardless_forkserver(out, version)
    assert not rows


def check_guardless_forkserver(out: str, version: tuple[int, ...]) -> None:
    part = out[out.index("A script without the main guard, run under forkserver") :]
    in_server, in_child = forkserver_guardless_runs(version)
    yes = {True: "yes", False: "no"}
    assert f"ran in the fork server: {yes[in_server]}\n" in part, (version, part)
    assert f"ran in the child: {yes[in_child]}\n" in part, (version, part)
    assert "RuntimeError" in re.search(r"exceptions in its stderr: (.*)", part)[1]
    if in_child:  # the script itself ran on and reported its child's failure
        assert "with status 0:" in part and "the child's exit code: 1" in part
    else:  # the server died, so the script's own start() failed
        assert "with status 0:" not in part and "died" in part


def test_main_module_runs_where_the_version_says(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/18_how_often_the_main_module_runs.py")
    assert re.search(rf"^Python {sys.version_info[0]}\.{sys.version_info[1]}\.", out, re.M)
    check_main_module_runs(out)


@pytest.mark.parametrize(
    ("version", "preloads"),
    [
        ((3, 11, 7), False),
        ((3, 13, 7), False),
        ((3, 13, 8), True),
        ((3, 14, 0), False),
        ((3, 14, 1), True),
        ((3, 15, 0), True),
    ],
)
def test_forkserver_preload_versions(version: tuple[int, ...], preloads: bool) -> None:
    """The version rule the test above applies, against the CPython changelog."""
    assert forkserver_preloads_main(version) == preloads


@pytest.mark.parametrize(
    ("version", "runs"),
    [
        ((3, 11, 7), (False, True)),
        ((3, 13, 7), (False, True)),
        ((3, 13, 8), (True, False)),
        ((3, 14, 0), (False, True)),
        ((3, 14, 10), (True, False)),
        ((3, 15, 0), (True, True)),
    ],
)
def test_forkserver_guardless_versions(version: tuple[int, ...], runs: tuple) -> None:
    """Where a guard-less script fails, per version: run on 3.11.7, 3.12.1, 3.13.0,
    3.13.18, 3.14.10 and 3.15.2 (forkserver.py's preload code of each)."""
    assert forkserver_guardless_runs(version) == runs


def test_cpu_counts_show_the_pool_size_each_implies_and_the_quota(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/03_cpu_counts_and_pool_size.py")
    implied = dict(re.findall(r"^  (\S+)\s+(\d+) -> \2 workers \(", out, re.M))
    assert int(implied["os.cpu_count()"]) == machine_cpus_of(out)
    if sys.version_info >= (3, 13):
        assert "os.process_cpu_count()" in implied
    else:
        assert "os.process_cpu_count(): not in this version (added in 3.13)" in out
    quota = re.search(r"^  cgroup CPU quota\s+(\S+) -> (.*)$", out, re.M)
    assert quota, out
    if quota[1] == "-":
        assert quota[2].startswith("no limit (")
    else:  # a quota in CPUs: at most its ceiling of workers are busy at once
        assert quota[2].startswith(f"{math.ceil(float(quota[1]))} workers busy at most")


def machine_cpus_of(out: str) -> int:
    return int(re.search(r"os\.cpu_count\(\)=(\d+)", out)[1])


def test_shared_memory_lifetime_follows_the_tracker(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/19_shared_memory_lifetime.py")
    rows = tables(out)[0].by_label()
    if sys.platform == "win32":  # no unlink(), no resource tracker
        assert all(cells[2] == "no" for cells in rows.values())
        return
    attached = rows["another program attaches (track=True)"]
    assert attached[0] == "hello"  # it read the block, and then its tracker removed it
    assert attached[1].startswith("gone") and attached[2].startswith("yes")
    forgotten = rows["its creator exits without unlink() (track=True)"]
    assert forgotten[1].startswith("gone") and forgotten[2].startswith("yes")
    if sys.version_info >= (3, 13):  # track=False (new in 3.13): nobody else unlinks
        assert rows["another program attaches (track=False)"][1:] == ["exists", "no"]
        left = rows["its creator exits without unlink() (track=False)"]
        assert left[1].startswith("exists") and left[2] == "no"
    else:
        assert not any("track=False" in label for label in rows)
        assert "SharedMemory(track=False) is new in Python 3.13" in out


# --- When a preloaded module fails to import (3.15's on_error) ---------------------------


def check_preload_on_error(out: str, version: tuple[int, int], debug_build: bool) -> None:
    """What the page says 20 shows, for the interpreter that ran it (``version``)."""
    if "the forkserver start method needs POSIX" in out:
        assert "forkserver" not in multiprocessing.get_all_start_methods()
        return
    rows = table(out, "server's stderr").by_label()
    missing = "No module named 'no_such_module'"
    if version < (3, 15):  # the one behaviour there is: the failure is ignored
        assert rows == {"(none: before 3.15)": ["started", "yes", "nothing"]}, rows
        assert "`set_forkserver_preload(..., on_error=...)` needs Python 3.15" in out
        return
    warning = f"`ImportWarning: Failed to preload module 'no_such_module': {missing}`"
    assert rows.pop('`"ignore"` (the default)') == ["started", "yes", "nothing"]
    # A release build's default filters ignore ImportWarning; a debug build has none.
    assert rows.pop('`"warn"`') == ["started", "yes", warning if debug_build else "nothing"]
    shown = rows.pop('`"warn"`, run with `-W default::ImportWarning`')
    assert shown == ["started", "yes", warning]
    start, worker, stderr = rows.pop('`"fail"`')
    raised = re.fullmatch(r"raised `(\w+)`(?:, with the note: (.*))?", start)
    assert issubclass(getattr(builtins, raised[1]), (EOFError, ConnectionError)), start
    assert raised[2] in (None, "Forkserver process may have crashed during module "
                         "preloading. Check stderr."), start  # fmt: skip
    assert worker == "(no worker)"
    assert stderr == f"a traceback, ending `ModuleNotFoundError: {missing}`"
    assert not rows, rows
    assert "`ValueError: on_error must be 'ignore', 'warn', or 'fail', not 'raise'`" in out


def test_a_failed_preload_does_what_on_error_says(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/20_forkserver_preload_on_error.py")
    check_preload_on_error(out, sys.version_info[:2], hasattr(sys, "gettotalrefcount"))


# --- the chapter's exercises: each solution shows what its exercise says to check ----------


def test_solution_chunksize_compares_every_size(snippet_output: Output) -> None:
    # How much faster the large chunks are is a claim under the exercise (index.md).
    out = snippet_output(f"{SNIPPETS}/91_solution_chunksize.py")
    found = table(out, "tiny tasks")
    speedup = {row[0]: number(row[2]) for row in found.rows}
    assert speedup.pop("chunksize=1") == 1
    assert [name.split(" ")[0] for name in speedup] == [
        "chunksize=10", "chunksize=100", "chunksize=1000", "default",
    ]  # fmt: skip


def test_solution_a_partial_pickles_where_a_lambda_does_not(snippet_output: Output) -> None:
    out = snippet_output(f"{SNIPPETS}/92_solution_pickle_a_lambda.py")
    first, second = out.strip().splitlines()
    # 3.11-3.13 raise AttributeError, 3.14 pickle.PicklingError; both name the lambda.
    assert re.match(r"lambda: +(AttributeError|PicklingError): .*<lambda>", first), out
    assert second == "partial: [0, 1, 8, 27, 64]"
