"""A sentence that depends on the Python version links where that fact comes from.

The site is right for every version a reader runs (3.11 to 3.15, 3.14t and 3.15t), so
a reader who runs another version must be able to check a version claim for
themselves. The project's rule: a claim that depends on the Python version names the
versions in the same sentence and links its source (a docs page, a PEP, or a CPython
issue, pull request or source file). test_glossary checks this for the glossary; this
module checks every other page.

Each page is split into paragraphs and list items (a list item is a unit of its own,
and so is an admonition with the body under its title). A unit whose prose names a
CPython version from 3.11 to 3.16 must link a source: docs.python.org,
peps.python.org, github.com/python/cpython, or python.org's download and release
pages. Fenced code, tables, inline code, HTML comments, link targets and the build's
claim and quote syntax (``{? ...}``, ``{= ...}``) name no version here: they are code
or machinery, not prose. Headings are exempt, because the text under them carries the
source: a heading that names a version needs a source in its section instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from helpers import DOCS, VERSION_SOURCE, pages, rel

VERSION = re.compile(r"(?<![\d.])3\.1[1-6](?:\.\d+)?t?(?![\d])")
FENCE = re.compile(r"\s*(`{3,}|~{3,})")
HEADING = re.compile(r"#{1,6} ")
TABLE = re.compile(r"\s*\|")
ADMONITION = re.compile(r"\s*(?:!!!|\?\?\?\+?) ")
LIST_ITEM = re.compile(r"\s*(?:[-*+]|\d+\.) ")
# What names no version, whatever it contains: claims and quotes the build judges,
# inline code, link targets and HTML tags.
NOT_PROSE = re.compile(r"\{[?=][^}]*\}|(`+).*?\1|\]\([^)]*\)|<[^>]+>", re.S)


@dataclass
class Unit:
    """A paragraph, list item, admonition or heading, and the line it starts on."""

    line: int
    text: str
    heading: bool = False

    def names_a_version(self) -> bool:
        return VERSION.search(NOT_PROSE.sub(" ", self.text)) is not None

    def links_a_source(self) -> bool:
        return VERSION_SOURCE.search(self.text) is not None


def without_comments(text: str) -> str:
    """HTML comments blanked, their newlines kept so that line numbers stay right."""
    return re.sub(r"<!--.*?-->", lambda m: re.sub(r"[^\n]", " ", m[0]), text, flags=re.S)


def units(text: str) -> list[Unit]:
    """The page's paragraphs, list items, admonitions and headings, in order."""
    found: list[Unit] = []
    current: Unit | None = None
    fence = None
    for number, line in enumerate(without_comments(text).splitlines(), 1):
        opener = FENCE.match(line)
        if fence:
            if opener and line.strip().startswith(fence):
                fence = None
            continue
        if opener:  # code ends the paragraph before it
            fence, current = opener[1], None
        elif not line.strip():
            # An admonition's title and the body under it are one unit, even with a
            # blank line between them: the body is where the title's source goes.
            if not (current and "\n" not in current.text and ADMONITION.match(current.text)):
                current = None
        elif TABLE.match(line):
            current = None
        elif HEADING.match(line):
            found.append(Unit(number, line, heading=True))
            current = None
        elif current is None or ADMONITION.match(line) or LIST_ITEM.match(line):
            current = Unit(number, line)
            found.append(current)
        else:
            current.text += "\n" + line
    return found


def problems(text: str) -> list[str]:
    """Each unit that names a version and links no source; a heading that names one
    when its section (up to the next heading) links none."""
    found = []
    all_units = units(text)
    for i, unit in enumerate(all_units):
        if not unit.names_a_version():
            continue
        if unit.heading:
            section = []
            for after in all_units[i + 1 :]:
                if after.heading:
                    break
                section.append(after)
            if not any(u.links_a_source() for u in section):
                found.append(f"line {unit.line}: heading, no source in its section: {unit.text}")
        elif not unit.links_a_source():
            found.append(f"line {unit.line}: {' '.join(unit.text.split())[:100]}")
    return found


def test_the_check_finds_a_version_without_a_source() -> None:
    page = (
        "# Title\n\nPython 3.14 added `sys.remote_exec()`.\n\n"
        "- From 3.13, a queue can [shut down](https://docs.python.org/3/library/queue.html).\n"
        "- 3.15t is free-threaded.\n\n"
        '??? question "On 3.12?"\n    An answer.\n\n'
        "Checked [on 3.14](https://example.com/) only.\n\n"
        "## New in 3.14\n\nNothing links here.\n"
    )
    assert [p.split(":")[0] for p in problems(page)] == [
        "line 3",
        "line 6",
        "line 8",
        "line 11",
        "line 13",
    ]


def test_the_check_ignores_code_claims_and_sourced_units() -> None:
    page = (
        "Run `python3.15t` with `-X gil=0`.\n\n"
        "```python\nprint('3.14')\n```\n\n"
        "| 3.13 | 3.14 |\n|---|---|\n\n"
        "<!-- on 3.14\nand 3.15 -->\n\n"
        "[It is fast]{? gil/03: ratio > 1 when python >= 3.14}, and {= gil/03: ratio}.\n\n"
        "See [the docs](https://docs.python.org/3.15/library/os.html#os.fork) (3.12+).\n\n"
        "## New in 3.14\n\n"
        "It [arrived](https://github.com/python/cpython/pull/1) in 3.14.\n\n"
        "Released [3.14.0](https://www.python.org/downloads/release/python-3140/).\n"
    )
    assert problems(page) == []


def test_an_admonition_is_one_unit_with_its_body() -> None:
    source = "    The [docs](https://docs.python.org/3/) say so.\n"
    assert problems(f'!!! note "From Python 3.14"\n{source}') == []
    assert problems(f'??? question "On 3.13?"\n\n{source}') == []
    assert problems('??? question "On 3.13?"\n\n    No source.\n') != []


@pytest.mark.parametrize("page", [rel(p, DOCS) for p in pages()])
def test_version_claims_link_a_source(page: str) -> None:
    found = problems((DOCS / page).read_text(encoding="utf-8"))
    assert not found, f"docs/{page}: names a Python version but links no source:\n" + "\n".join(
        found
    )
