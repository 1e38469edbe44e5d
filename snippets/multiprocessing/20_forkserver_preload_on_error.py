"""What the fork server does when a module it preloads fails to import: Python 3.15's
``set_forkserver_preload(..., on_error=...)``.

``multiprocessing.set_forkserver_preload(names)`` lists modules for the fork server
to import when it starts, so that every child it forks inherits them already
imported. Here the list holds one module that exists (``colorsys``) and one that
does not. 3.15 adds ``on_error``, which says what a failed import does:

- ``"ignore"`` (the default, and the only behaviour before 3.15): nothing;
- ``"warn"``: the server issues an ``ImportWarning``, and carries on. The server
  runs with this interpreter's ``-W`` and ``-X`` options, and by default Python's
  warning filters ignore ``ImportWarning``, so the warning appears only where a
  filter shows it: the program tries it both ways;
- ``"fail"``: the server exits with the traceback on its stderr, and starting a
  process fails with ``EOFError`` or a ``ConnectionError``.

The fork server is started once per program, so each case runs in a fresh Python
process (this file, run with the case's name), and the table shows whether the
process started, whether its worker had ``colorsys`` preloaded, and what the fork
server wrote to stderr. Before 3.15 the program says which version adds
``on_error`` and shows the one behaviour it has. The forkserver start method needs
POSIX; on Windows the program says so.
"""

import json
import multiprocessing
import platform
import re
import subprocess
import sys
from pathlib import Path

PRELOAD = ["colorsys", "no_such_module"]  # the second one cannot be imported
TIMEOUT = 60  # seconds for each case's Python process


# --8<-- [start:case]
def worker() -> None:
    sys.exit(0 if "colorsys" in sys.modules else 3)  # inherited from the server?


def one_case(on_error: str | None) -> dict:
    """In a fresh process: preload PRELOAD with ``on_error``, start one worker."""
    context = multiprocessing.get_context("forkserver")
    if on_error is None:  # before 3.15: no on_error, failures are ignored
        context.set_forkserver_preload(PRELOAD)
    else:
        context.set_forkserver_preload(PRELOAD, on_error=on_error)
    process = context.Process(target=worker)
    try:
        process.start()
    except (EOFError, ConnectionError) as error:  # the server died: "fail"
        notes = " ".join(getattr(error, "__notes__", []))
        return {"raised": f"{type(error).__name__}", "note": notes}
    process.join(timeout=TIMEOUT)
    return {"exitcode": process.exitcode}


# --8<-- [end:case]


def run_case(on_error: str | None, flags: list[str]) -> dict:
    """Run this file as a new Python process for one case: its result and stderr."""
    me = str(Path(__file__).resolve())
    done = subprocess.run(
        [sys.executable, *flags, me, "--case", str(on_error)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["stderr"] = done.stderr
    return result


def what_stderr_says(stderr: str) -> str:
    """The warning, or the traceback's last line, the fork server wrote; or nothing."""
    warning = re.search(r"(ImportWarning: .*)", stderr)
    if warning:
        return f"`{warning[1]}`"
    lines = stderr.strip().splitlines()
    return f"a traceback, ending `{lines[-1]}`" if lines else "nothing"


def row(label: str, result: dict) -> str:
    if "raised" in result:
        started = f"raised `{result['raised']}`"
        if result["note"]:
            started += f", with the note: {result['note']}"
        preloaded = "(no worker)"
    else:
        started = "started"
        preloaded = {0: "yes", 3: "no"}.get(result["exitcode"], str(result["exitcode"]))
    return (
        f"| {label} | {started} | {preloaded} | {what_stderr_says(result['stderr'])} |"
    )


def main() -> None:
    if "--case" in sys.argv:  # one case, in its own process: print its result
        on_error = sys.argv[-1]
        print(json.dumps(one_case(None if on_error == "None" else on_error)))
        return
    version = platform.python_version()
    if "forkserver" not in multiprocessing.get_all_start_methods():
        print(f"Python {version}: the forkserver start method needs POSIX.")
        return
    has_on_error = sys.version_info >= (3, 15)
    print(f"Python {version}: the fork server preloads {PRELOAD}\n")
    print(
        "| `on_error=` | `Process.start()` | `colorsys` preloaded | server's stderr |"
    )
    print("|---|---|---|---|")
    # --8<-- [start:cases]
    shows_import_warnings = ["-W", "default::ImportWarning"]  # a warning filter
    cases = [  # (the table's label, on_error, options of the case's Python)
        ('`"ignore"` (the default)', "ignore", []),
        ('`"warn"`', "warn", []),
        (
            '`"warn"`, run with `-W default::ImportWarning`',
            "warn",
            shows_import_warnings,
        ),
        ('`"fail"`', "fail", []),
    ]
    if not has_on_error:
        cases = [("(none: before 3.15)", None, [])]
    for label, on_error, options in cases:
        print(row(label, run_case(on_error, options)))
    # --8<-- [end:cases]
    if not has_on_error:
        print(
            f"\n`set_forkserver_preload(..., on_error=...)` needs Python 3.15; this is "
            f"{version}, where a module that fails to preload is always ignored."
        )
        return
    try:
        multiprocessing.set_forkserver_preload(PRELOAD, on_error="raise")
    except ValueError as error:
        print(f'\n`on_error="raise"`: `ValueError: {error}`')


if __name__ == "__main__":
    main()
