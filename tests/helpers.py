"""What several test modules share: paths, the type of the output fixtures, one parser for
what ``snippets/measure.py`` prints, and the helpers that build throwaway sites and the real one.

Test modules import from here and never from each other (or from ``conftest``), so a
helper has one home and a test module can be read, and run, on its own.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from pytest_examples import CodeExample, EvalExample, find_examples
from snippet_runner.build import Build, strict_build
from snippet_runner.excerpt import cut, without_markers
from snippet_runner.options import FenceOptions
from snippet_runner.tables import Table, tables

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

# ``snippet_output(path)``: the output of a snippet that must have succeeded (conftest).
Output = Callable[[str], str]


# --- what measure prints: Markdown tables and the numbers in their cells ------------------
# Table and tables() live in snippet_runner.tables: the cross-version page reads the same
# tables from the run records, so the site and the tests share one parser.

_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?(?:[eE][-+]?\d+)?")


def table(out: str, header_part: str = "") -> Table:
    """The one table in ``out`` with a header containing ``header_part`` (any, if empty)."""
    found = [t for t in tables(out) if not header_part or any(header_part in h for h in t.headers)]
    assert len(found) == 1, f"expected one table with a {header_part!r} header, in:\n{out}"
    return found[0]


def numbers(cell: str) -> list[float]:
    """Every number in a cell: ``0.174 (0.170–0.189)`` gives median, min and max."""
    return [float(n.replace(",", "")) for n in _NUMBER.findall(cell)]


def fastest(cell: str) -> float:
    """The fastest run of a ``median (min–max)`` cell (or its only number): the
    statistic a timing check compares, since other programs can only add time."""
    return min(numbers(cell))


def number(cell: str) -> float:
    """The leading number of a cell such as ``0.174 (0.170–0.189)``, ``1.05x`` or ``1,600``."""
    found = numbers(cell)
    assert found, f"no number in cell {cell!r}"
    return found[0]


# measure.provenance's words for measure.watch_other_programs' share (absent where unknown).
_OTHERS = re.compile(r"other programs took (\d+)% of the usable CPUs' time meanwhile")
BUSY = 0.2  # above this share taken by other programs, a parallel speed-up says little


def others_share(out: str) -> float | None:
    """The share of the usable CPUs' time other programs took while ``out`` was measured:
    None where the snippet could not know (no /proc/stat: macOS, Windows). On Linux a
    snippet that watches must have said it."""
    found = [int(share) / 100 for share in _OTHERS.findall(out)]
    assert len(found) <= 1, f"more than one load report in:\n{out}"
    if sys.platform == "linux":
        assert found, f"no load report (measure.watch_other_programs) in:\n{out}"
    return found[0] if found else None


def skip_if_busy(out: str, check: str) -> None:
    """Skip the check of a speed-up that needs free CPUs (``check`` names it), saying
    why, when other programs took more than ``BUSY`` of the CPUs' time while it was
    measured: what they took, the workers could not use, so the result is not the code's."""
    share = others_share(out)
    if share is not None and share > BUSY:
        pytest.skip(
            f"not checked ({check}): other programs took {share:.0%} of the usable "
            f"CPUs' time while it was measured, more than {BUSY:.0%}"
        )


# --- the pages in reading order, and the code each one shows --------------------------------

_NAV_ENTRY = re.compile(
    r"^(?P<indent> *)- (?:(?P<title>[^:]+|\"[^\"]+\"): ?)?(?P<page>\S+\.(?:md|ipynb))?$"
)
_FENCE = re.compile(r"^```python-snippet[^\n]*\n(?P<path>\S+)\n```", re.M)


@dataclass(frozen=True)
class NavPage:
    """One page of mkdocs.yml's ``nav:``: its path under docs/, title and section titles."""

    page: str
    title: str
    sections: tuple[str, ...]


def nav_pages(root: Path = ROOT) -> list[NavPage]:
    """The pages in ``nav:``, in reading order (a plain-text reading of the YAML list)."""
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    block = re.search(r"^nav:\n((?:[ \t]+-.*\n?)+)", config, re.M)
    assert block, "mkdocs.yml has no nav: list"
    found: list[NavPage] = []
    open_sections: list[tuple[int, str]] = []
    for line in block[1].splitlines():
        entry = _NAV_ENTRY.match(line)
        assert entry, f"nav line not understood: {line!r}"
        indent, title = len(entry["indent"]), (entry["title"] or "").strip('"')
        open_sections = [(i, t) for i, t in open_sections if i < indent]
        if entry["page"]:
            found.append(NavPage(entry["page"], title, tuple(t for _, t in open_sections)))
        else:
            open_sections.append((indent, title))
    return found


def shown_snippets(page: Path) -> list[str]:
    """The snippet files a page's ``python-snippet`` fences include, in order."""
    return [m["path"] for m in _FENCE.finditer(page.read_text(encoding="utf-8"))]


def shown_code_lines(page: Path, root: Path = ROOT) -> int:
    """Lines of code a page shows in its Code tabs (``shown_lines`` of each fence)."""
    return sum(
        shown_lines(fence, root)
        for fence in snippet_fences(root)
        if fence.page == rel(page, root) and fence.options.show == "both"
    )


def shown_lines(fence: SnippetFence, root: Path = ROOT) -> int:
    """Lines of code a fence's Code tab shows: its named sections (``sections=``), or
    the whole file (the collapsed whole program is not counted)."""
    source = (root / fence.path).read_text(encoding="utf-8")
    names = fence.options.sections
    return len((cut(source, names) if names else without_markers(source)).splitlines())


# --- where a version fact comes from ----------------------------------------------------------

# A link to a source of a fact about a Python version: the Python docs, a PEP, CPython's
# repository (an issue, a pull request or a file), or python.org's release pages. The
# glossary's entries and every page's paragraphs are held to the same list.
VERSION_SOURCE = re.compile(
    r"\]\(https://(?:docs\.python\.org/|peps\.python\.org/|github\.com/python/cpython[/#)]"
    r"|(?:www\.)?python\.org/downloads/)"
)


# --- glossary terms and where a page uses them ------------------------------------------------

GLOSSARY = DOCS / "glossary.md"
_GLOSSARY_ENTRY = re.compile(r"^## (?P<term>.+?) \{#(?P<anchor>[a-z0-9-]+)\}\s*$", re.M)
# How a term appears in prose, where its heading alone would not find it (regular
# expressions; case-insensitive unless they set no (?i)). An empty list: not matched.
GLOSSARY_ALIASES: dict[str, list[str]] = {
    "gil": [r"\bGILs?\b", r"(?i:\bglobal\s+interpreter\s+lock\b)"],
    "rss-and-uss": [r"\bRSS\b", r"\bUSS\b"],
    "multiprocessing-context": [r"(?i)\bmultiprocessing\s+contexts?\b"],
    # Task is asyncio's; a "task" on the other pages is any unit of work.
    "task": [r"(?i)\basyncio\s+tasks?\b"],
    "future": [r"\bFutures?\b"],  # lower case is the ordinary word
    "heap": [r"(?i)(?<!timer )\bheaps?\b"],  # not the event loop's timer heap
    "fork": [r"(?i)\bfork(?:s|ed)?\b(?!\s+of\b)"],  # not "a fork of CPython"
    "free-threaded-build": [r"(?i)\bfree-threaded\b"],
    "pickle": [r"(?i)\bpickl(?:e|es|ed|ing)\b"],
    "speed-up": [r"(?i)\bspeed-?ups?\b"],
    "race-condition": [r"(?i)\brace(?:\s+conditions?|s)?\b"],
    "reference-counting": [r"(?i)\breference\s+count(?:s|ing)?\b"],
    "chunksize": [r"(?i)\bchunk\s?sizes?\b"],
    "wall-clock-time": [r"(?i)\bwall[-\s]clock(?:\s+time)?\b"],
    "immortal-object": [r"(?i)\bimmortal(?:\s+objects?)?\b"],
    "atomic-operation": [r"(?i)\batomic(?:\s+operations?)?\b"],
    "cooperative-multitasking": [r"(?i)\bcooperative(?:\s+multitasking)?\b"],
    "preemptive-multitasking": [r"(?i)\bpre-?emptive(?:ly)?(?:\s+multitasking)?\b"],
    "daemon-thread": [r"(?i)\bdaemon(?:\s+threads?)?\b"],
    "io-bound": [r"(?i)\bI/O[-\s]bound\b"],
    "cpu-bound": [r"(?i)\bCPU[-\s]bound\b"],
    # Dask's: "the scheduler" and "worker" elsewhere are the operating system's or a pool's.
    "dask-scheduler": [r"(?i)\bDask(?:'s)?\s+scheduler\b"],
    "dask-worker": [r"(?i)\bDask\s+workers?\b"],
}


@dataclass(frozen=True)
class GlossaryTerm:
    """One glossary entry: its anchor, its heading, and how prose mentions it."""

    anchor: str
    heading: str
    pattern: re.Pattern[str]


def _default_pattern(heading: str) -> str:
    words = re.sub(r"\s*\(.*?\)", "", heading).split()
    return r"(?i)\b" + r"\s+".join(map(re.escape, words)) + r"(?:s|es)?\b"


def glossary_terms() -> list[GlossaryTerm]:
    """Every entry of docs/glossary.md, longest heading first (so that "daemon
    thread" claims its words before "thread" does)."""
    found = []
    for entry in _GLOSSARY_ENTRY.finditer(GLOSSARY.read_text(encoding="utf-8")):
        anchor, heading = entry["anchor"], entry["term"]
        if anchor == GLOSSARY_INDEX:
            continue  # the table of where each word is explained: not an entry
        patterns = GLOSSARY_ALIASES.get(anchor, [_default_pattern(heading)])
        if patterns:
            joined = "|".join(f"(?:{p})" if p.startswith("(?i:") else p for p in patterns)
            if all(p.startswith("(?i)") for p in patterns):
                joined = "(?i)" + "|".join(f"(?:{p[4:]})" for p in patterns)
            found.append(GlossaryTerm(anchor, heading, re.compile(joined)))
    return sorted(found, key=lambda term: -len(term.heading))


_LINK = re.compile(r"(!?)\[((?:[^\]\n]|\n(?!\n))*)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)")


@dataclass(frozen=True)
class Prose:
    """A page with everything but prose blanked out (same length, same positions),
    and the links in it: (start, end, target) of each link's text."""

    text: str
    links: list[tuple[int, int, str]]


def _blank_blocks(markdown_text: str, chars: list[str]) -> None:
    """Blank (in ``chars``) fenced blocks, headings, includes and admonition titles."""

    def blank(start: int, end: int) -> None:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = " "

    offset, fence = 0, None
    for line in markdown_text.splitlines(keepends=True):
        stripped = line.strip()
        opener = re.match(r"(`{3,}|~{3,})", stripped)
        if fence:
            blank(offset, offset + len(line))
            if opener and stripped.startswith(fence):
                fence = None
        elif opener:
            fence = opener[1]
            blank(offset, offset + len(line))
        elif re.match(r"(#{1,6} |!!!|\?\?\?|--8<--|\*\[[^\]]+\]:)", stripped):
            blank(offset, offset + len(line))
        offset += len(line)


def prose(markdown_text: str) -> Prose:
    """Blank headings, code blocks and spans, includes, admonition titles, HTML tags,
    images and link targets, keeping each link's text and where it points."""
    chars = list(markdown_text)

    def blank(start: int, end: int) -> None:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = " "

    _blank_blocks(markdown_text, chars)
    text = "".join(chars)
    for pattern in (r"(`+)[^`\n]*?\1", r"<[^>\n]+>", r"\{[:#.][^}\n]*\}"):
        for found in re.finditer(pattern, text):
            blank(*found.span())
    text = "".join(chars)
    links = []
    for found in _LINK.finditer(text):
        if found[1]:  # an image: its alt text is not prose
            blank(*found.span())
            continue
        blank(found.start(), found.start(2))
        blank(found.end(2), found.end())
        links.append((found.start(2), found.end(2), found[3]))
    return Prose("".join(chars), links)


def glossary_target(link: str, page: str) -> str | None:
    """The anchor a link from ``page`` (a path under docs/) points to in the glossary."""
    path, _, anchor = link.partition("#")
    resolved = os.path.normpath(os.path.join(os.path.dirname(page), path)).replace("\\", "/")
    return anchor if path and resolved == "glossary.md" else None


@dataclass(frozen=True)
class FirstUse:
    """Where a page first uses a glossary term, and whether that use links to it."""

    term: GlossaryTerm
    start: int
    end: int
    linked: bool


def first_uses(markdown_text: str, page: str) -> list[FirstUse]:
    """Each glossary term's first use in the page's prose. A mention inside the text of
    a link to something else does not count as a use; one inside a link to the term's
    own glossary entry counts, as linked."""
    found = []
    body = prose(markdown_text)
    for term in glossary_terms():
        for match in term.pattern.finditer(body.text):
            link = next((ln for ln in body.links if ln[0] <= match.start() < ln[1]), None)
            if link and glossary_target(link[2], page) != term.anchor:
                continue
            found.append(FirstUse(term, match.start(), match.end(), link is not None))
            break
    return sorted(found, key=lambda use: use.start)


# --- where each word and name is explained: the glossary's closing table -------------------

GLOSSARY_INDEX = "where-explained"  # the anchor of that section of docs/glossary.md
_INDEX_ROW = re.compile(r"^\| (?P<what>.+?) \| \[[^\]]+\]\((?P<target>[^)\s]+)\) \|\s*$", re.M)


@dataclass(frozen=True)
class Explained:
    """One row of the glossary's table: a glossary word (by its anchor) or a library
    name (its spellings in code), and the page, under docs/, that explains it."""

    what: str  # the word's glossary anchor, or the name's first spelling
    spellings: tuple[str, ...]  # the name as code spans spell it; () for a word
    page: str
    anchor: str  # the section of the page ("" for its top)


def where_explained(text: str | None = None) -> list[Explained]:
    """The rows of the section ``{#where-explained}`` of docs/glossary.md (or ``text``)."""
    text = GLOSSARY.read_text(encoding="utf-8") if text is None else text
    heading = re.search(rf"^## .*\{{#{GLOSSARY_INDEX}\}}\s*$", text, re.M)
    assert heading, f"docs/glossary.md has no section {{#{GLOSSARY_INDEX}}}"
    found = []
    for row in _INDEX_ROW.finditer(text, heading.end()):
        page, _, anchor = row["target"].partition("#")
        word = re.fullmatch(r"\[[^\]]+\]\(#(?P<anchor>[a-z0-9-]+)\)", row["what"])
        if word:
            found.append(Explained(word["anchor"], (), page, anchor))
        else:
            spellings = tuple(re.findall(r"`([^`]+)`", row["what"]))
            assert spellings, f"glossary table: a row names neither a word nor code: {row[0]}"
            found.append(Explained(spellings[0], spellings, page, anchor))
    return found


@dataclass(frozen=True)
class CodeSpan:
    """An inline code span in a page's prose, and the link it sits in, if any."""

    start: int
    text: str
    link: str | None


def code_spans(markdown_text: str) -> list[CodeSpan]:
    """The inline code spans outside fenced blocks, headings and includes, in order."""
    chars = list(markdown_text)
    _blank_blocks(markdown_text, chars)
    text = "".join(chars)
    links = [(m.start(2), m.end(2), m[3]) for m in _LINK.finditer(text) if not m[1]]
    return [
        CodeSpan(
            span.start(),
            span[2],
            next((target for start, end, target in links if start <= span.start() < end), None),
        )
        for span in re.finditer(r"(`+)([^`\n]*?)\1", text)
    ]


def mentions(spelling: str, code: str) -> bool:
    """Whether ``code`` uses the name ``spelling`` (``TaskGroup`` in ``asyncio.TaskGroup()``)."""
    tail = r"(?!\w)" if spelling[-1].isalnum() or spelling[-1] == "_" else ""
    return re.search(rf"(?<!\w){re.escape(spelling)}{tail}", code) is not None


def link_target(link: str, page: str) -> str | None:
    """The page under docs/ that a relative link from ``page`` points to, if any."""
    path = link.partition("#")[0]
    if not path or re.match(r"[a-z]+:", path):
        return None
    return os.path.normpath(os.path.join(os.path.dirname(page), path)).replace("\\", "/")


def heading_anchors(markdown_text: str) -> set[str]:
    """The ids MkDocs gives the page's headings (toc's slugify, or an explicit {#id})."""
    from markdown.extensions.toc import slugify

    found, fence = set(), False
    for line in markdown_text.splitlines():
        if re.match(r"\s*(`{3,}|~{3,})", line):
            fence = not fence
        heading = None if fence else re.match(r"^#{1,6} (.*)$", line)
        if heading:
            explicit = re.search(r"\{#([^}\s]+)\}", heading[1])
            words = re.sub(r"\{[^}]*\}|`", "", heading[1]).strip()
            found.add(explicit[1] if explicit else slugify(words, "-"))
    return found


# --- building throwaway sites and the real one ---------------------------------------------

BUILD_TIMEOUT = 1800  # seconds for a whole strict build; each snippet has its own limit


def snippets(root: Path = ROOT) -> list[Path]:
    return sorted(p for p in (root / "snippets").rglob("*.py") if "__pycache__" not in p.parts)


def pages(root: Path = ROOT) -> list[Path]:
    """The site's pages: not ``_*.md`` files (the page template), which mkdocs.yml excludes."""
    return sorted(p for p in (root / "docs").rglob("*.md") if not p.name.startswith("_"))


SNIPPETS = snippets()
PAGES = pages()


def rel(path: Path, root: Path = ROOT) -> str:
    return path.relative_to(root).as_posix()


@dataclass(frozen=True)
class SnippetFence:
    """One ``python-snippet`` fence in a page, its options parsed as the build parses them."""

    page: str
    line: int
    path: str
    options: FenceOptions


def snippet_fences(root: Path = ROOT) -> list[SnippetFence]:
    """Every ``python-snippet`` fence in the pages, as pytest-examples finds it."""
    return [
        SnippetFence(rel(ex.path, root), ex.start_line, ex.source.strip(), _options(ex))
        for ex in find_examples(*pages(root))
        if ex.prefix.split()[0] == "python-snippet"
    ]


def _options(example: CodeExample) -> FenceOptions:
    try:
        return FenceOptions.parse(example.prefix_settings())
    except ValueError as error:
        raise ValueError(f"{example}: {error}") from None


def orphan_snippets(root: Path = ROOT) -> list[str]:
    """Snippets that no page shows: nobody reads them and nothing checks them."""
    shown = {fence.path for fence in snippet_fences(root)}
    return [rel(path, root) for path in snippets(root) if rel(path, root) not in shown]


def build_site(out: Path, env: dict[str, str] | None = None, cwd: Path = ROOT) -> Build:
    """``mkdocs build --strict`` of ``cwd`` into ``out/site``, every snippet run fresh
    (like CI and the deployed site) unless ``env`` says otherwise."""
    env = {**os.environ, "SNIPPET_CACHE": "0", **(env or {})}
    return strict_build(cwd, out, env, timeout=BUILD_TIMEOUT)


def site_skeleton(dest: Path) -> Path:
    """A throwaway site with our real configuration: mkdocs.yml (without nav and
    watch, which name our pages), the theme overrides and the stylesheets. Tests add
    the pages."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"^(nav|watch):\n(?:[ \t-].*\n|\n)*", "", config, flags=re.M)
    (dest / "docs").mkdir(parents=True, exist_ok=True)
    (dest / "mkdocs.yml").write_text(config, encoding="utf-8")
    shutil.copytree(ROOT / "overrides", dest / "overrides")  # the theme's custom_dir
    shutil.copytree(DOCS / "stylesheets", dest / "docs" / "stylesheets")  # extra_css
    return dest


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def dev_module() -> ModuleType:
    """dev.py, the two commands' home (``project_files()``, ``lint_command()``)."""
    return _load(ROOT / "dev.py", "dev")


def tool_module(name: str) -> ModuleType:
    """``tools/<name>.py``, a command that dev.py runs as a script (``wheel_check``)."""
    return _load(ROOT / "tools" / f"{name}.py", name)


def as_command(monkeypatch: pytest.MonkeyPatch, argv: list[str], env: dict[str, str]) -> None:
    """Look like ``argv`` run with ``env`` (CI and SNIPPET_CACHE unset unless it sets them):
    the runner decides from these whether to cache and whether it is in ``serve``."""
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("SNIPPET_CACHE", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "argv", argv)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """\"\"\"Fine.\"\"\"


def main():
    print("hello from the demo")


if __name__ == "__main__":
    main()
"""


def throwaway_site(
    tmp_path: Path,
    snippet_code: str | None,
    include: str = "snippets/demo/01_demo.py",
    fence_options: str = "",
) -> Path:
    """A copy of our mkdocs.yml (without nav and watch) with one page that shows one snippet."""
    site_skeleton(tmp_path)
    fence = f"```python-snippet {fence_options}".rstrip()
    write(tmp_path / "docs" / "index.md", f"# Demo\n\n{fence}\n{include}\n```\n")
    if snippet_code is not None:
        write(tmp_path / "snippets" / "demo" / "01_demo.py", snippet_code)
    return tmp_path


# Two programs with sections to excerpt: one with a section inside a function and one
# outside, and one whose excerpt has a line as long as the formatter allows.
SECTIONED = '''"""Two sections, one inside a function."""

import sys


# --8<-- [start:work]
def work(n):
    return sum(range(n))
# --8<-- [end:work]


def main():
    # --8<-- [start:call]
    print(work(10))
    # --8<-- [end:call]
    # --8<-- [start:next]
    print(sys.version_info[:2])
    # --8<-- [end:next]


if __name__ == "__main__":
    main()
'''
LONGEST_LINE = "    x = 1  # " + "a" * (88 - 13)  # as long as the formatter allows
WIDE = GOOD.replace(
    '    print("hello from the demo")',
    f'    # --8<-- [start:body]\n{LONGEST_LINE}\n    print("hello from the demo", x)\n'
    "    # --8<-- [end:body]",
)


def working_site(dest: Path) -> Path:
    """A throwaway site of snippets that work, which tests that check different facts
    of a working build share one build of (the fixture ``working_build``).

    - index.md: GOOD (01_demo.py), one that takes a second (02_slow.py), and one whose
      Markdown output shows an image it writes (03_dot.py);
    - excerpt.md: SECTIONED (04_sections.py), its section "call" with its line 1 highlighted;
    - wide.md: WIDE (05_wide.py), its section "body" with its line 1 highlighted.
    """
    site = throwaway_site(dest, GOOD)
    slow = GOOD.replace('print("hello from the demo")', "import time\n    time.sleep(1)")
    dot = GOOD.replace(
        'print("hello from the demo")',
        'open("dot.svg", "w").write("<svg xmlns=\'http://www.w3.org/2000/svg\'/>")\n'
        '    print("![a dot](dot.svg)")',
    )
    demo = site / "snippets" / "demo"
    for name, code in [
        ("02_slow.py", slow),
        ("03_dot.py", dot),
        ("04_sections.py", SECTIONED),
        ("05_wide.py", WIDE),
    ]:
        write(demo / name, code)
    index = site / "docs" / "index.md"
    index.write_text(
        index.read_text()
        + "\n```python-snippet\nsnippets/demo/02_slow.py\n```\n"
        + '\n```python-snippet output="markdown"\nsnippets/demo/03_dot.py\n```\n'
    )
    for page, name, section in [("excerpt", "04_sections", "call"), ("wide", "05_wide", "body")]:
        fence = f'```python-snippet sections="{section}" hl="1"\nsnippets/demo/{name}.py\n```\n'
        write(site / "docs" / f"{page}.md", f"# {page}\n\n{fence}")
    return site


# --- checking the docs' code blocks ----------------------------------------------------------


def block_kind(example: CodeExample) -> str:
    return example.prefix.strip("{} ").split()[0].lstrip(".")


def check_code_block(example: CodeExample, eval_example: EvalExample) -> None:
    """Check one block; a failure names the file and lines (``path:start-end``)."""
    try:
        _check(example, eval_example)
    except pytest.fail.Exception as failure:
        if str(example) in str(failure):
            raise
        pytest.fail(f"{example}: {failure}", pytrace=False)


def _check(example: CodeExample, eval_example: EvalExample) -> None:
    if block_kind(example) == "python-snippet":
        _options(example)  # raises, naming the block, on a wrong option
        target = ROOT / example.source.strip()
        assert target.is_file(), f"{example}: {example.source.strip()} does not exist"
        assert target.is_relative_to(ROOT / "snippets"), f"{example}: snippets live under snippets/"
        return
    assert block_kind(example) == "python", f"{example}: unknown block type {example.prefix!r}"
    assert "exec" not in example.prefix_settings(), (
        f"{example}: markdown-exec runs inline blocks in-process; put the program in "
        "snippets/ and show it with a python-snippet fence"
    )
    eval_example.set_config(line_length=88, target_version="py311", ruff_ignore=["T201"])
    eval_example.lint_ruff(example)
    test = example.prefix_settings().get("test", "")
    if test.startswith("skip:"):
        pytest.skip(f"{example}: not run ({test.removeprefix('skip:').strip()})")
    elif test == "varies":
        eval_example.run(example)
    elif test == "":
        eval_example.run_print_check(example)
    else:
        pytest.fail(f'{example}: test="{test}" is neither "varies" nor "skip: <reason>"')
