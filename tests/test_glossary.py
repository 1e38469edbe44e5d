"""The glossary page: one entry per word the chapters assume, each with a fixed anchor.

Pages link a word to ``glossary.md#anchor``, so the anchors are part of the site's
interface: every entry is a level-2 heading with an explicit ``{#anchor}``, the words
that issue 19 names all have one, and each entry says something. A fact that names a
Python version also links where it comes from (the Python docs, a PEP or CPython's
repository), as the project's rules ask of every version-dependent claim.

Whether pages link each term on its first use is a separate test, added with the links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import markdown
import pytest
from helpers import DOCS, GLOSSARY_INDEX, ROOT, VERSION_SOURCE

GLOSSARY = DOCS / "glossary.md"
# The words the chapters assume (issue 19), by anchor.
REQUIRED = [
    "gil",
    "bytecode",
    "thread",
    "process",
    "interpreter",
    "subinterpreter",
    "event-loop",
    "coroutine",
    "task",
    "future",
    "await",
    "pickle",
    "start-method",
    "fork",
    "spawn",
    "forkserver",
    "switch-interval",
    "free-threaded-build",
    "race-condition",
    "lock",
    "deadlock",
    "cpu-bound",
    "io-bound",
    "concurrency",
    "parallelism",
    "speed-up",
    "provenance-line",
]
HEADING = re.compile(r"^(#{1,6}) (.*)$")
ENTRY = re.compile(r"(?P<term>\S.*?) \{#(?P<anchor>[a-z0-9]+(?:-[a-z0-9]+)*)\}")
VERSION = re.compile(r"\b(?:Python )?3\.\d{1,2}\b")
MIN_WORDS = 12


@dataclass
class Entry:
    heading: str
    anchor: str | None
    body: str


def entries(text: str) -> list[Entry]:
    """Each heading below the page title, and the text under it up to the next heading.

    Entries are level-2 headings; a deeper one is an entry too, and fails for it. The
    closing table of where each word is explained (``{#where-explained}``) is not an
    entry: the entries end there."""
    found: list[Entry] = []
    in_fence = False
    for line in text.splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
        heading = None if in_fence else HEADING.match(line)
        if heading and heading[2].endswith(f"{{#{GLOSSARY_INDEX}}}"):
            break
        if heading and len(heading[1]) > 1:
            match = ENTRY.fullmatch(heading[2].strip()) if len(heading[1]) == 2 else None
            found.append(Entry(heading[2], match["anchor"] if match else None, ""))
        elif found:
            found[-1].body += line + "\n"
    return found


def entry_problems(entry: Entry) -> list[str]:
    found = []
    if entry.anchor is None:
        found.append(f"{entry.heading!r}: not a level-2 heading with an explicit {{#anchor}}")
    words = re.findall(r"[A-Za-z]\w*", re.sub(r"\]\([^)]*\)", "]", entry.body))
    if len(words) < MIN_WORDS:
        found.append(f"{entry.heading!r}: the definition has {len(words)} words")
    if VERSION.search(entry.body) and not VERSION_SOURCE.search(entry.body):
        found.append(f"{entry.heading!r}: names a Python version but links no source")
    return found


TEXT = GLOSSARY.read_text(encoding="utf-8")
ENTRIES = entries(TEXT)


def test_glossary_has_entries() -> None:
    assert len(ENTRIES) >= len(REQUIRED)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.anchor or e.heading)
def test_entry(entry: Entry) -> None:
    assert entry_problems(entry) == []


def test_every_assumed_word_has_an_entry() -> None:
    anchors = [entry.anchor for entry in ENTRIES]
    assert not [a for a in REQUIRED if a not in anchors], "missing glossary entries"
    assert len(anchors) == len(set(anchors)), "an anchor is used twice"


def test_entries_are_in_alphabetical_order() -> None:
    """A reader scanning for a word finds it where the alphabet says."""
    terms = [re.sub(r"[^a-z0-9]", "", e.heading.lower()) for e in ENTRIES]
    assert terms == sorted(terms)


def test_anchors_become_ids() -> None:
    """Python-Markdown (attr_list and toc, as in mkdocs.yml) gives each heading its id."""
    html = markdown.markdown(TEXT, extensions=["attr_list", "toc", "md_in_html"])
    missing = [e.anchor for e in ENTRIES if e.anchor and f'<h2 id="{e.anchor}">' not in html]
    assert not missing


def test_links_inside_the_glossary_resolve() -> None:
    anchors = {entry.anchor for entry in ENTRIES} | {GLOSSARY_INDEX}
    broken = sorted(set(re.findall(r"\]\(#([^)]+)\)", TEXT)) - anchors)
    assert not broken, f"links to entries that do not exist: {broken}"


def test_glossary_is_in_the_nav_after_how_we_measure() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(
        r"^ +- Method:\n +- How we measure: how-we-measure\.md\n +- Glossary: glossary\.md$",
        config,
        re.M,
    )


# --- the checks themselves, on hand-made entries ------------------------------------------

DEFINITION = "A word that the chapters use, defined here in a sentence of a dozen words or so."


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (f"## Word {{#word}}\n\n{DEFINITION}\n", None),
        (f"## Word\n\n{DEFINITION}\n", "explicit {#anchor}"),
        (f"## Word {{#Word}}\n\n{DEFINITION}\n", "explicit {#anchor}"),
        ("## Word {#word}\n\nToo short.\n", "words"),
        (f"## Word {{#word}}\n\n{DEFINITION}\n\n### Part {{#part}}\n\n{DEFINITION}\n", "level-2"),
        ("## Word {#word}\n\n```text\n## Not a heading\n```\n", "words"),
        (f"## Word {{#word}}\n\n{DEFINITION} New in Python 3.13.\n", "links no source"),
        # The closing table is not an entry, and a heading after it is not either.
        (f"## Word {{#word}}\n\n{DEFINITION}\n\n## Index {{#{GLOSSARY_INDEX}}}\n\n## x\n", None),
        (
            f"## Word {{#word}}\n\n{DEFINITION} New in Python 3.13 "
            "([docs](https://docs.python.org/3/library/sys.html)).\n",
            None,
        ),
    ],
)
def test_checks_find_each_problem(page: str, expected: str | None) -> None:
    found = [problem for entry in entries(page) for problem in entry_problems(entry)]
    if expected is None:
        assert found == []
    else:
        assert any(expected in problem for problem in found), found
