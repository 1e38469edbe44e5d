"""A snippet and every process it starts, as one tree the runner can watch and kill whole.

A snippet may start pool workers, a forkserver, or a subprocess that starts its own.
The runner's guarantees (a timeout, the whole tree killed, leftovers reported) need a
name for all of them at once, and each OS has its own:

- POSIX: a new session makes the snippet the leader of a process group, and the group
  names every process it starts. ``/proc`` (Linux) tells a live member from a zombie;
  without it (macOS) a zombie counts as alive.
- Windows: a job object (kernel32, through ctypes) holds the snippet and every process
  started inside it, and counts the live ones. The snippet starts suspended, joins the
  job, then resumes, so nothing it starts escapes. No signal makes Python print where
  it hung there, so a timeout only kills.
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


_CREATE_SUSPENDED = 0x00000004
# What the runner does to the snippet's process: assign it to a job, terminate, resume.
_ACCESS = 0x0100 | 0x0001 | 0x0800  # PROCESS_SET_QUOTA, _TERMINATE, _SUSPEND_RESUME


class _JobObject:
    """Windows: a job object that holds the snippet and the processes it starts."""

    # Started suspended, so that nothing runs before it is in the job: in a virtual
    # environment, python.exe is a launcher that starts the real interpreter at once.
    popen_options: ClassVar[dict[str, Any]] = {"creationflags": _CREATE_SUSPENDED}

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self._k32 = _kernel32()
        self._job = self._k32.CreateJobObjectW(None, None)
        process = self._k32.OpenProcess(_ACCESS, False, proc.pid)
        try:
            if not (
                self._job and process and self._k32.AssignProcessToJobObject(self._job, process)
            ):
                proc.kill()
                raise ctypes.WinError(ctypes.get_last_error())
            _resume(process)
        finally:
            if process:
                self._k32.CloseHandle(process)

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
    info = ctypes.POINTER(_Accounting)
    k32.QueryInformationJobObject.argtypes = [handle, ctypes.c_int, info, dword, pointer]
    k32.CloseHandle.argtypes = [handle]
    return k32


def _resume(process: int) -> None:
    """NtResumeProcess: not in the Windows SDK documentation, but stable since Windows XP
    (psutil resumes processes this way); documented APIs resume one thread at a time."""
    from ctypes import wintypes

    ntdll = ctypes.WinDLL("ntdll")
    ntdll.NtResumeProcess.argtypes = [wintypes.HANDLE]
    ntdll.NtResumeProcess(process)


ProcessTree = _JobObject if os.name == "nt" else _ProcessGroup
