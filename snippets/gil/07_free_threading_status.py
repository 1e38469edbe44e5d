"""Is this interpreter free-threaded, is its GIL on, and what do ``-X gil`` and
``PYTHON_GIL`` do here?

``sysconfig.get_config_var("Py_GIL_DISABLED")`` says how the interpreter was
built; ``sys._is_gil_enabled()`` (3.13+) says whether the GIL is on right now,
which on a free-threaded build can change at start-up (``-X gil=1``,
``PYTHON_GIL=1``) or when an extension module that has not declared itself safe
without the GIL is imported. Each setting is tried in a child interpreter.

On a free-threaded build, the CPU-bound thread benchmark of this chapter also
runs twice, with the GIL forced on and forced off, in child processes; its own
module (03) turns their JSON output into table rows.
"""

import importlib
import json
import os
import platform
import subprocess
import sys
import sysconfig
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

# Python puts this file's folder first on sys.path, so its sibling imports by name.
benchmark = importlib.import_module("03_cpu_bound_threads_vs_processes")
BENCHMARK = Path(benchmark.__file__)
# --8<-- [start:probe]
PROBE = (
    "import sys; "
    "print('sys._is_gil_enabled():', getattr(sys, '_is_gil_enabled', "
    "lambda: 'not available')(), '; sys._xoptions:', sys._xoptions)"
)


def child(options: list[str], env: dict[str, str]) -> str:
    """Run a child interpreter; describe how it ended and its first line."""
    done = subprocess.run(
        [sys.executable, *options, "-c", PROBE],
        env=os.environ | env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    lines = (done.stdout + done.stderr).strip().splitlines()
    first = lines[0] if lines else "(no output)"
    return f"exit status {done.returncode}: `{first}`"


# --8<-- [end:probe]


def gil_on_and_off() -> None:
    """Only on a free-threaded build: the thread benchmark with the GIL on, then off."""
    rows, values = [], {}
    # The benchmark's processes are this program's children: they count as its own.
    others = measure.watch_other_programs()
    for setting, gil in (("1", "on"), ("0", "off")):
        done = subprocess.run(
            [sys.executable, "-X", f"gil={setting}", str(BENCHMARK), "--json"],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        result = json.loads(done.stdout)
        rows.append([f"`-X gil={setting}`", *benchmark.json_row(result)])
        values[f"busy_gil_{gil}"] = result["threads_cpus_busy"]  # CPUs, per round
        values[f"speedup_gil_{gil}"] = benchmark.json_speedup(result)
    measure.report(
        measure.table(["Started with", *benchmark.JSON_HEADERS], rows),
        repeats=result["repeats"],
        statistic="times as median (min–max); speed-up: one thread's time over the "
        "pool's within each round, as the median round (slowest–fastest)",
        others=others(),
        values=values,
    )


def main() -> None:
    # --8<-- [start:questions]
    free_threaded = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    rows = [
        ["Interpreter", f"`{platform.python_implementation()} {sys.version}`"],
        ['`sysconfig.get_config_var("Py_GIL_DISABLED")`',
         f"`{sysconfig.get_config_var('Py_GIL_DISABLED')!r}`"],
        ["`sys._is_gil_enabled()`",
         f"`{sys._is_gil_enabled()}`" if hasattr(sys, "_is_gil_enabled")
         else "not available (added in 3.13)"],
        ["`PYTHON_GIL` in this environment",
         f"`{os.environ['PYTHON_GIL']}`" if "PYTHON_GIL" in os.environ else "not set"],
        ["child started with `-X gil=0`", child(["-X", "gil=0"], {})],
        ["child started with `PYTHON_GIL=0`", child([], {"PYTHON_GIL": "0"})],
        ["child started with `-X gil=1`", child(["-X", "gil=1"], {})],
    ]  # fmt: skip
    # --8<-- [end:questions]
    print(measure.table(["Question", "Answer"], rows))
    print()
    if free_threaded:
        print(
            f"This site was built with a free-threaded interpreter "
            f"({measure.python_build()}). The chapter's benchmark with the GIL "
            f"forced on, then off:\n"
        )
        gil_on_and_off()
    else:
        print(
            f"This site was built with {measure.python_build()}, which is not a "
            f"free-threaded build: its GIL cannot be turned off, so every table "
            f"above was measured with the GIL. Free-threaded interpreters found "
            f"on the build machine, if any, have their own rows in the table of "
            f"interpreters further down."
        )


if __name__ == "__main__":
    main()
