"""The runner's process handling where a build meets the outside world: a ``kill`` of the
build, and the paths its tracebacks name.

A static build stopped with SIGTERM must not leave the snippet it was running alive
(the snippet runs in its own session, out of reach of a signal to the build's group);
a traceback on a page names ``snippets/...py`` as the page does, not the absolute path
of the checkout that built it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import throwaway_site
from snippet_runner.process import relative_tracebacks, run_snippet

STARTS_A_CHILD_AND_WAITS = '''"""Starts a child that outlives it unless killed, then waits."""
import os, subprocess, sys, time
from pathlib import Path


def main():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    Path({ready!r}).write_text(f"{{os.getpid()}} {{child.pid}}")
    time.sleep(600)


if __name__ == "__main__":
    main()
'''


def alive(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie is not: nothing may reap it here)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] not in "ZX"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc (Linux)")
def test_sigterm_on_a_static_build_kills_the_running_snippets_tree(tmp_path: Path) -> None:
    ready = tmp_path / "ready"
    site = throwaway_site(tmp_path / "src", STARTS_A_CHILD_AND_WAITS.format(ready=str(ready)))
    env = {**os.environ, "SNIPPET_CACHE": "0", "NO_MKDOCS_2_WARNING": "1"}
    env.pop("MKDOCS_CONFIG_DIR", None)
    log = tmp_path / "build.log"
    with log.open("w") as out:
        build = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(tmp_path / "site")],
            cwd=site,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # the signal reaches the build alone, as `kill PID` sends it
        )
    pids: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while not ready.is_file() and build.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ready.is_file(), log.read_text()
        time.sleep(0.2)  # the file is written whole before the snippet sleeps
        pids = [int(pid) for pid in ready.read_text().split()]
        assert all(alive(pid) for pid in pids)
        build.send_signal(signal.SIGTERM)
        assert build.wait(timeout=30) == -signal.SIGTERM, log.read_text()  # dies of it, still
        gone_by = time.monotonic() + 10
        while any(alive(pid) for pid in pids) and time.monotonic() < gone_by:
            time.sleep(0.05)
        assert not [pid for pid in pids if alive(pid)], "the snippet's tree outlived the build"
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
        for pid in pids:  # never leave them behind, even when the test fails
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_traceback_names_the_snippet_relative_to_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MKDOCS_CONFIG_DIR", str(tmp_path))
    snippet = tmp_path / "snippets" / "demo" / "01_raises.py"
    snippet.parent.mkdir(parents=True)
    snippet.write_text('def main():\n    raise ValueError("boom")\n\n\nmain()\n')
    run = run_snippet(snippet, 60)
    assert run.returncode == 1, run.output
    assert 'File "snippets/demo/01_raises.py", line 5, in <module>' in run.output
    assert 'File "snippets/demo/01_raises.py", line 2, in main' in run.output
    assert str(tmp_path) not in run.output


def test_only_traceback_lines_inside_the_project_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path.resolve()
    monkeypatch.setenv("MKDOCS_CONFIG_DIR", str(root))
    inside = f'  File "{root / "snippets" / "a.py"}", line 3, in main'
    outside = '  File "/usr/lib/python3.11/threading.py", line 9, in run'
    printed = f"the snippet printed {tmp_path / 'x'} itself"
    assert relative_tracebacks("\n".join([inside, outside, printed])) == "\n".join(
        ['  File "snippets/a.py", line 3, in main', outside, printed]
    )


PRINTS_ITS_CTRL_C = """import signal


def main():
    print("ctrl-c works:", signal.getsignal(signal.SIGINT) is signal.default_int_handler)


if __name__ == "__main__":
    main()
"""
IGNORES_CTRL_C_AND_RUNS = """import pathlib, signal, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)
sys.path.insert(0, sys.argv[1])
from snippet_runner.process import run_snippet
print(run_snippet(pathlib.Path(sys.argv[2]), 60).output)
print("the build still ignores it:", signal.getsignal(signal.SIGINT) is signal.SIG_IGN)
"""


@pytest.mark.skipif(os.name == "nt", reason="POSIX signals")
def test_a_snippet_gets_ctrl_c_even_where_the_build_ignores_it(tmp_path: Path) -> None:
    """As a script's ``build &`` starts it, without job control: SIGINT ignored."""
    snippet = tmp_path / "01_ctrl_c.py"
    snippet.write_text(PRINTS_ITS_CTRL_C)
    tools = Path(__file__).resolve().parents[1] / "tools"
    result = subprocess.run(
        [sys.executable, "-c", IGNORES_CTRL_C_AND_RUNS, str(tools), str(snippet)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "ctrl-c works: True" in result.stdout, result.stdout + result.stderr
    assert "the build still ignores it: True" in result.stdout
