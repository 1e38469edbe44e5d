"""Every link in the built HTML: internal ones resolve, file and anchor; external ones are listed.

The strict build's ``validation:`` settings check the links written in Markdown. This
checks what readers get, which also holds what the theme, the plugins and the snippets'
outputs add: navigation, the 404 page's absolute links, canonical URLs, images, scripts
and stylesheets. A URL under ``site_url`` counts as internal and must name a file of this
build. External links are never fetched (the build has no internet, and a check that
depends on other sites fails when they do); they are written, with the pages that use
them, to ``.artifacts/external-links.txt`` for review.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from built_site import ARTIFACTS, SITE_URL, Page, local_target, site_dir, site_pages
from helpers import DOCS, Build

URL_ATTRIBUTES = ("href", "src")
NOT_LINKS = {"data", "mailto"}  # data: URIs (embedded plots) and mail addresses
EXTERNAL_REPORT = ARTIFACTS / "external-links.txt"
MARKDOWN_LINK = re.compile(r"\]\((https?://[^)\s]+)\)|<(https?://[^>\s]+)>")


@dataclass
class Links:
    broken: list[str] = field(default_factory=list)
    external: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


def references(page: Page) -> Iterator[tuple[str, str]]:
    """(tag name, URL as written) for every href and src on the page."""
    for tag in page.soup.find_all(True):
        for attribute in URL_ATTRIBUTES:
            value = tag.get(attribute)
            if isinstance(value, str):
                yield tag.name, value.strip()


@functools.cache
def check_links(site: Path) -> Links:
    links = Links()
    pages = {page.file.resolve(): page for page in site_pages(site)}
    for page in pages.values():
        for tag, written in references(page):
            url = urljoin(page.url, written)
            parts = urlsplit(url)
            where = f"{page.rel}: <{tag}> {written[:100]}"
            if parts.scheme in NOT_LINKS:
                continue
            if not url.startswith(SITE_URL):
                if parts.scheme in {"http", "https"}:
                    links.external[url].add(page.rel)
                else:
                    links.broken.append(f"{where}: unexpected scheme {parts.scheme!r}")
                continue
            target = local_target(site, url)
            if target is None:
                links.broken.append(f"{where}: the site has no such file")
            elif parts.fragment and target.suffix == ".html":
                anchor = unquote(parts.fragment)
                if anchor not in pages[target.resolve()].anchors:
                    links.broken.append(f"{where}: no id or name {anchor!r} on that page")
    return links


def write_report(links: Links) -> Path:
    EXTERNAL_REPORT.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "# External links in the built site (not fetched by the tests), with the pages",
        "# that use them. Review before a release; a dead one is a defect.",
    ]
    for url in sorted(links.external):
        lines += [url, *(f"    {page}" for page in sorted(links.external[url]))]
    EXTERNAL_REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return EXTERNAL_REPORT


def test_internal_links_and_anchors_resolve(site_build: Build) -> None:
    broken = check_links(site_dir(site_build)).broken
    assert not broken, f"{len(broken)} broken link(s):\n" + "\n".join(broken)


def test_external_links_are_listed_not_fetched(site_build: Build) -> None:
    links = check_links(site_dir(site_build))
    report = write_report(links)
    print(f"{len(links.external)} external links listed in {report}")
    # The list really holds the links that the Markdown sources write.
    written = {
        next(group for group in match.groups() if group)
        for source in DOCS.rglob("*.md")
        for match in MARKDOWN_LINK.finditer(source.read_text(encoding="utf-8"))
    }
    missing = sorted(url for url in written if url not in links.external)
    assert not missing, f"external links in docs/ missing from {report}:\n" + "\n".join(missing)
    insecure = sorted(url for url in links.external if url.startswith("http:"))
    assert not insecure, "use https:// for external links:\n" + "\n".join(insecure)


def test_the_link_checker_finds_broken_links(tmp_path: Path) -> None:
    """The checker itself, on a two-page site with one good and three bad links."""
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text(
        '<h1 id="top">Home</h1><a href="a/#there">ok</a><a href="a/#nowhere">bad anchor</a>'
        '<img src="missing.svg" alt="x"><a href="https://example.org/">external</a>'
        f'<link rel="canonical" href="{SITE_URL}gone/">'
    )
    (tmp_path / "a" / "index.html").write_text('<h2 id="there">A</h2><a href="../#top">ok</a>')
    links = check_links(tmp_path)
    expected = ["<a> a/#nowhere: no id", "<img> missing.svg: the site", f"{SITE_URL}gone/: the"]
    assert len(links.broken) == len(expected), links.broken
    assert all(any(bad in line for line in links.broken) for bad in expected), links.broken
    assert dict(links.external) == {"https://example.org/": {"index.html"}}
