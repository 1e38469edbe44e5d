"""Why a program that starts processes needs ``if __name__ == "__main__":``.

Under spawn, a child starts a fresh interpreter and imports the parent's main
module (as ``__mp_main__``) to find the function it must run. Everything at the
top level of that module runs again in the child. (Under forkserver the same
import happens in each child up to Python 3.13.7 and in 3.14.0, and once, in the
fork server, from 3.13.8 and 3.14.1; where that import fails, a 3.15 fork server
carries on and each child imports the module again: see
18_how_often_the_main_module_runs.py.)
Without the guard, that includes the line that starts a process, and
multiprocessing stops the child with a RuntimeError. This program writes a tiny
script without the guard and one with it into its working directory, runs each
in its own interpreter with a time limit, and prints what happened.
"""

import subprocess
import sys
import textwrap
from pathlib import Path

# --8<-- [start:scripts]
HEADER = """\
import multiprocessing
import os

print(f"top level runs in {multiprocessing.current_process().name}", flush=True)


def hello():
    print(f"hello from the child, pid {os.getpid()}", flush=True)
"""

WITHOUT_GUARD = """
ctx = multiprocessing.get_context("spawn")
child = ctx.Process(target=hello)
child.start()
child.join()
print(f"parent: the child's exit code is {child.exitcode}")
"""

WITH_GUARD = """
def main():
    ctx = multiprocessing.get_context("spawn")
    child = ctx.Process(target=hello)
    child.start()
    child.join()
    print(f"parent: the child's exit code is {child.exitcode}")


if __name__ == "__main__":
    main()
"""
# --8<-- [end:scripts]


def run(name: str, body: str) -> str:
    script = Path(name)
    script.write_text(HEADER + body, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, script.name],
        capture_output=True,
        text=True,
        timeout=60,  # a broken script must never hang the build
        check=False,
    )
    print(f"$ python {script.name}    (exit status {result.returncode})")
    print(textwrap.indent(result.stdout.rstrip(), "  "))
    return result.stderr


def last_error(stderr: str, name: str) -> str:
    """The final ``name: message`` of a traceback, message lines dedented."""
    start = stderr.rfind(f"{name}:")
    if start < 0:
        return f"(no {name} in stderr)"
    first, _, rest = stderr[start:].partition("\n")
    return (first.rstrip() + "\n" + textwrap.dedent(rest)).strip()


def main() -> None:
    stderr = run("no_guard.py", WITHOUT_GUARD)
    print("  The child's stderr ends with:")
    error = last_error(stderr, "RuntimeError")
    print(textwrap.indent(error, "  | ", predicate=lambda line: True))
    print()
    stderr = run("with_guard.py", WITH_GUARD)
    print(f"  stderr: {stderr.strip() or '(empty)'}")


if __name__ == "__main__":
    main()
