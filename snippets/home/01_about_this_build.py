"""Describe the interpreter and machine that run this program.

The site's home page shows this program's output, so readers know where the
numbers on every page came from.
"""

import datetime
import multiprocessing
import os
import platform
import subprocess
import sys
import sysconfig
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def git_commit() -> str:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=Path(__file__).parent,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)"
    return result.stdout.strip()


def main() -> None:
    free_threaded = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    usable = getattr(os, "process_cpu_count", None)
    rows = {
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "Build": ("free-threaded" if free_threaded else "standard (with a GIL)")
        + f", GIL {'enabled' if gil else 'disabled'} at run time",
        "Operating system": f"{platform.system()} {platform.release()}",
        "Architecture": platform.machine(),
        "CPU": cpu_model(),
        "CPUs": f"{os.cpu_count()} in the machine"
        + (f", {usable()} usable by this process" if usable else ""),
        "Default start method": multiprocessing.get_start_method(),
        "Built on": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "Git commit": git_commit(),
    }
    width = max(map(len, rows))
    for key, value in rows.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
