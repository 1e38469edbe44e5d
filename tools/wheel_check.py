#!/usr/bin/env python3
"""Prove that the pins install from wheels on every supported Python and OS: ``dev.py wheels``.

``python3 dev.py`` installs ``pyproject.toml``'s packages at the exact versions
``constraints.txt`` pins. A reader on a Python or an OS for which one of those
releases has no wheel gets a source build instead: a compiler, headers and minutes
of CPU, or a failure. This check needs none of those interpreters. For each target
(a Python of ``[tool.site] pythons`` in pyproject.toml, on Linux x86-64, macOS arm64
and Windows x86-64) it walks the dependency tree the way an installer would:

- a requirement counts where its environment markers hold for the target;
- its version is the one pin in ``constraints.txt`` whose markers hold there (a
  package needed with no pin, or with two, is an error: the pins must be exact);
- that release must have a wheel whose tags the target accepts and whose
  ``Requires-Python`` admits it; its metadata (PEP 658, ``<wheel>.metadata``) gives
  the next requirements.

The package index is read through its JSON API (PEP 691), from PyPI unless
``PIP_INDEX_URL`` names another. Nothing is installed or built. The exit status is 1
and every missing wheel is named, with the package, the version and the target.
"""

from __future__ import annotations

import concurrent.futures
import functools
import http.client
import io
import json
import os
import sys
import threading
import tomllib
import urllib.error
import urllib.parse
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path

from packaging import tags
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import (
    InvalidWheelFilename,
    NormalizedName,
    canonicalize_name,
    parse_wheel_filename,
)
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
INDEX = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple").rstrip("/")
JSON = "application/vnd.pypi.simple.v1+json"
GLIBC = 39  # the newest manylinux_2_X a reader's Linux offers here (Ubuntu 24.04's glibc)


@dataclass(frozen=True)
class Target:
    """One Python on one OS: what its installer accepts, and its environment markers."""

    python: str  # "3.15", or "3.15t" for the free-threaded build
    os: str  # "Linux", "macOS", "Windows"
    patch: int = 0  # the oldest release of that Python the project admits (3.11.5: 5)

    @property
    def version(self) -> tuple[int, int]:
        major, minor = self.python.rstrip("t").split(".")
        return int(major), int(minor)

    @property
    def platforms(self) -> list[str]:
        if self.os == "Linux":
            many = [f"manylinux_2_{glibc}_x86_64" for glibc in range(GLIBC, 4, -1)]
            legacy = ["manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64"]
            return [*many, *legacy, "linux_x86_64"]
        if self.os == "macOS":
            return list(tags.mac_platforms((15, 0), "arm64"))
        return ["win_amd64"]

    @functools.cached_property
    def accepted(self) -> frozenset[tags.Tag]:
        """The wheel tags an installer on this target accepts (packaging's own lists)."""
        nodot = "".join(map(str, self.version))
        abi = f"cp{nodot}" + ("t" if self.python.endswith("t") else "")
        own = tags.cpython_tags(self.version, abis=[abi], platforms=self.platforms)
        generic = tags.compatible_tags(self.version, f"cp{nodot}", self.platforms)
        if self.python.endswith("t"):  # abi3 is the GIL build's stable ABI only
            own = (tag for tag in own if tag.abi != "abi3")
        return frozenset([*own, *generic])

    def markers(self, extra: str = "") -> dict[str, str]:
        version = ".".join(map(str, self.version))
        system = {"Linux": "linux", "macOS": "darwin", "Windows": "win32"}[self.os]
        return {
            "python_version": version,
            "python_full_version": f"{version}.{self.patch}",
            "implementation_name": "cpython",
            "implementation_version": f"{version}.{self.patch}",
            "platform_python_implementation": "CPython",
            "os_name": "nt" if self.os == "Windows" else "posix",
            "sys_platform": system,
            "platform_system": {"linux": "Linux", "darwin": "Darwin", "win32": "Windows"}[system],
            "platform_machine": {"Linux": "x86_64", "macOS": "arm64", "Windows": "AMD64"}[self.os],
            "platform_release": "",
            "platform_version": "",
            "extra": extra,
        }

    def __str__(self) -> str:
        build = " free-threaded" if self.python.endswith("t") else ""
        return f"CPython {self.python.rstrip('t')}{build} on {self.os}"


@dataclass(frozen=True)
class Pin:
    name: NormalizedName
    version: Version
    marker: Marker | None

    def applies(self, target: Target) -> bool:
        return self.marker is None or self.marker.evaluate(target.markers())

    def __str__(self) -> str:
        return f"{self.name}=={self.version}"


def read_pins(text: str) -> list[Pin]:
    """``constraints.txt``: one ``name==version`` per line, with markers where needed."""
    pins = []
    for text_line in text.splitlines():
        line = text_line.partition("#")[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        [spec] = requirement.specifier  # exact pins only: one "==" each
        if spec.operator != "==":
            raise ValueError(f"constraints.txt: {line!r} is not an exact pin")
        pins.append(Pin(canonicalize_name(requirement.name), Version(spec.version),
                        requirement.marker))  # fmt: skip
    return pins


@dataclass(frozen=True)
class Project:
    """What ``dev.py`` installs (the build backend, the site, its test extra), the
    Pythons the site supports (``[tool.site] pythons``) and ``requires-python``."""

    wanted: list[str]
    pythons: list[str]
    requires_python: SpecifierSet
    source_builds: dict[tuple[str, str], str]  # (pin, python): why it builds from source

    @classmethod
    def read(cls, root: Path = ROOT) -> Project:
        config = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))
        wanted = [
            *config["build-system"]["requires"],
            *config["project"]["dependencies"],
            *config["project"]["optional-dependencies"]["test"],
        ]
        site = config["tool"]["site"]
        builds = {(b["pin"], b["python"]): b["why"] for b in site.get("source-builds", [])}
        return cls(wanted, site["pythons"], SpecifierSet(config["project"]["requires-python"]),
                   builds)  # fmt: skip

    def targets(self) -> list[Target]:
        """Each Python at its oldest release that ``requires-python`` admits, on each OS."""
        found = []
        for python in self.pythons:
            minor = python.rstrip("t")
            patch = next(p for p in range(100) if Version(f"{minor}.{p}") in self.requires_python)
            found += [Target(python, system, patch) for system in ("Linux", "macOS", "Windows")]
        return found


class _Connections:
    """GETs over kept-alive connections, one per thread and host: opening a TLS
    connection per request made several hundred requests wait seconds each behind a
    proxy here. ``close()`` ends them all."""

    def __init__(self) -> None:
        self._local = threading.local()
        self._all: list[http.client.HTTPSConnection] = []
        self._lock = threading.Lock()

    def _connection(self, host: str) -> http.client.HTTPSConnection:
        mine = self._local.__dict__.setdefault("by_host", {})
        if host not in mine:
            mine[host] = http.client.HTTPSConnection(host, timeout=120)
            with self._lock:
                self._all.append(mine[host])
        return mine[host]

    def get(self, url: str, headers: dict[str, str]) -> bytes:
        parts = urllib.parse.urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        for attempt in (1, 2):  # a kept-alive connection the server has closed: once more
            connection = self._connection(parts.netloc)
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read()
            except (http.client.HTTPException, OSError):
                connection.close()
                del self._local.by_host[parts.netloc]
                if attempt == 2:
                    raise
                continue
            if response.status >= HTTPStatus.BAD_REQUEST:
                status, reason = response.status, response.reason
                raise urllib.error.HTTPError(url, status, reason, response.headers, None)
            return body
        raise AssertionError("not reached")

    def close(self) -> None:
        with self._lock:
            for connection in self._all:
                connection.close()
            self._all.clear()


class _RangedFile(io.RawIOBase):
    """A remote wheel that ``zipfile`` can read by seeking: each read is one HTTP range
    request, so only the central directory and METADATA travel, not the whole file."""

    def __init__(self, url: str, size: int, fetch: Callable[[str, dict[str, str]], bytes]):
        self.url, self.size, self.fetch, self.position = url, size, fetch, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, min(self.size, base + offset))
        return self.position

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        end = min(self.size, self.position + len(buffer)) - 1
        if end < self.position:
            return 0
        data = self.fetch(self.url, {"Range": f"bytes={self.position}-{end}"})
        buffer[: len(data)] = data
        self.position += len(data)
        return len(data)


class Index:
    """What the package index says of each release: its files, and a wheel's metadata."""

    def __init__(self, fetch: Callable[[str, dict[str, str]], bytes] | None = None) -> None:
        self._connections = _Connections()
        self._fetch = fetch or self._connections.get
        self._files: dict[NormalizedName, tuple[tuple[dict, set[tags.Tag], Version], ...]] = {}
        self._requires: dict[Pin, tuple[Requirement, ...]] = {}

    def close(self) -> None:
        self._connections.close()

    def files(self, name: NormalizedName) -> tuple[tuple[dict, set[tags.Tag], Version], ...]:
        """Each wheel of every release: its entry in the index, its tags, its version
        (old uploads whose names no installer accepts are left out, as pip does)."""
        if name not in self._files:
            self._files[name] = self._read_files(name)
        return self._files[name]

    def _read_files(self, name: NormalizedName) -> tuple[tuple[dict, set[tags.Tag], Version], ...]:
        found = []
        for file in json.loads(self._fetch(f"{INDEX}/{name}/", {"Accept": JSON}))["files"]:
            if file["filename"].endswith(".whl") and not file.get("yanked"):
                try:
                    _name, version, _build, wheel_tags = parse_wheel_filename(file["filename"])
                except InvalidWheelFilename:
                    continue
                found.append((file, wheel_tags, version))
        return tuple(found)

    def requires(self, pin: Pin) -> tuple[Requirement, ...]:
        """The ``Requires-Dist`` lines of the release's metadata, read from its smallest
        wheel: a release's wheels are built from one source and state the same
        requirements, with markers where a platform needs more."""
        if pin not in self._requires:
            self._requires[pin] = self._read_requires(pin)
        return self._requires[pin]

    def _read_requires(self, pin: Pin) -> tuple[Requirement, ...]:
        wheels = [file for file, _tags, version in self.files(pin.name) if version == pin.version]
        if not wheels:
            return ()
        smallest = min(wheels, key=lambda file: file["size"])
        text = self._metadata(smallest["url"].partition("#")[0], smallest["size"])
        lines = [line.partition(":")[2].strip() for line in text.splitlines()
                 if line.startswith("Requires-Dist:")]  # fmt: skip
        return tuple(Requirement(line) for line in lines)

    def _metadata(self, url: str, size: int) -> str:
        """PEP 658's ``<wheel>.metadata`` where the index serves it; else METADATA read
        out of the wheel itself, a few kilobytes of it (``_RangedFile``)."""
        try:
            return self._fetch(url + ".metadata", {}).decode("utf-8")
        except urllib.error.HTTPError as error:
            if error.code != HTTPStatus.NOT_FOUND:
                raise
        remote = io.BufferedReader(_RangedFile(url, size, self._fetch), 1 << 16)
        with zipfile.ZipFile(remote) as whl:
            [name] = [n for n in whl.namelist() if n.endswith(".dist-info/METADATA")
                      and n.count("/") == 1]  # fmt: skip
            return whl.read(name).decode("utf-8")

    def wheel(self, pin: Pin, target: Target) -> dict | None:
        """A file of ``pin``'s release that installs on ``target`` as it is, or None."""
        python = Version(target.markers()["python_full_version"])
        for file, wheel_tags, version in self.files(pin.name):
            if version == pin.version and wheel_tags & target.accepted:
                try:
                    needs = SpecifierSet(file.get("requires-python") or "")
                except InvalidSpecifier:  # pip ignores a Requires-Python it cannot read
                    needs = SpecifierSet()
                if python in needs:
                    return file
        return None

    def wheel_tags(self, pin: Pin) -> list[str]:
        """The tags of the release's wheels, for the message that says none fits."""
        found = set()
        for _file, wheel_tags, version in self.files(pin.name):
            if version == pin.version:
                found |= {f"{t.interpreter}-{t.abi}-{t.platform}" for t in wheel_tags}
        return sorted(found)


def check(target: Target, project: Project, pins: list[Pin], index: Index) -> list[str]:
    """What stops the project from installing from wheels on ``target`` (empty: nothing),
    but for the source builds it names: for those, that they still have no wheel."""
    problems: list[str] = []
    seen: set[tuple[NormalizedName, str]] = set()
    todo = [(Requirement(line), "") for line in project.wanted]
    while todo:
        requirement, extra = todo.pop()
        if requirement.marker and not requirement.marker.evaluate(target.markers(extra)):
            continue
        name = canonicalize_name(requirement.name)
        for part in ["", *sorted(requirement.extras)]:
            if (name, part) in seen:
                continue
            seen.add((name, part))
            found = [pin for pin in pins if pin.name == name and pin.applies(target)]
            if len(found) != 1:
                problems.append(f"{target}: {name} is needed, and constraints.txt pins it "
                                f"{len(found)} times there instead of once")  # fmt: skip
                break
            pin = found[0]
            if pin.version not in requirement.specifier:
                problems.append(f"{target}: {pin} does not meet {requirement}")
            allowed = (str(pin), target.python) in project.source_builds
            if index.wheel(pin, target) is None and not allowed:
                shown = ", ".join(index.wheel_tags(pin)) or "none"
                problems.append(f"{target}: {pin} has no wheel for it (its wheels: {shown})")
                break
            if index.wheel(pin, target) is not None and allowed:
                problems.append(f"{target}: {pin} has a wheel now: drop its source-builds "
                                "entry in pyproject.toml, and the README's note")  # fmt: skip
            todo += [(next_one, part) for next_one in index.requires(pin)]
    return problems


def check_all(constraints: str, project: Project, index: Index) -> list[str]:
    """Every target's problems. What the index says of each pinned release is read
    first, many requests at a time; then the walks need no more requests."""
    pins = [*read_pins(constraints), *_self_pinned(project.wanted, constraints)]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(index.files, {pin.name for pin in pins}))
        list(pool.map(index.requires, pins))
    found = [check(target, project, pins, index) for target in project.targets()]
    return [problem for problems in found for problem in problems]


def _self_pinned(wanted: list[str], constraints: str) -> list[Pin]:
    """What ``wanted`` pins exactly itself and constraints.txt leaves out: the build
    backend (pip installs it in an isolated environment, where constraints do not reach)."""
    listed = {pin.name for pin in read_pins(constraints)}
    return [pin for pin in read_pins("\n".join(wanted)) if pin.name not in listed]


def main() -> int:
    project = Project.read()
    constraints = (ROOT / "constraints.txt").read_text("utf-8")
    index = Index()
    try:
        problems = check_all(constraints, project, index)
    finally:
        index.close()
    for problem in problems:
        print(f"wheels: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"wheels: every pin installs from a wheel on {len(project.targets())} targets: "
          f"{', '.join(project.pythons)} on Linux, macOS and Windows")  # fmt: skip
    for (pin, python), why in project.source_builds.items():
        print(f"wheels: except {pin} on {python}, which pip builds from source: {why}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
