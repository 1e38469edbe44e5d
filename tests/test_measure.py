"""snippets/measure.py's reading of how busy other programs kept the CPUs.

The tests that skip a speed-up check on a busy machine trust this number, so its
arithmetic and its idea of "this run" (the process and every descendant) are checked
here with CPU time, which other programs cannot change.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time

import pytest
from helpers import ROOT, others_share

sys.path.insert(0, str(ROOT / "snippets"))
import measure  # the snippets' helper, imported as the snippets import it

LINUX_PROC = os.path.exists("/proc/stat") and hasattr(os, "sched_getaffinity")


def burn(seconds: float) -> None:
    """Use ``seconds`` of CPU time, however long that takes on a busy machine."""
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_the_share_is_what_others_used_of_the_usable_cpus(monkeypatch) -> None:
    readings = iter([(1_000, 40), (1_000 + 3 * 100, 40 + 2 * 100)])  # clock ticks
    clock = iter([10.0, 11.0])
    monkeypatch.setattr(measure, "_cpu_ticks", lambda cpus: next(readings))
    monkeypatch.setattr(measure.time, "monotonic", lambda: next(clock))
    monkeypatch.setattr(measure.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(measure.os, "sysconf", lambda name: 100)
    # 3 s of busy CPU time, 2 of them ours: others used 1 s of 2 CPUs x 1 s.
    assert measure.watch_other_programs()() == pytest.approx(0.5)


def test_the_share_is_unknown_without_proc(monkeypatch) -> None:
    monkeypatch.setattr(measure, "_cpu_ticks", lambda cpus: None)
    assert measure.watch_other_programs()() is None
    assert "other programs" not in measure.provenance(others=None)
    line = measure.provenance(others=0.123)
    assert others_share(line) == pytest.approx(0.12)


@pytest.mark.skipif(not LINUX_PROC, reason="reads Linux's /proc")
@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_descendants_count_as_the_run(method: str) -> None:
    """A forkserver's workers are its children, not ours: they must count all the same."""
    cpus = os.sched_getaffinity(0)
    before = measure._cpu_ticks(cpus)
    with multiprocessing.get_context(method).Pool(2) as pool:
        pool.map(burn, [0.3, 0.3])
        during = measure._cpu_ticks(cpus)  # the workers are alive
    after = measure._cpu_ticks(cpus)  # and now ended
    hz = os.sysconf("SC_CLK_TCK")
    for reading in (during, after):
        own = (reading[1] - before[1]) / hz
        assert own >= 0.5, f"only {own} s of the workers' 0.6 s counted as this run's"
        assert reading[0] - before[0] >= reading[1] - before[1] - 2 * len(cpus)


@pytest.mark.skipif(not LINUX_PROC, reason="reads Linux's /proc")
def test_a_real_reading_is_a_share() -> None:
    share = measure.watch_other_programs()
    burn(0.1)
    assert 0 <= share() <= 1


@pytest.mark.skipif(LINUX_PROC, reason="this machine has /proc/stat")
def test_elsewhere_the_share_is_unknown() -> None:
    assert sys.platform != "linux"
    assert measure.watch_other_programs()() is None
