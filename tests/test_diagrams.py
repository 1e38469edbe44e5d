"""The mechanism diagrams: hand-written SVG in docs/assets/diagrams/, included inline.

A page includes a diagram's source into its HTML (``--8<--`` inside a ``<figure>``), so
the diagram is drawn with the page's stylesheet. That is what makes one drawing legible
in both colour schemes, and it sets the rules checked here for every file:

- well-formed XML with an ``<svg>`` root, ``role="img"``, a ``viewBox`` (so it scales),
  a non-empty ``<title>`` and ``<desc>`` (the alt text) that ``aria-labelledby`` names,
  and real ``<text>`` (searchable, selectable, read aloud);
- nothing from elsewhere: no URL, no ``href`` outside the file, no ``<script>``,
  ``<image>``, ``<foreignObject>`` or ``<style>`` (an inline ``<style>`` would apply to
  the whole page);
- no colour of its own: ``fill``, ``stroke`` and the other paint properties are
  ``none``, ``currentColor``, ``var(...)`` or a marker ``url(#...)``; real colours come
  from the classes in docs/stylesheets/diagrams.css, which uses Material's variables;
- every ``id`` starts with ``dg-`` and is unique across the diagrams, because several
  diagrams can share one page; every class it uses is styled in diagrams.css;
- no blank line: in a Markdown page, a blank line would end the raw HTML block in the
  middle of the drawing.

The last tests run the checks on small hand-made drawings, so a check that stopped
finding anything would fail.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers import DOCS, ROOT

DIAGRAMS = DOCS / "assets" / "diagrams"
STYLESHEET = DOCS / "stylesheets" / "diagrams.css"
SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# The mechanisms of issue 19, one diagram each.
MECHANISMS = {
    "gil-handoff.svg": "the GIL hand-off between two threads",
    "event-loop.svg": "one turn of the event loop",
    "start-methods.svg": "fork, spawn and forkserver",
    "threads-vs-processes-memory.svg": "memory of threads against processes",
    "pickle-pipe.svg": "parent, pickle, pipe, worker and back",
    "lock-ordering.svg": "the cycle of a lock-ordering deadlock",
    "ctrl-c-path.svg": "Ctrl-C: signal, main thread, stop Event, workers, shutdown",
}
PAINT = ("fill", "stroke", "color", "stop-color", "flood-color", "lighting-color")
ALLOWED_PAINT = re.compile(r"none|currentColor|var\(--[\w-]+\)|url\(#[\w-]+\)")
FORBIDDEN_ELEMENTS = ("script", "image", "foreignObject", "style", "iframe", "use")
URL = re.compile(r"https?:|//|data:|url\((?!#)", re.I)


def diagrams() -> list[Path]:
    return sorted(DIAGRAMS.glob("*.svg"))


def styled_classes(css: str) -> set[str]:
    """The class names that diagrams.css gives a rule to."""
    return set(re.findall(r"\.(dg-[\w-]+)", css))


def problems(source: str, css_classes: set[str]) -> list[str]:
    """What is wrong with one diagram's source; an empty list when nothing is."""
    found = []
    if re.search(r"\n[ \t]*\n", source.strip()):
        found.append("a blank line (it would end the raw HTML block in a page)")
    try:
        root = ET.fromstring(source)
    except ET.ParseError as error:
        return [*found, f"not well-formed XML: {error}"]
    if root.tag != f"{SVG}svg":
        return [*found, f"the root element is {root.tag}, not <svg>"]
    found += root_problems(root)
    for element in root.iter():
        found += element_problems(element, css_classes)
    return found


def root_problems(root: ET.Element) -> list[str]:
    """The role, the viewBox, the alt text and the real text of the drawing."""
    found = []
    if root.get("role") != "img":
        found.append('the <svg> has no role="img"')
    view_box = root.get("viewBox", "").replace(",", " ").split()
    if len(view_box) != 4 or not all(re.fullmatch(r"-?[\d.]+", v) for v in view_box):
        found.append(f"no usable viewBox: {root.get('viewBox')!r}")
    elif float(view_box[2]) <= 0 or float(view_box[3]) <= 0:
        found.append(f"the viewBox has no area: {root.get('viewBox')!r}")
    labels = set((root.get("aria-labelledby") or "").split())
    for name in ("title", "desc"):
        element = root.find(f"{SVG}{name}")
        if element is None or not "".join(element.itertext()).strip():
            found.append(f"no non-empty <{name}> as a child of <svg>")
        elif element.get("id") not in labels:
            found.append(f"aria-labelledby does not name the <{name}>")
    if not any("".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")):
        found.append("no <text>: the words must be real text")
    return found


def element_problems(element: ET.Element, css_classes: set[str]) -> list[str]:
    """What one element must not have: outside references, colours, stray ids and classes."""
    found = []
    tag = element.tag.removeprefix(SVG)
    if tag in FORBIDDEN_ELEMENTS:
        found.append(f"a <{tag}> element")
    for attribute, value in element.attrib.items():
        name = attribute.rsplit("}", 1)[-1]
        if name == "href" or attribute == XLINK_HREF:
            if not value.startswith("#"):
                found.append(f"<{tag}> links outside the file: {value!r}")
        elif URL.search(value):
            found.append(f"<{tag} {name}> refers to something outside: {value!r}")
    paints = [(p, element.get(p, "")) for p in PAINT if p in element.attrib]
    for declaration in (element.get("style") or "").split(";"):
        prop, _, value = declaration.partition(":")
        if prop.strip() in PAINT:
            paints.append((prop.strip(), value))
    found += [
        f"<{tag}> has a colour of its own: {prop}={value!r}"
        for prop, value in paints
        if not ALLOWED_PAINT.fullmatch(value.strip())
    ]
    element_id = element.get("id")
    if element_id is not None and not element_id.startswith("dg-"):
        found.append(f"the id {element_id!r} does not start with dg-")
    found += [
        f"the class {name!r} has no rule in diagrams.css"
        for name in (element.get("class") or "").split()
        if name != "dg" and name not in css_classes
    ]
    return found


def test_every_mechanism_has_its_diagram() -> None:
    missing = [
        f"{name} ({what})" for name, what in MECHANISMS.items() if not (DIAGRAMS / name).is_file()
    ]
    assert not missing, f"missing diagrams: {missing}"


@pytest.mark.parametrize("path", diagrams(), ids=lambda p: p.name)
def test_diagram(path: Path) -> None:
    css_classes = styled_classes(STYLESHEET.read_text(encoding="utf-8"))
    assert problems(path.read_text(encoding="utf-8"), css_classes) == []


def test_ids_are_unique_across_diagrams() -> None:
    """Two diagrams on one page must not share an id (markers, title and desc)."""
    seen: dict[str, str] = {}
    clashes = []
    for path in diagrams():
        for element in ET.parse(path).getroot().iter():
            element_id = element.get("id")
            if element_id is None:
                continue
            if element_id in seen:
                clashes.append(f"{element_id} in {seen[element_id]} and {path.name}")
            seen[element_id] = path.name
    assert not clashes


def test_stylesheet_draws_with_the_theme_colours() -> None:
    """The stylesheet is loaded, and its colours are Material's variables, never fixed."""
    css = STYLESHEET.read_text(encoding="utf-8")
    fixed = re.findall(r"#[0-9a-fA-F]{3,8}\b|\b(?:rgba?|hsla?)\(", css)
    assert not fixed, f"diagrams.css has fixed colours: {fixed}"
    assert "var(--md-default-fg-color)" in css
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"^extra_css:\n(?:\s+- .*\n)*\s+- stylesheets/diagrams\.css$", config, re.M)


# --- the checks themselves, on hand-made drawings ----------------------------------------

GOOD = """<svg xmlns="http://www.w3.org/2000/svg" class="dg" viewBox="0 0 100 50" role="img"
  aria-labelledby="dg-t-title dg-t-desc">
  <title id="dg-t-title">A box</title>
  <desc id="dg-t-desc">One box with a word in it.</desc>
  <rect class="dg-box" x="1" y="1" width="98" height="48" fill="none" stroke="currentColor"/>
  <text x="10" y="30">word</text>
</svg>"""


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda s: s, None),
        (lambda s: s.replace(' role="img"', ""), 'role="img"'),
        (lambda s: s.replace(' viewBox="0 0 100 50"', ""), "viewBox"),
        (lambda s: s.replace("A box", " "), "<title>"),
        (lambda s: s.replace("One box with a word in it.", ""), "<desc>"),
        (lambda s: s.replace(' dg-t-desc"', '"'), "aria-labelledby"),
        (lambda s: s.replace("<text x", "<tspan x").replace("</text>", "</tspan>"), "<text>"),
        (lambda s: s.replace('fill="none"', 'fill="#336699"'), "colour of its own"),
        (lambda s: s.replace('stroke="currentColor"', 'style="stroke: red"'), "colour"),
        (lambda s: s.replace("<text", '<image href="https://example.org/a.png"/><text'), "image"),
        (lambda s: s.replace("<text", '<a href="https://example.org/"/><text'), "outside"),
        (lambda s: s.replace('class="dg-box"', 'class="dg-nowhere"'), "no rule"),
        (lambda s: s.replace('id="dg-t-title"', 'id="title"'), "dg-"),
        (lambda s: s.replace("<text", "<script>alert(1)</script><text"), "<script>"),
        (lambda s: s.replace("  <rect", "\n  <rect"), "blank line"),
        (lambda s: s.replace("</svg>", "<svg>"), "well-formed"),
    ],
)
def test_checks_find_each_problem(change, expected: str | None) -> None:
    found = problems(change(GOOD), {"dg-box"})
    if expected is None:
        assert found == []
    else:
        assert any(expected in problem for problem in found), found
