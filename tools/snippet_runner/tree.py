"""A snippet and every process it starts, as one tree the runner can watch and kill whole.

A snippet may start pool workers, a forkserver, or a subprocess that starts its own.
The runner's guarantees (a timeout, the whole tree killed, leftovers reported) need a
name for all of them at once, and each OS has its own:

- POSIX: a new session makes the snippet the leader of a process group, and the group
  names every process it starts. ``/proc`` (Linux) tells a live member from a zombie;
  without it (macOS) a zombie counts as alive.
- Windows: a job object (kernel32, through ctypes) holds the snippet and, by default,
  every process started inside it. The runner adds the snippet to the job right after
  starting it, before Python has run a line of the snippet's code. There is no signal
  that makes Python print where it hung, so a timeout there only kills.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any, ClassVar


def kill_leftovers(tree: ProcessTree, grace: float = 1.0) -> bool:
    """Kill whatever is left of the tree after ``grace`` seconds; True if anything was."""
    deadline = time.monotonic() + grace
    while tree.alive():
        if time.monotonic() >= deadline:
            tree.kill()
            # Killing is asynchronous: return only once the tree is gone.
            gone_by = time.monotonic() + 5
            while tree.alive() and time.monotonic() < gone_by:
                time.sleep(0.02)
            return True
        time.sleep(0.05)
    return False


class _ProcessGroup:
    """POSIX: the snippet's process group."""

    popen_options: ClassVar[dict[str, Any]] = {"start_new_session": True}

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.pgid = proc.pid

    def ask_where_it_hangs(self, proc: subprocess.Popen[bytes]) -> None:
        """SIGABRT makes faulthandler (PYTHONFAULTHANDLER) print every thread's stack."""
        try:
            os.kill(proc.pid, signal.SIGABRT)
            proc.wait(timeout=2)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pgid, signal.SIGKILL)

    def alive(self) -> bool:
        """Whether a live (not zombie) process is still in the group.

        Zombies count as dead: where PID 1 does not reap orphans (some containers), an
        exited worker stays a zombie in the group forever.
        """
        proc = Path("/proc")
        if not proc.is_dir():  # macOS: no /proc; a zombie then counts as alive
            try:
                os.killpg(self.pgid, 0)
            except ProcessLookupError:
                return False
            except PermissionError:
                pass
            return True
        for stat in proc.glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:
                continue  # the process ended while we looked
            state, group = fields[0], int(fields[2])
            if group == self.pgid and state not in "ZX":
                return True
        return False

    def close(self) -> None:
        pass


class _JobObject:
    """Windows: a job object that holds the snippet and the processes it starts."""

    popen_options: ClassVar[dict[str, Any]] = {}

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self._k32 = _kernel32()
        self._job = self._k32.CreateJobObjectW(None, None)
        process = self._k32.OpenProcess(_SET_QUOTA | _TERMINATE, False, proc.pid)
        assigned = self._job and process and self._k32.AssignProcessToJobObject(self._job, process)
        error = ctypes.get_last_error()
        if process:
            self._k32.CloseHandle(process)
        if not assigned and proc.poll() is None:
            raise ctypes.WinError(error)

    def ask_where_it_hangs(self, proc: subprocess.Popen[bytes]) -> None:
        pass  # no signal makes faulthandler print on Windows

    def kill(self) -> None:
        self._k32.TerminateJobObject(self._job, 1)

    def alive(self) -> bool:
        info = _Accounting()
        size = ctypes.sizeof(info)
        if not self._k32.QueryInformationJobObject(self._job, 1, ctypes.byref(info), size, None):
            raise ctypes.WinError(ctypes.get_last_error())
        return info.ActiveProcesses > 0

    def close(self) -> None:
        self._k32.CloseHandle(self._job)


_SET_QUOTA, _TERMINATE = 0x0100, 0x0001  # the access AssignProcessToJobObject needs


class _Accounting(ctypes.Structure):
    """JOBOBJECT_BASIC_ACCOUNTING_INFORMATION (information class 1)."""

    _fields_ = [
        ("TotalUserTime", ctypes.c_int64),
        ("TotalKernelTime", ctypes.c_int64),
        ("ThisPeriodTotalUserTime", ctypes.c_int64),
        ("ThisPeriodTotalKernelTime", ctypes.c_int64),
        ("TotalPageFaultCount", ctypes.c_uint32),
        ("TotalProcesses", ctypes.c_uint32),
        ("ActiveProcesses", ctypes.c_uint32),
        ("TotalTerminatedProcesses", ctypes.c_uint32),
    ]


def _kernel32() -> Any:
    """kernel32 with the signatures used here (a HANDLE is pointer-sized)."""
    from ctypes import wintypes

    k32 = ctypes.WinDLL("kernel32", use_last_error=True)
    handle, dword, pointer = wintypes.HANDLE, wintypes.DWORD, ctypes.c_void_p
    k32.CreateJobObjectW.restype = k32.OpenProcess.restype = handle
    k32.CreateJobObjectW.argtypes = [pointer, pointer]
    k32.OpenProcess.argtypes = [dword, wintypes.BOOL, dword]
    k32.AssignProcessToJobObject.argtypes = [handle, handle]
    k32.TerminateJobObject.argtypes = [handle, wintypes.UINT]
    k32.QueryInformationJobObject.argtypes = [handle, ctypes.c_int, pointer, dword, pointer]
    k32.CloseHandle.argtypes = [handle]
    return k32


ProcessTree = _JobObject if os.name == "nt" else _ProcessGroup
