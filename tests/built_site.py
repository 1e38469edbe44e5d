"""The built site as the tests read it: its pages, their parsed HTML, and URL-to-file mapping.

Every check that reads the built site goes through here, so a page that a chapter adds
later is checked without being named anywhere: the pages are whatever HTML the build
wrote.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup, Tag
from helpers import ROOT, Build, Table

ARTIFACTS = ROOT / ".artifacts"  # ignored by git: screenshots and reports for review
NOT_FOUND_PAGE = "404.html"


def _site_url() -> str:
    # mkdocs.yml holds Python tags that yaml.safe_load refuses; this one line is plain.
    match = re.search(r"^site_url:\s*(\S+)\s*$", (ROOT / "mkdocs.yml").read_text(), re.M)
    assert match, "mkdocs.yml has no site_url"
    return match[1].rstrip("/") + "/"


SITE_URL = _site_url()
BASE_PATH = urlsplit(SITE_URL).path  # "/site/": where GitHub Pages serves the site


def site_dir(build: Build) -> Path:
    """The built site; fails (instead of checking stale or missing files) if the build did."""
    if build.returncode != 0:
        pytest.fail("the strict build failed, so the built site cannot be checked (see test_build)")
    return build.site


@dataclass(frozen=True)
class Page:
    """One HTML file of the built site."""

    site: Path
    file: Path

    @property
    def rel(self) -> str:
        return self.file.relative_to(self.site).as_posix()

    @property
    def url(self) -> str:
        """Where the page is published; relative links resolve against it."""
        return SITE_URL + self.rel

    @property
    def path(self) -> str:
        """The URL path under the site's base, as a reader types it ("threads/")."""
        return self.rel.removesuffix("index.html")

    @property
    def slug(self) -> str:
        """A file-name-safe name for the page ("index", "threads", "404")."""
        return self.rel.removesuffix(".html").removesuffix("/index").replace("/", "--")

    @functools.cached_property
    def soup(self) -> BeautifulSoup:
        return BeautifulSoup(self.file.read_text(encoding="utf-8"), "html.parser")

    @functools.cached_property
    def anchors(self) -> frozenset[str]:
        """Every fragment that lands somewhere on this page (id= or a named anchor)."""
        found = {tag["id"] for tag in self.soup.find_all(id=True)}
        found |= {tag["name"] for tag in self.soup.find_all("a", attrs={"name": True})}
        return frozenset(str(name) for name in found)

    @property
    def article(self) -> Tag:
        """The page's own content, without Material's header, navigation and footer."""
        article = self.soup.find("article")
        assert isinstance(article, Tag), f"{self.rel}: no <article> element"
        return article


@functools.cache
def site_pages(site: Path) -> tuple[Page, ...]:
    """Every HTML page of the built site, the 404 page included, parsed once per session."""
    return tuple(Page(site, file) for file in sorted(site.rglob("*.html")))


def reader_pages(site: Path) -> tuple[Page, ...]:
    """The pages a reader navigates to (every page but the 404 page)."""
    return tuple(page for page in site_pages(site) if page.rel != NOT_FOUND_PAGE)


def local_target(site: Path, url: str) -> Path | None:
    """The file that a URL under SITE_URL names, or None if the site has no such file."""
    path = unquote(urlsplit(url).path)
    if not path.startswith(BASE_PATH):
        return None
    target = site / path.removeprefix(BASE_PATH)
    if target.is_dir():
        target /= "index.html"
    return target if target.is_file() and target.resolve().is_relative_to(site.resolve()) else None


def html_table(element: Tag) -> Table:
    """A ``<table>`` as the shared Table, for output that a page shows as HTML (a
    notebook's Markdown output): the first row's cells are the headers."""
    assert element.name == "table", f"not a table: <{element.name}>"
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
        for row in element.find_all("tr")
    ]
    assert rows, "an empty <table>"
    return Table(rows[0], rows[1:])
