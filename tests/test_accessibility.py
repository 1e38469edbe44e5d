"""Accessibility basics on every built page: alt text, heading order, plots' data as text.

- Every ``<img>`` (plots embedded as data: URIs included) has alt text that says
  something, and every inline ``<svg role="img">`` has a label.
- Heading levels never skip: one h1 first, then each heading at most one level deeper
  than the one before it.
- A plot's data is on the page as text too: the section that holds the plot (from
  the heading before it to the next heading) also holds a table or a text output
  block. A plot is an SVG with Matplotlib axes, a raster image embedded in the page
  (executed notebook outputs), or a measured timeline drawn inline
  (``<svg class="tl">``, snippets/timeline_svg.py).
- Colour is never the only difference between two lines of a plot: lines in the same
  axes also differ in line style or marker. (Bars and other marks are a review rule,
  stated in CONTRIBUTING.md.)

Each check is a function from parsed HTML to a list of problems; the last tests run
them on small hand-made pages, so a check that stopped finding anything would fail.
"""

from __future__ import annotations

import base64
import itertools
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from urllib.parse import unquote, urljoin

import pytest
from bs4 import BeautifulSoup, Tag
from built_site import Page, local_target, reader_pages, site_dir, site_pages
from helpers import Build

# Alt text that tools fill in when the author gave none (nbconvert writes the first).
PLACEHOLDER_ALT = {"no description has been provided for this image", "image", "png", "svg"}
HEADING = re.compile(r"h[1-6]")
# A code listing is not a text alternative; a program's printed output is.
LISTING = {"language-python", "language-py", "highlight-ipynb", "jp-InputArea", "linenodiv"}
TEXT_OUTPUT = {"language-text", "jp-OutputArea"}
SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def _classes(tag: Tag) -> set[str]:
    return {str(name) for name in tag.get("class") or ()}


def _short(src: str) -> str:
    return src[:60] + "..." if len(src) > 60 else src


def missing_alt(soup: BeautifulSoup) -> list[str]:
    problems = []
    for img in soup.find_all("img"):
        alt = str(img.get("alt") or "").strip()
        if not alt or alt.lower() in PLACEHOLDER_ALT:
            problems.append(f"<img src={_short(str(img.get('src')))!r}> has alt {alt!r}")
    for svg in soup.find_all("svg", attrs={"role": "img"}):
        title = svg.find("title")
        label = svg.get("aria-label") or svg.get("aria-labelledby") or (title and title.text)
        if not str(label or "").strip():
            problems.append("<svg role='img'> has no aria-label or <title>")
    return problems


def heading_skips(soup: BeautifulSoup) -> list[str]:
    headings = [(int(tag.name[1]), tag.get_text(" ", strip=True)) for tag in soup.find_all(HEADING)]
    if not headings:
        return ["the page has no headings"]
    problems = []
    if headings[0][0] != 1:
        problems.append(f"the first heading is h{headings[0][0]} {headings[0][1]!r}, not h1")
    if sum(level == 1 for level, _ in headings) > 1:
        problems.append("more than one h1")
    for (before, _), (level, text) in itertools.pairwise(headings):
        if level > before + 1:
            problems.append(f"h{before} is followed by h{level} {text!r}")
    return problems


def _svg_text(img: Tag, page: Page | None) -> str | None:
    """The SVG source behind an <img>, if it is an SVG embedded or in the site."""
    src = str(img.get("src") or "")
    if src.startswith("data:image/svg+xml"):
        header, _, data = src.partition(",")
        return base64.b64decode(data).decode() if header.endswith(";base64") else unquote(data)
    if page is not None and src.lower().endswith(".svg"):
        target = local_target(page.site, urljoin(page.url, src))
        return target.read_text(encoding="utf-8") if target else None
    return None


def is_plot(img: Tag, page: Page | None = None) -> bool:
    """A chart: an SVG with Matplotlib axes, or a raster image embedded in the page."""
    src = str(img.get("src") or "")
    if re.match(r"data:image/(png|jpe?g|gif|webp)", src):
        return True
    svg = _svg_text(img, page)
    return svg is not None and 'id="matplotlib.axis' in svg


def _is_text_alternative(tag: Tag) -> bool:
    if tag.name == "table":  # a data table, not a code listing laid out as a table
        return not tag.find_parent(class_="highlight") and "highlighttable" not in _classes(tag)
    wrappers = set().union(*(_classes(parent) for parent in tag.parents))
    return bool(wrappers & TEXT_OUTPUT) and not wrappers & LISTING


def plots_without_data(root: Tag, page: Page | None = None) -> list[str]:
    """Plots whose section (heading to heading) holds no table and no text output."""
    sections: list[dict] = [{"heading": "(before the first heading)", "plots": [], "text": False}]
    for tag in root.find_all([HEADING, "img", "svg", "table", "pre"]):
        if HEADING.fullmatch(tag.name):
            sections.append({"heading": tag.get_text(" ", strip=True), "plots": [], "text": False})
        elif tag.name == "img":
            if is_plot(tag, page):
                sections[-1]["plots"].append(str(tag.get("alt") or tag.get("src"))[:80])
        elif tag.name == "svg" and "tl" in _classes(tag):  # a timeline, drawn inline
            sections[-1]["plots"].append(str(tag.get("aria-label"))[:80])
        elif _is_text_alternative(tag):
            sections[-1]["text"] = True
    return [
        f"section {section['heading']!r}: plot {plot!r} has no table or text output beside it"
        for section in sections
        if not section["text"]
        for plot in section["plots"]
    ]


def colour_only_lines(svg_source: str) -> list[str]:
    """Lines in one Matplotlib axes that differ in colour only (same dashes, same marker)."""
    root = ET.fromstring(svg_source)
    marker_shapes = {path.get("id"): path.get("d") for path in root.iter(f"{SVG}path")}
    problems = []
    for axes in root.iter(f"{SVG}g"):
        if not str(axes.get("id", "")).startswith("axes_"):
            continue
        colours_by_look: dict[tuple[str, str], set[str]] = defaultdict(set)
        for line in axes:
            if not str(line.get("id", "")).startswith("line2d_"):
                continue
            path = line.find(f"{SVG}path")
            if path is None or not path.get("clip-path"):
                continue  # an axis tick or a legend sample, not data
            style = path.get("style") or ""
            colour = re.search(r"stroke:\s*([^;]+)", style)
            dashes = re.search(r"stroke-dasharray:\s*([^;]+)", style)
            uses = line.findall(f".//{SVG}use")
            marker = marker_shapes.get(uses[0].get(XLINK_HREF, "").lstrip("#")) if uses else None
            look = (dashes[1] if dashes else "solid", marker or "no marker")
            colours_by_look[look].add(colour[1].strip() if colour else "none")
        problems += [
            f"{axes.get('id')}: lines {sorted(colours)} differ only in colour "
            f"(style {look[0]}, {look[1] if look[1] == 'no marker' else 'same marker'})"
            for look, colours in colours_by_look.items()
            if len(colours) > 1
        ]
    return problems


def _report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{page}: {problem}" for page, found in problems.items() for problem in found)


def test_every_image_has_alt_text(site_build: Build) -> None:
    problems = {page.rel: missing_alt(page.soup) for page in site_pages(site_dir(site_build))}
    problems = {page: found for page, found in problems.items() if found}
    assert not problems, (
        "images need alt text that says what they show (notebooks: see 'Alt text' in "
        "CONTRIBUTING.md):\n" + _report(problems)
    )


def test_heading_levels_never_skip(site_build: Build) -> None:
    problems = {page.rel: heading_skips(page.soup) for page in site_pages(site_dir(site_build))}
    problems = {page: found for page, found in problems.items() if found}
    assert not problems, _report(problems)


def test_every_plot_has_its_data_as_text(site_build: Build) -> None:
    pages = reader_pages(site_dir(site_build))
    problems = {page.rel: plots_without_data(page.article, page) for page in pages}
    problems = {page: found for page, found in problems.items() if found}
    assert not problems, (
        "print each plot's data as a table (measure.table) in the same snippet:\n"
        + _report(problems)
    )


def test_plot_lines_do_not_differ_by_colour_alone(site_build: Build) -> None:
    problems: dict[str, list[str]] = defaultdict(list)
    for page in reader_pages(site_dir(site_build)):
        for img in page.article.find_all("img"):
            svg = _svg_text(img, page)
            if svg is not None and is_plot(img, page):
                problems[page.rel] += [
                    f"{str(img.get('alt'))[:60]!r}: {p}" for p in colour_only_lines(svg)
                ]
    problems = {page: found for page, found in problems.items() if found}
    assert not problems, (
        "give each line its own line style or marker (linestyle=, marker=):\n" + _report(problems)
    )


# --- the checks on hand-made pages -------------------------------------------------------------


def _plot_svg(*line_styles: str) -> str:
    """A small Matplotlib SVG with one line per style ("-", "o--", ...), each its own colour."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(2, 2))
    for number, style in enumerate(line_styles):
        axes.plot([0, 1, 2], [number, number + 1, number], style, label=f"line {number}")
    axes.legend()
    out = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "test"}):
        figure.savefig(out, format="svg", metadata={"Date": None})
    plt.close(figure)
    return out.getvalue()


def _img(svg: str, alt: str = "a plot") -> str:
    data = base64.b64encode(svg.encode()).decode()
    return f'<img alt="{alt}" src="data:image/svg+xml;base64,{data}">'


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<img src="a.svg" alt="Speed-up against workers">', 0),
        ('<img src="a.svg"><img src="b.png" alt=" ">', 2),
        ('<img src="x.png" alt="No description has been provided for this image">', 1),
        ('<svg role="img"><title>Logo</title></svg><svg role="img" aria-label="Plot"></svg>', 0),
        ('<svg role="img"><path d="M0 0"/></svg><svg><path d="M0 0"/></svg>', 1),
    ],
)
def test_missing_alt_check(html: str, expected: int) -> None:
    assert len(missing_alt(BeautifulSoup(html, "html.parser"))) == expected


@pytest.mark.parametrize(
    ("headings", "expected"),
    [("h1 h2 h3 h2 h3 h4 h2", 0), ("h1 h3", 1), ("h2 h3", 1), ("h1 h2 h1", 1), ("h1 h2 h4 h6", 2)],
)
def test_heading_skip_check(headings: str, expected: int) -> None:
    html = "".join(f"<{level}>t</{level}>" for level in headings.split())
    assert len(heading_skips(BeautifulSoup(html, "html.parser"))) == expected


def test_plot_data_check() -> None:
    plot = _img(_plot_svg("o-"))
    listing = '<div class="language-python highlight"><pre><code>print(1)</code></pre></div>'
    output = '<div class="language-text highlight"><pre><code>1 2 3</code></pre></div>'
    table = "<table><tr><td>1</td></tr></table>"
    diagram = _img('<svg xmlns="http://www.w3.org/2000/svg"/>', "a diagram")
    timeline = '<svg class="tl" role="img" aria-label="Two threads"><text>a</text></svg>'
    cases = {
        f"<h2>A</h2><p>{timeline}</p>{table}": 0,  # a timeline with its table
        f"<h2>A</h2><p>{timeline}</p><h2>B</h2>{table}": 1,  # its table elsewhere
        f"<h2>A</h2>{plot}{table}<h2>B</h2>{plot}{output}": 0,  # both have their data
        f"<h2>A</h2>{table}<h2>B</h2>{plot}{listing}": 1,  # code and another section's table
        f"<h2>A</h2>{diagram}": 0,  # not a chart: no axes
        f"<h1>T</h1><p>{plot}</p><h2>B</h2>{table}": 1,
    }
    for html, expected in cases.items():
        found = plots_without_data(BeautifulSoup(html, "html.parser"))
        assert len(found) == expected, (html[:200], found)


def test_colour_only_check() -> None:
    assert len(colour_only_lines(_plot_svg("-", "-"))) == 1
    assert colour_only_lines(_plot_svg("o-", "s-")) == []
    assert colour_only_lines(_plot_svg("-", "--", ":")) == []
    assert len(colour_only_lines(_plot_svg("o-", "o-", "s--"))) == 1
