"""A Debian unstable chroot with Debian's own Python packages: made once, entered safely.

Debian's unstable suite packages the newest CPythons (``python3.14``, ``python3.15``)
long before a stable distribution does, but they need a newer C library than an
older host has, so they run inside a chroot of that suite: ``debootstrap`` makes
it, ``apt-get`` adds the interpreters. ``ensure`` makes it the first time and
reuses it while it was made for the same packages; ``run`` runs a command in it.

Entering is where care goes. The chroot needs ``/proc`` and the host's ``/dev``
(``/dev/shm`` for multiprocessing's semaphores and shared memory), and those are
mounted only inside a private mount namespace (``unshare --mount``): the mounts
end with the command's last process. A bind mount left behind in the
host's namespace would make ``rm -rf`` of the chroot delete the host's device
files, so the host never sees one, and ``ensure`` refuses to delete a chroot that
anything has mounted under.

Needs root, ``debootstrap``, ``unshare`` and ``chroot``, and a Debian mirror;
``Unavailable`` says in one line which is missing.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import ssl
import subprocess
from pathlib import Path

SUITE = "sid"  # Debian unstable
PR_SET_PDEATHSIG = 1  # prctl(2): a signal the kernel sends a process when its parent dies
MIRROR = os.environ.get("DEBIAN_MIRROR", "http://deb.debian.org/debian")
STAMP = "site-chroot.json"  # in the chroot's root: what it was made with
HOST_CA = "etc/ssl/host-ca.crt"  # the host's CA bundle, copied in: pip trusts what the host does
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# What a command inside gets from the host's environment: the proxy settings and an
# index to install from (a file:// index or find-links path would not exist inside).
PASSED = ("http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY")
PASSED_URLS = ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL")
# Private mount and PID namespaces: the command is process 1 of its own PID namespace,
# so when it ends, or unshare is killed (--kill-child), everything it started ends too,
# and its /proc (a new one) shows its own processes, with the PIDs os.getpid() returns.
_UNSHARE = ["unshare", "--mount", "--propagation", "private", "--pid", "--fork", "--kill-child"]
# Inside: mounts, then the chroot; "$0" is the root, "$@" the command. --rbind carries
# the mounts below /dev along: /dev/shm (multiprocessing) and /dev/pts.
_ENTER = 'mount -t proc proc "$0/proc" && mount --rbind /dev "$0/dev" && exec chroot "$0" "$@"'


class Unavailable(Exception):
    """This machine cannot make or enter the chroot; the message says why, in one line."""


def default_root() -> Path:
    """Outside any checkout (one chroot serves every clone): ``$SITE_CHROOT``, else
    under the user's cache folder."""
    named = os.environ.get("SITE_CHROOT")
    if named:
        return Path(named)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "python-concurrency-site" / f"debian-{SUITE}"


def check_host() -> None:
    """Raise ``Unavailable`` unless this machine can make and enter a chroot."""
    if os.name != "posix" or not Path("/proc/self/mountinfo").is_file():
        raise Unavailable("a Debian chroot needs Linux")
    if os.geteuid() != 0:
        raise Unavailable("a Debian chroot needs root (debootstrap, mount and chroot)")
    for tool, package in [("debootstrap", "debootstrap"), ("unshare", "util-linux"),
                          ("chroot", "coreutils")]:  # fmt: skip
        if shutil.which(tool) is None:
            raise Unavailable(f"no {tool} here: install Debian's {package} package")


def mounted_under(root: Path) -> list[str]:
    """Mount points at or below ``root`` in this namespace (there should be none)."""
    inside = str(root.resolve())
    found = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        point = line.split()[4].replace("\\040", " ")
        if point == inside or point.startswith(inside + "/"):
            found.append(point)
    return found


def _remove(root: Path) -> None:
    if not root.exists():
        return
    if mounted := mounted_under(root):
        raise Unavailable(f"refusing to delete {root}: {', '.join(mounted)} mounted there")
    shutil.rmtree(root)


def ensure(packages: list[str], root: Path | None = None, refresh: bool = False) -> Path:
    """The chroot at ``root`` with ``packages`` installed: reused if it was made with
    them, else made anew (about a minute and a half; half a gigabyte)."""
    check_host()
    root = root or default_root()
    wanted = {"suite": SUITE, "mirror": MIRROR, "packages": sorted(packages)}
    stamp = root / STAMP
    if not refresh and stamp.is_file() and json.loads(stamp.read_text()) == wanted:
        return root
    print(f"chroot: making a Debian {SUITE} chroot at {root} with {', '.join(packages)} ...",
          flush=True)  # fmt: skip
    partial = root.with_name(root.name + ".partial")
    _remove(partial)
    partial.parent.mkdir(parents=True, exist_ok=True)
    _quiet(["debootstrap", "--variant=minbase", SUITE, str(partial), MIRROR], "debootstrap")
    for name in ("etc/resolv.conf", "etc/hosts"):  # name lookups as on the host
        if Path("/", name).is_file():
            shutil.copyfile(Path("/", name), partial / name)
    # The mirror may serve a frozen snapshot, whose Release file is past its
    # Valid-Until date; the packages are still the suite's.
    apt = ["apt-get", "-q", "-y", "-o", "Acquire::Check-Valid-Until=false"]
    _quiet(_entered(partial, [*apt, "update"]), "apt-get update")
    install = [*apt, "install", "--no-install-recommends", *packages]
    _quiet(_entered(partial, install, {"DEBIAN_FRONTEND": "noninteractive"}), "apt-get install")
    (partial / STAMP).write_text(json.dumps(wanted, indent=1) + "\n")
    _remove(root)
    partial.rename(root)
    return root


def _quiet(command: list[str], what: str) -> None:
    """Run a set-up step, showing its output only if it fails."""
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise Unavailable(f"{what} failed (exit status {done.returncode}):\n{tail}")


def _host_ca() -> Path | None:
    for name in ("PIP_CERT", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"):
        if os.environ.get(name) and Path(os.environ[name]).is_file():
            return Path(os.environ[name])
    found = ssl.get_default_verify_paths().cafile
    return Path(found) if found and Path(found).is_file() else None


def _entered(root: Path, command: list[str], env: dict[str, str] | None = None) -> list[str]:
    """The command line that runs ``command`` inside ``root``, with a clean environment:
    the fixed variables, the host's proxies and index URLs, the CA bundle, ``env``."""
    inside = {"PATH": PATH, "HOME": "/root", "LANG": "C.UTF-8", "TERM": "dumb"}
    inside |= {name: os.environ[name] for name in PASSED if name in os.environ}
    inside |= {
        name: os.environ[name]
        for name in PASSED_URLS
        if os.environ.get(name, "").startswith(("http://", "https://"))
    }
    ca = _host_ca()
    if ca is not None:
        (root / HOST_CA).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ca, root / HOST_CA)
        for name in ("PIP_CERT", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"):
            inside[name] = "/" + HOST_CA
    inside |= env or {}
    variables = [f"{name}={value}" for name, value in inside.items()]
    return [*_UNSHARE, "--", "sh", "-c", _ENTER, str(root), "/usr/bin/env", "-i", *variables,
            *command]  # fmt: skip


def _die_with_parent() -> None:
    """In the child, before exec: when this process dies, however it dies (even by
    SIGKILL, which no handler sees), the kernel sends unshare SIGKILL, and unshare's
    --kill-child ends the namespace's process 1, and with it every process inside.
    (unshare itself ignores SIGINT and SIGTERM while its child runs.)"""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")


def run(
    root: Path,
    command: list[str],
    *,
    cwd: str = "/",
    env: dict[str, str] | None = None,
    timeout: float | None = None,
) -> int:
    """Run ``command`` in the chroot, in ``cwd`` (a path inside it); its output goes to
    ours. Its mounts and processes end with it, and with this process, however this
    one ends. Returns its exit status; past ``timeout`` seconds it is killed, whole,
    and ``subprocess.TimeoutExpired`` raised."""
    inner = ["sh", "-c", 'cd "$0" && exec "$@"', cwd, *command]
    # preexec_fn runs between fork and exec; dev.py cells calls this from its only thread.
    proc = subprocess.Popen(_entered(root, inner, env), preexec_fn=_die_with_parent)  # noqa: PLW1509
    try:
        return proc.wait(timeout=timeout)
    except BaseException:  # a timeout, Ctrl-C: nothing of it may go on running
        proc.kill()  # unshare; --kill-child ends its namespace's process 1, and with it the rest
        proc.wait()
        raise
