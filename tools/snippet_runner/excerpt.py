"""What a ``python-snippet`` fence's Code tab shows: named sections of the file, and
highlighted lines.

A long example is still one real program that runs whole; the page shows the part the
paragraph explains. The snippet marks its parts with the comments pymdownx.snippets
understands, each on a line of its own::

    # --8<-- [start:race]
    counter += 1
    # --8<-- [end:race]

``sections="race report"`` shows those sections, in that order, each dedented, with a
``# ...`` line (between blank lines) where two are not adjacent in the file.
``hl="1 3-5"`` highlights lines of what is shown (pymdownx.highlight's ``hl_lines``,
counted from 1). Marker lines never show, not even in the whole program. Every
mistake (an unknown or unclosed section, a highlight past the end) raises ValueError,
which the fence turns into a failed build naming the file.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

# pymdownx.snippets' section names: a letter, then letters, digits, "-" and "_".
NAME = re.compile(r"[a-z][-_0-9a-z]*", re.I)
_MARKER = re.compile(
    r"^[ \t]*#[ \t]*-+8<-+[ \t]*\[[ \t]*(start|end)[ \t]*:[ \t]*(\S*?)[ \t]*\][ \t]*$"
)
_LINE_RANGE = re.compile(r"^(\d+)(?:-(\d+))?$")
ELISION = "# ..."  # between two shown sections that are not adjacent in the file


def parse_sections(value: str) -> tuple[str, ...]:
    """``"setup race"`` -> ``("setup", "race")``; a malformed or repeated name is an error."""
    names = tuple(value.split())
    if not names:
        raise ValueError('sections="" names no section')
    for name in names:
        if not NAME.fullmatch(name):
            raise ValueError(f"section name {name!r}: use a letter, then letters, digits, - or _")
    if len(set(names)) != len(names):
        raise ValueError(f"sections={value!r} names a section twice")
    return names


def parse_lines(value: str) -> tuple[tuple[int, int], ...]:
    """``"1 3-5"`` -> ``((1, 1), (3, 5))``: lines counted from 1, ranges inclusive."""
    found = []
    for part in value.split():
        match = _LINE_RANGE.match(part)
        first, last = (int(match[1]), int(match[2] or match[1])) if match else (0, 0)
        if not match or first < 1 or last < first:
            raise ValueError(f"hl={value!r}: {part!r} is not a line (3) or a range (3-5) from 1")
        found.append((first, last))
    if not found:
        raise ValueError('hl="" highlights nothing')
    return tuple(found)


@dataclass(frozen=True)
class Section:
    """One named section: the indices (0-based) of its first and last code line."""

    name: str
    start: int  # the line after its start marker
    end: int  # the line before its end marker (end < start: empty)


def _markers(lines: list[str]) -> dict[int, tuple[str, str]]:
    """Line index -> (start|end, name) for every marker line; a marker that is not on a
    line of its own, or has a malformed name, is an error (it would show, or cut nothing)."""
    found = {}
    for index, line in enumerate(lines):
        if not re.search(r"-+8<-+", line):
            continue
        marker = _MARKER.match(line)
        if not marker or not NAME.fullmatch(marker[2]):
            raise ValueError(
                f"line {index + 1}: {line.strip()!r} is not a section marker on a line of "
                "its own (# --8<-- [start:name] or # --8<-- [end:name])"
            )
        found[index] = (marker[1], marker[2])
    return found


def sections(source: str) -> dict[str, Section]:
    """Every section of ``source``, checked: each name opens once and closes once, after."""
    lines = source.splitlines()
    opened: dict[str, int] = {}
    found: dict[str, Section] = {}
    for index, (kind, name) in _markers(lines).items():
        if kind == "start":
            if name in opened or name in found:
                raise ValueError(f"line {index + 1}: section {name!r} starts twice")
            opened[name] = index
        elif name not in opened:
            raise ValueError(f"line {index + 1}: section {name!r} ends without a start")
        else:
            found[name] = Section(name, opened.pop(name) + 1, index - 1)
    if opened:
        raise ValueError(f"section(s) {sorted(opened)} never end ([end:name] missing)")
    return found


def without_markers(source: str) -> str:
    """The whole program as a reader sees it: every marker line removed."""
    lines = source.splitlines()
    markers = _markers(lines)
    return "\n".join(line for index, line in enumerate(lines) if index not in markers)


def cut(source: str, names: tuple[str, ...]) -> str:
    """The named sections of ``source``, in the order given (see the module's docstring)."""
    lines = source.splitlines()
    markers = _markers(lines)
    known = sections(source)
    if missing := [name for name in names if name not in known]:
        raise ValueError(f"no section(s) {missing} in the file; it has {sorted(known) or 'none'}")
    shown: list[str] = []
    previous: int | None = None  # the index of the last code line shown
    for name in names:
        section = known[name]
        # Code lines only: not markers, nor the blank lines at either end of the section.
        kept = [i for i in range(section.start, section.end + 1) if i not in markers]
        while kept and not lines[kept[-1]].strip():
            kept.pop()
        while kept and not lines[kept[0]].strip():
            kept.pop(0)
        if not kept:
            raise ValueError(f"section {name!r} is empty")
        if previous is not None:
            between = [i for i in range(previous + 1, kept[0]) if i not in markers]
            if kept[0] > previous and not any(lines[i].strip() for i in between):
                shown.extend([""] * min(len(between), 2))  # adjacent: PEP 8's spacing
            else:
                shown.extend(["", ELISION, ""])  # set apart, like a paragraph break
        shown.extend(textwrap.dedent("\n".join(lines[i] for i in kept)).splitlines())
        previous = kept[-1]
    return "\n".join(shown)


def check_highlight(lines: tuple[tuple[int, int], ...], shown: str) -> None:
    """Every highlighted line must be one the reader sees."""
    count = len(shown.splitlines())
    if past := [f"{a}-{b}" if a != b else str(a) for a, b in lines if b > count]:
        raise ValueError(f"hl {' '.join(past)} is past the {count} line(s) shown")


def hl_lines(lines: tuple[tuple[int, int], ...]) -> str:
    """The ``hl_lines`` value pymdownx.highlight reads."""
    return " ".join(f"{a}-{b}" if a != b else str(a) for a, b in lines)


# --- the Code tab's Markdown ------------------------------------------------------------------


def fenced(language: str, text: str, **options: str) -> str:
    """A code block that no run of backticks in ``text`` can close early."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    attributes = "".join(f' {name}="{value}"' for name, value in options.items())
    return f"{fence}{language}{attributes}\n{text}\n{fence}"


def indented(text: str) -> str:
    """``text`` one block level deeper. Blank lines are indented too: a code block two
    levels down (a tab, then a collapsed block) would otherwise lose them."""
    return textwrap.indent(text, " " * 4, lambda _line: True)


OUTPUT_BLOCK = "output"  # the admonition type of a result shown without a click


def output_block(output: str) -> str:
    """An "Output" block for under the code, open: a table or a plot is what its
    example is for, so the reader sees it without clicking a tab
    (stylesheets/code.css draws it)."""
    return f'!!! {OUTPUT_BLOCK} "Output"\n\n{indented(output)}\n'


def tabs(*named: tuple[str, str]) -> str:
    """pymdownx.tabbed's Markdown for the tabs ``(title, body)``."""
    return "\n".join(f'=== "{title}"\n\n{indented(body)}\n' for title, body in named)


def code_tab(
    relative: str,
    source: str,
    names: tuple[str, ...] = (),
    highlight: tuple[tuple[int, int], ...] = (),
) -> str:
    """The Code tab: the command that runs the program (a block with a copy button),
    what the page shows of it, and, under an excerpt, the whole program, collapsed."""
    whole = without_markers(source)
    shown = cut(source, names) if names else whole
    if highlight:
        check_highlight(highlight, shown)
    options = {"title": f"{relative} (excerpt)" if names else relative, "linenums": "1"}
    if highlight:
        options["hl_lines"] = hl_lines(highlight)
    parts = [fenced("bash", f"python {relative}"), fenced("python", shown, **options)]
    if names:
        program = fenced("python", whole, title=relative, linenums="1")
        parts.append(f'??? note "The whole program"\n\n{indented(program)}')
    return "\n\n".join(parts)
