"""The assignment's comparison: every model on the same ten files, in both modes.

Each model of ``file_processors.py`` (next to this file) processes the ten files once
per mode. The results must agree with the sequential ones before any time is shown.
For each mode the program prints a table (total time, speed-up over sequential, CPU
time, notes) and a sentence per model that says why its time is what it is. Those
sentences are fixed reasons, true on any machine, with this run's numbers in front,
plus checks on the machine itself: whether work that should have had a CPU to
itself did (CPU time against time spent), and how far the machine's speed moved.

In the I/O mode every model runs once: its time is waiting, which a change in the
machine's speed hardly touches. In the CPU mode every model runs twice with half the
work per file, the second time in the opposite order (the baseline first and last):
a machine whose speed drifts during the minute or so that the comparison takes then
adds about as much to every model's total, instead of favouring whichever ran in
its faster part. Each speed-up is the baseline's time over the model's in the same
run (measure.speedup): the median of the two, with both in brackets. The total work
per file is the same as one run with all of it.

Run it: ``python 01_compare_the_models.py [--work-seconds 2] [--log-dir logs]``;
``--switch-interval 0.1`` sets ``sys.setswitchinterval`` first (default 0.005 s), to
see what handing the GIL between the threads costs.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import file_processors as fp

import measure

TITLES = {"io": "I/O-bound mode", "cpu": "CPU-bound mode"}
STATISTIC = (
    "I/O mode: one run of each model; CPU mode: two runs of each with half the work "
    "per file, the second in the opposite order; wall-clock time from "
    "time.perf_counter(); speed-ups per run, as their median"
)
ALONE = 0.8  # work that has a CPU to itself runs at least this share of its time
SIMILAR = 0.05  # two times that differ by less than this share are "about the same"


@dataclass(frozen=True)
class Model:
    """A processor in the comparison, and what the page says about it on any machine."""

    key: str  # the model's name in the values the page's claims read
    processor: fp.AbstractFileProcessor
    note: str  # the table's Notes: how the model runs
    why: str  # the sentence under the table: why its time is what it is
    alone: bool = False  # each file's work has a CPU to itself on an idle machine


def runs_in(mode: str) -> list[str]:
    """The orders a mode runs its models in: CPU mode twice, the second reversed."""
    return ["forward"] if mode == "io" else ["forward", "backward"]


def default_pool_size() -> int:
    """What ``multiprocessing.Pool()`` starts without a size: CPUs, not tasks.

    ``os.process_cpu_count()`` from Python 3.13 on, ``os.cpu_count()`` before.
    """
    count = getattr(os, "process_cpu_count", os.cpu_count)()
    return count or 1


def models(
    mode: str, files: int, *, work_seconds: float = fp.WORK_SECONDS, **options: Any
) -> list[Model]:
    """The models compared in ``mode``, the sequential baseline first.

    ``work_seconds`` per file in all; in the CPU mode each run does half of it.
    """
    work = work_seconds
    options["work_seconds"] = work / len(runs_in(mode))
    sequential = fp.SequentialFileProcessor(mode=mode, **options)
    baseline = Model(
        "sequential",
        sequential,
        "the baseline: one file after another",
        f"one file after another costs the sum of the work, planned as {files} × "
        f"{work:g} s = {files * work:g} s.",
        alone=mode == "cpu",
    )
    more = io_models if mode == "io" else cpu_models
    return [baseline, *more(files, work, mode=mode, **options)]


def io_models(files: int, work: float, **options: Any) -> list[Model]:
    released = "has released the GIL" if measure.gil_enabled() else "holds up no one"
    default = fp.MultiprocessingFileProcessor(processes=default_pool_size(), **options)
    size = default.pool_size(files)
    rounds = fp.plural(math.ceil(files / size), "round")
    at_least = math.ceil(files / size) * work
    return [
        Model(
            "threads",
            fp.ThreadedFileProcessor(**options),
            "each thread waits in time.sleep"
            + (", which releases the GIL" if measure.gil_enabled() else ""),
            "a thread blocked in `time.sleep`, like one blocked reading a socket, "
            f"{released}, so the waits can overlap: at best, the run takes one "
            f"wait of {work:g} s.",
        ),
        Model(
            "multiprocessing",
            fp.MultiprocessingFileProcessor(**options),
            "one process per file: waiting needs no CPU",
            "the waiting processes overlap their waits as threads do, but each is a "
            "whole process to start, and arguments and results are pickled: costs "
            "that threads do not have.",
        ),
        Model(
            "pool_default",
            default,
            f"Pool() without a size: {rounds} of files",
            f"`Pool()` without a size starts {fp.plural(size, 'process')}, one per "
            "CPU, not one per file. A worker waits for one file at a time, so "
            f"{files} files need {rounds} of {work:g} s: at least {at_least:g} s.",
        ),
        Model(
            "asyncio",
            fp.AsyncioFileProcessor(**options),
            "asyncio.sleep suspends the coroutine; no thread waits",
            "one thread runs one event loop. `await asyncio.sleep()` sets a timer "
            "and suspends the coroutine, so all the waits are pending at once and "
            "no thread is blocked. This is a different wait from `time.sleep` in a "
            "thread; it is how asyncio waits for many sockets at once.",
        ),
    ]


def cpu_models(files: int, work: float, **options: Any) -> list[Model]:
    gil = measure.gil_enabled()
    cpus = fp.plural(measure.usable_cpus(), "usable CPU")
    pool = fp.MultiprocessingFileProcessor(**options)
    size = pool.pool_size(files)
    rounds = math.ceil(files / size)
    at_once = "in parallel" if size > 1 else "one at a time"
    own = "its own interpreter and its own GIL" if gil else "its own interpreter"
    if gil:
        threads = (
            "the threads take turns holding the GIL",
            "on this build only the thread that holds the GIL runs Python code, so "
            "the threads take turns and do the same work one slice at a time.",
        )
    else:
        threads = (
            "no GIL on this build: threads can run in parallel",
            "this free-threaded build runs without the GIL, so the threads can "
            f"compute in parallel on the {cpus}.",
        )
    return [
        Model("threads", fp.ThreadedFileProcessor(**options), *threads),
        Model(
            "multiprocessing",
            pool,
            f"one process per usable CPU, each with {own}",
            f"each of the {fp.plural(size, 'worker process')} has {own}, so {size} "
            f"compute {at_once} on the {cpus}. {files} files in "
            f"{fp.plural(rounds, 'round')} make at best {files / rounds:.2f}× the "
            "sequential speed.",
            alone=True,
        ),
        Model(
            "asyncio_pool",
            fp.AsyncioFileProcessor(**options),
            "loop.run_in_executor hands each file to a process",
            "`loop.run_in_executor()` sends each file to a worker process and the "
            f"loop awaits the results: the work runs {at_once}, as in the pool "
            "above, while the loop stays free for other coroutines.",
            alone=True,
        ),
        Model(
            "asyncio_inline",
            fp.AsyncioFileProcessor(offload_cpu=False, **options),
            "the work never awaits, so the coroutines run one by one",
            "the coroutines never await, so each runs to its end before the loop can "
            "start the next: sequential code with extra steps. An event loop "
            "overlaps waiting, not computing.",
            alone=True,
        ),
    ]


@dataclass(frozen=True)
class Row:
    """One model's runs (one, or two in the CPU mode): their times and results."""

    model: Model
    timing: measure.Timing  # one sample per run
    results: list[fp.FileResult]  # of every run

    @property
    def name(self) -> str:
        return self.model.processor.name

    @property
    def seconds(self) -> float:
        """The model's total time: all of its runs, all of the work."""
        return sum(self.timing.samples)

    @property
    def cpu_seconds(self) -> float:
        """CPU time spent on the files' work, added up over threads and processes."""
        return sum(result.cpu_seconds for result in self.results)

    @property
    def on_cpu(self) -> float:
        """The share of its time on the files that the work spent running on a CPU."""
        return self.cpu_seconds / max(sum(r.seconds for r in self.results), 1e-9)


# --8<-- [start:compare]
def compare(paths: list[Path], mode: str, **options: Any) -> list[Row]:
    """Run every model on ``paths``; check that they agree; time each.

    I/O mode: each model once, in order. CPU mode: each model twice with half the
    work, the second time in the opposite order, so that a drift in the machine's
    speed adds about as much to every model's total.
    """
    chosen = models(mode, len(paths), **options)
    results: dict[str, list[list[fp.FileResult]]] = {m.key: [] for m in chosen}

    def run(model: Model) -> Callable[[], None]:
        def once() -> None:
            results[model.key].append(model.processor.process_files(paths))

        return once

    forward = {model.key: run(model) for model in chosen}
    orders = {"forward": forward, "backward": dict(reversed(forward.items()))}
    timed = [
        measure.compare(orders[order], repeats=1, warmup=0) for order in runs_in(mode)
    ]
    baseline = results[chosen[0].key][0]
    for model in chosen:
        if any(found != baseline for found in results[model.key]):
            raise RuntimeError(f"{model.processor.name} counted differently")
    return [
        Row(
            model,
            measure.Timing(tuple(t[model.key].samples[0] for t in timed)),
            [result for found in results[model.key] for result in found],
        )
        for model in chosen
    ]


# --8<-- [end:compare]


def comparison_table(rows: list[Row], files: int) -> str:
    baseline = rows[0].timing
    halves = len(baseline.samples) > 1

    def total(row: Row) -> str:
        if not halves:
            return f"{row.seconds:.2f}"
        return (
            f"{row.seconds:.2f} ({' + '.join(f'{t:.2f}' for t in row.timing.samples)})"
        )

    def speedup(row: Row) -> str:
        ratio = measure.speedup(baseline, row.timing)
        return ratio.cell().replace("x", "×", 1) if halves else f"{ratio.median:.2f}×"

    return measure.table(
        [
            "Model",
            "Total time (s)" + (": both runs" if halves else ""),
            "Speed-up vs sequential",
            "CPU time (s)",
            "Notes",
        ],
        [
            [
                row.name,
                total(row),
                speedup(row),
                f"{row.cpu_seconds:.2f}",
                f"{row.model.processor.workers(files)}; {row.model.note}",
            ]
            for row in rows
        ],
    )


def explain(rows: list[Row]) -> list[str]:
    """A sentence per row: this run's numbers, then the reason, then the checks."""
    baseline = rows[0]
    by_key = {row.model.key: row for row in rows}
    said = []
    for row in rows:
        speed = measure.speedup(baseline.timing, row.timing).median
        numbers = f"{row.seconds:.2f} s"
        if row is not baseline:
            numbers += f", {speed:.2f}× the sequential speed"
        sentence = f"**{row.name}** ({numbers}): {row.model.why}"
        if row.model.key == "threads" and baseline.model.processor.mode == "cpu":
            sentence += " " + threads_cpu_time(row, baseline)
        if row.model.key == "asyncio_pool" and "multiprocessing" in by_key:
            sentence += " " + same_pool_work(row, by_key["multiprocessing"])
        if row.model.alone and row.on_cpu < ALONE:
            sentence += (
                f" Its work was on a CPU only {row.on_cpu:.0%} of the time spent on "
                "files: other programs were using the CPUs meanwhile."
            )
        said.append(sentence)
    if baseline.model.processor.mode == "io":
        most = max(row.cpu_seconds / row.seconds for row in rows)
        said.append(
            f"**CPU time**: no row spent more than {most:.1%} of its total time on a "
            "CPU. Waiting costs time, not CPU."
        )
    else:
        said.append(drift(baseline.timing))
    return [f"- {sentence}" for sentence in said]


def threads_cpu_time(threads: Row, baseline: Row) -> str:
    """What the threads' CPU time says about their speed-up (CPU mode)."""
    more = threads.cpu_seconds / baseline.cpu_seconds - 1
    said = (
        f"Their work took {threads.cpu_seconds:.2f} s of CPU time, against the "
        f"baseline's {baseline.cpu_seconds:.2f} s ({more:+.0%})"
    )
    if not measure.gil_enabled():
        return said + "."
    if more <= SIMILAR:
        return said + ": taking turns cost them next to nothing beyond the work."
    interval = sys.getswitchinterval() * 1000
    return said + (
        ": the slowdown is in the computing itself, not in waiting. The GIL changes "
        f"hands every switch interval ({interval:g} ms), and each time the thread "
        "that gets it resumes a word count whose data the other threads have pushed "
        "out of the CPU's caches, so the same work costs more CPU time. A longer "
        "interval makes those switches rarer (`--switch-interval 0.1`)."
    )


def same_pool_work(row: Row, pool: Row) -> str:
    """The executor does what the pool does: what a difference between them means."""
    time_gap = row.seconds / pool.seconds - 1
    cpu_gap = row.cpu_seconds / pool.cpu_seconds - 1
    said = (
        f"It did the same work as the pool above, in as many processes: its time "
        f"differs from the pool's by {time_gap:+.0%}, and its work's CPU time by "
        f"{cpu_gap:+.0%}."
    )
    if abs(time_gap) <= SIMILAR:
        return said
    if cpu_gap * time_gap > 0 and abs(cpu_gap) >= abs(time_gap) / 2:
        return said + (
            " Most of that difference is the speed at which the machine ran the same "
            "work, not the model."
        )
    return said + (
        " The work's CPU time does not account for it: the difference is in "
        "starting the processes and handing them files, or in other programs."
    )


def drift(timing: measure.Timing) -> str:
    """How far the machine's speed moved: the baseline ran first and last."""
    first, last = timing.samples
    moved = last / first - 1
    return (
        "**A check on the machine**: the baseline ran first and last, with the same "
        f"half of the work, and took {first:.2f} s and {last:.2f} s ({moved:+.0%}). "
        "Every model ran once in each order, which cancels a steady drift of the "
        "machine's speed; the two runs of each speed-up, in brackets, show what was "
        "left."
    )


def run_mode(paths: list[Path], mode: str, **options: Any) -> tuple[str, list[Row]]:
    """Run the comparison for one mode: its table and explanation (Markdown), rows."""
    rows = compare(paths, mode, **options)
    table = comparison_table(rows, len(paths))
    return f"**{TITLES[mode]}**\n\n{table}\n\n" + "\n".join(explain(rows)), rows


def report(paths: list[Path], mode: str, **options: Any) -> str:
    """Run the comparison for one mode; return its table and explanation (Markdown)."""
    return run_mode(paths, mode, **options)[0]


def values(mode: str, rows: list[Row]) -> dict[str, Any]:
    """What the page's claims read from one mode's rows."""
    baseline = rows[0]
    found: dict[str, Any] = {}
    for row in rows:
        key = row.model.key
        found[f"{mode}_{key}"] = measure.Timing((row.seconds,))
        found[f"cpu_time_{mode}_{key}"] = row.cpu_seconds
        if row is not baseline:
            found[f"speedup_{mode}_{key}"] = measure.speedup(
                baseline.timing, row.timing
            )
    return found


def describe_input(paths: list[Path], work_seconds: float) -> str:
    words = [len(p.read_text(encoding="utf-8").split()) for p in paths]
    cpu = fp.Workload("cpu", work_seconds, fp.seconds_per_word())
    return (
        f"{len(paths)} files of random text (seed {fp.SEED}), {min(words):,} to "
        f"{max(words):,} words each; about {work_seconds:g} s of work per file. "
        f"In the CPU mode, one pass over a file costs {cpu.seconds_per_word * 1e9:.0f}"
        " ns per word on this machine (calibrated just now), so each file is "
        f"processed {cpu.passes(max(words))} to {cpu.passes(min(words))} times, in "
        "two runs of half as many each."
    )


def log_summary(
    log_path: Path, tail: int = 0, last_runs_of: tuple[str, ...] = ()
) -> str:
    """Check the log has an end for every start of a model or a file; show a part:
    its last ``tail`` lines, or the last run of each model named in ``last_runs_of``."""
    lines = log_path.read_text(encoding="utf-8").splitlines()

    def count(marker: str) -> int:
        return sum(marker in line for line in lines)

    def last_run(name: str) -> range:
        starts = [i for i, line in enumerate(lines) if f"model start: {name} (" in line]
        end = next(
            i for i in range(starts[-1], len(lines)) if "model end: " in lines[i]
        )
        return range(starts[-1], end + 1)

    if last_runs_of:
        shown = sorted(i for name in last_runs_of for i in last_run(name))
        part = [lines[i] for i in shown]
        which = (
            "The last run of " + " and of ".join(last_runs_of) + ", in the log's order"
        )
    else:
        part, which = lines[-tail:], f"Its last {tail} lines"
    models_ok = count("model start: ") == count("model end: ")
    files_ok = count("file start: ") == count("file end: ")
    return "\n".join(
        [
            f"The log `{log_path}` has {len(lines)} lines: {count('model start: ')} "
            f"model runs and {count('file start: ')} files processed. Every model and "
            f"file that started also ended: {models_ok and files_ok}. {which}:",
            "",
            "```text",
            *part,
            "```",
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work-seconds", type=float, default=fp.WORK_SECONDS)
    parser.add_argument("--log-dir", type=Path, default=fp.DEFAULT_LOG_DIR)
    parser.add_argument("--switch-interval", type=float, default=None)
    args = parser.parse_args(argv)
    if args.switch_interval is not None:
        sys.setswitchinterval(args.switch_interval)
    options = {"work_seconds": args.work_seconds, "log_dir": args.log_dir}

    found: dict[str, Any] = {"work": args.work_seconds}
    with tempfile.TemporaryDirectory(prefix="assignment-files-") as scratch:
        paths = fp.write_random_files(Path(scratch))
        parts = [describe_input(paths, args.work_seconds)]
        io_part, io_rows = run_mode(paths, "io", **options)
        others = measure.watch_other_programs()  # the CPU mode needs free CPUs
        cpu_part, cpu_rows = run_mode(paths, "cpu", **options)
        taken = others()
    parts += [io_part, cpu_part]
    size = io_rows[-2].model.processor.pool_size(len(paths))  # Pool() without a size
    found |= values("io", io_rows) | values("cpu", cpu_rows)
    found["rounds_default"] = math.ceil(len(paths) / size)
    measure.report(
        "\n\n".join(parts),
        statistic=STATISTIC,
        start_method=fp.DEFAULT_START_METHOD,
        others=taken,
        values=found,
    )
    # Worker processes log through a queue; the baseline's files end one by one.
    print()
    print(
        log_summary(
            args.log_dir / fp.LOG_FILE, last_runs_of=("Multiprocessing", "Sequential")
        )
    )


if __name__ == "__main__":
    main()
