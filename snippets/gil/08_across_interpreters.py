"""The same CPU-bound thread benchmark under every interpreter on the build machine.

Looks for python3.11 to python3.15 and the free-threaded python3.13t, python3.14t
and python3.15t, first under ``~/.pyenv/versions/*/bin/`` (or ``$PYENV_ROOT``), then
on ``PATH``; the interpreter running this program counts as found in any case,
and has a row even when its name is not among those (a newer release, say).
Each one found runs ``03_cpu_bound_threads_vs_processes.py --json`` as its own
process, one after another so that they never compete for the CPUs, and reports
its own version, build and timings; that module also turns the JSON into rows. A
candidate that fails to start (such as a pyenv shim for a version that is not
selected) is skipped for the next one.

The rows compare builds, not only versions: each says how its interpreter was
compiled, from ``sysconfig.get_config_var("CONFIG_ARGS")`` (whether ``configure``
was given ``--enable-optimizations`` for profile-guided optimization and
``--with-lto`` for link-time optimization, which CPython's build documentation
recommends for speed). A distribution may optimize in its own build scripts
instead, which this record does not show.
"""

import importlib
import json
import os
import platform
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

NAMES = [
    "python3.11",
    "python3.12",
    "python3.13",
    "python3.14",
    "python3.15",
    "python3.13t",
    "python3.14t",
    "python3.15t",
]
# Python puts this file's folder first on sys.path, so its sibling imports by name.
benchmark = importlib.import_module("03_cpu_bound_threads_vs_processes")
BENCHMARK = Path(benchmark.__file__)


def version_key(path: Path) -> tuple[int, ...]:
    """Order pyenv installs such as 3.12.1 and 3.12.10 by their numbers."""
    return tuple(int(part) for part in re.findall(r"\d+", path.parents[1].name))


def this_interpreter() -> tuple[str, Path]:
    """The running interpreter's name (python3.13t, say) and executable.

    In a virtual environment, the executable is the one the environment was made from.
    """
    free = "t" if sysconfig.get_config_var("Py_GIL_DISABLED") else ""
    name = f"python{sys.version_info.major}.{sys.version_info.minor}{free}"
    return name, Path(getattr(sys, "_base_executable", sys.executable))


def candidates(name: str) -> list[Path]:
    pyenv = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    found = sorted((pyenv / "versions").glob(f"*/bin/{name}"), key=version_key)[::-1]
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        path = Path(directory, name)
        if directory and path.is_file() and os.access(path, os.X_OK):
            found.append(path)
    this_name, this_path = this_interpreter()
    if name == this_name:  # the interpreter running this program is found for sure
        found.append(this_path)
    return found


# --8<-- [start:run]
def run(path: Path) -> dict | str:
    """The benchmark's JSON result, or why it could not run."""
    try:
        done = subprocess.run(
            [str(path), str(BENCHMARK), "--json"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return repr(error)
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        return lines[-1] if lines else f"exit status {done.returncode}"
    return json.loads(done.stdout.strip().splitlines()[-1])


# --8<-- [end:run]


def shown(path: Path) -> str:
    home = str(Path.home())
    text = str(path)
    return "~" + text[len(home) :] if text.startswith(home + os.sep) else text


# --8<-- [start:find]
def find_and_run(name: str, seen: dict[str, str]) -> tuple[Path, dict] | str:
    """Run the benchmark under the first working ``name``; or say why there is none.

    ``seen`` maps the real paths of interpreters already run to their names, so
    that one interpreter reachable under two names runs once.
    """
    errors = []
    for path in candidates(name):
        real = os.path.realpath(path)
        if real in seen:
            return f"{name} is the same interpreter as {seen[real]}."
        result = run(path)
        if isinstance(result, dict):
            seen[real] = name
            return path, result
        errors.append(f"{shown(path)}: {result}")
    if errors:
        return f"Found {name} but could not run it: {'; '.join(errors)}."
    return ""  # not found


# --8<-- [end:find]


def main() -> None:
    others = measure.watch_other_programs()  # the benchmarks are this run's children
    this = os.path.realpath(this_interpreter()[1])
    seen: dict[str, str] = {}
    rows, results, missing, notes = [], [], [], []
    # The interpreter running this program has a row even where NAMES lacks it.
    for name in dict.fromkeys([*NAMES, this_interpreter()[0]]):
        found = find_and_run(name, seen)
        if isinstance(found, str):
            (notes if found else missing).append(found or name)
            continue
        path, result = found
        results.append(result)
        label = f"{name} (builds this site)" if os.path.realpath(path) == this else name
        rows.append([label, f"`{shown(path)}`", *benchmark.json_row(result)])

    if results:
        print(
            f"Each row ran as its own process under the interpreter it names, on "
            f"{platform.system()} {platform.machine()} with {results[0]['cpus']} "
            f"usable CPUs; {results[0]['repeats']} repeats after a warm-up run; "
            f"times as median (min–max) in seconds; speed-up: one thread's time over "
            f"the pool's within each round, as the median round (slowest–fastest); "
            f"CPUs busy: the threads' CPU time per second, median (min–max) of the "
            f"rounds; built with: the compiler, and the optimizations `configure` "
            f"was given.\n"
        )
        headers = ["Interpreter", "Found at", *benchmark.JSON_HEADERS]
        print(measure.table(headers, rows))
    if missing:
        print(f"\nNot found on this machine: {', '.join(missing)}.")
    for note in notes:
        print(f"\n{note}")
    measure.record(summary(results), others=others())


def summary(results: list[dict]) -> dict[str, measure.Ratio | list[float]]:
    """Print what each group of interpreters did; return every round of each group."""
    values: dict[str, measure.Ratio | list[float]] = {}
    for gil, what, name in ((True, "with the GIL", "with_gil"),
                            (False, "without the GIL", "without_gil")):  # fmt: skip
        group = [result for result in results if result["gil_enabled"] is gil]
        if not group:
            continue
        busy = [x for result in group for x in result["threads_cpus_busy"]]
        speeds = [benchmark.json_speedup(result) for result in group]
        rounds = [x for speed in speeds for x in speed.samples]
        print(
            f"\nThe {len(group)} interpreter(s) running {what} kept {min(busy):.2f} "
            f"to {max(busy):.2f} CPUs busy with their threads in every round, which "
            f"ran at {min(rounds):.2f} to {max(rounds):.2f} times one thread's speed."
        )
        values[f"busy_{name}"] = busy  # CPUs, every round of every interpreter
        values[f"speedup_{name}"] = measure.Ratio(tuple(rounds))
    return values


if __name__ == "__main__":
    main()
