"""What every good documentation site has, checked on the built pages.

site_url and description, a sitemap of every page, a 404 page that works at any URL,
our own logo and favicon, an "edit this page" link to the page's source, no repository
facts fetched from api.github.com, and a footer naming the build's commit and date.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin

import jinja2
import material
import pytest
from built_site import BASE_PATH, SITE_URL, local_target, reader_pages, site_dir, site_pages
from helpers import DOCS, ROOT, Build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from snippet_runner import identity

OVERRIDES = ROOT / "overrides"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
DATE_PATTERN = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC"  # as dev.py and identity.py write it


@functools.cache
def config() -> MkDocsConfig:
    return load_config(str(ROOT / "mkdocs.yml"))


def test_site_url_and_description(site_build: Build) -> None:
    assert config().site_description, "mkdocs.yml: set site_description"
    problems = []
    for page in reader_pages(site_dir(site_build)):
        canonical = page.soup.find("link", rel="canonical")
        if canonical is None or canonical.get("href") != SITE_URL + page.path:
            problems.append(f"{page.rel}: canonical link {canonical} is not {SITE_URL + page.path}")
        description = page.soup.find("meta", attrs={"name": "description"})
        if description is None or not str(description.get("content", "")).strip():
            problems.append(f"{page.rel}: no <meta name='description'>")
    assert not problems, "\n".join(problems)


def test_sitemap_lists_every_page(site_build: Build) -> None:
    site = site_dir(site_build)
    assert (site / "sitemap.xml.gz").is_file()
    listed = {loc.text for loc in ET.parse(site / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")}
    pages = {SITE_URL + page.path for page in reader_pages(site)}
    assert listed == pages, f"only in sitemap: {listed - pages}; missing: {pages - listed}"


def test_404_page_works_at_any_url(site_build: Build) -> None:
    [page] = [page for page in site_pages(site_dir(site_build)) if page.rel == "404.html"]
    assert "404" in page.soup.find("h1").get_text()
    # GitHub Pages serves it for any missing path, so its own assets cannot be relative.
    assets = [
        str(tag.get("href") or tag.get("src"))
        for tag in page.soup.find_all(["link", "script", "img"])
        if tag.get("href") or tag.get("src")
    ]
    assert assets
    relative = [url for url in assets if not url.startswith((BASE_PATH, "http"))]
    assert not relative, f"404.html loads assets by relative URL: {relative}"


@pytest.mark.parametrize(("setting", "selector"), [("logo", "img"), ("favicon", "link[rel=icon]")])
def test_our_own_logo_and_favicon(site_build: Build, setting: str, selector: str) -> None:
    source = DOCS / config().theme[setting]
    assert source.suffix == ".svg" and source.stat().st_size < 2048, f"{source}: a small SVG"
    assert ET.parse(source).getroot().get("viewBox"), f"{source}: give the SVG a viewBox"
    wrong = []
    for page in site_pages(site_dir(site_build)):
        used = {
            local_target(page.site, urljoin(page.url, str(tag.get("src") or tag.get("href"))))
            for tag in page.soup.select(selector)
        }
        if page.site / config().theme[setting] not in used:
            wrong.append(page.rel)
    assert not wrong, f"pages without our {setting}: {wrong}"


def test_edit_link_names_the_page_source(site_build: Build) -> None:
    prefix = config().repo_url.rstrip("/") + "/" + config().edit_uri
    problems = []
    for page in reader_pages(site_dir(site_build)):
        edit = page.soup.find("a", rel="edit")
        href = str(edit.get("href")) if edit else ""
        if not href.startswith(prefix) or not (DOCS / href.removeprefix(prefix)).is_file():
            problems.append(f"{page.rel}: edit link {href!r} does not name a file in docs/")
    assert not problems, "\n".join(problems)


def test_repository_facts_are_not_fetched(site_build: Build) -> None:
    """Material fetches stars and forks from api.github.com for a "source" component."""
    mounted = [
        page.rel
        for page in site_pages(site_dir(site_build))
        if page.soup.select('[data-md-component="source"]')
    ]
    assert not mounted, f"overrides/partials/source.html no longer applies on {mounted}"


def test_footer_names_the_commit_and_date_of_the_build(site_build: Build) -> None:
    # dev.py sets both from git and the clock; a bare pytest run's build asks git itself.
    commit = identity.commit()
    date = (
        re.escape(os.environ["SITE_BUILD_DATE"])
        if os.environ.get("SITE_BUILD_DATE")
        else DATE_PATTERN
    )
    problems = []
    for page in site_pages(site_dir(site_build)):
        footer = page.soup.select_one(".md-copyright__build")
        text = footer.get_text(" ", strip=True) if footer else ""
        if footer is None or footer.get("data-build-commit") != commit or not re.search(date, text):
            problems.append(f"{page.rel}: {text!r}")
    assert not problems, f"footer should name commit {commit} and date {date}:\n" + "\n".join(
        problems
    )


def _render_footer(monkeypatch: pytest.MonkeyPatch, **env: str) -> str:
    for name in ("SITE_COMMIT", "SITE_BUILD_DATE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    site_config = load_config(str(ROOT / "mkdocs.yml"))  # reads !ENV now
    loader = jinja2.FileSystemLoader(OVERRIDES)
    template = jinja2.Environment(loader=loader, autoescape=True).get_template(
        "partials/copyright.html"
    )
    return " ".join(template.render(config=site_config).split())


def test_a_plain_mkdocs_build_names_git_head_and_the_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without dev.py's SITE_* variables, the footer still names the commit and date."""
    footer = _render_footer(monkeypatch)
    head = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert f'/commit/{head}"><code>{head[:12]}</code></a>' in footer, footer
    assert re.search(rf"</a>(?: with uncommitted changes)? on {DATE_PATTERN}\.", footer), footer


def test_footer_says_unknown_outside_a_git_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    """No git repository to ask (a source archive): the commit is unknown, the date is not."""
    monkeypatch.setenv("GIT_DIR", str(ROOT / "no-such-git-dir"))
    footer = _render_footer(monkeypatch)
    assert re.search(rf"Built from commit unknown on {DATE_PATTERN}\.", footer), footer


def test_footer_links_the_commit_and_flags_local_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    sha = "0123456789abcdef0123456789abcdef01234567"
    clean = _render_footer(monkeypatch, SITE_COMMIT=sha, SITE_BUILD_DATE="2026-01-02 03:04 UTC")
    assert f'/commit/{sha}"><code>{sha[:12]}</code></a> on 2026-01-02 03:04 UTC.' in clean
    dirty = _render_footer(monkeypatch, SITE_COMMIT=f"{sha}+dirty")
    assert f'/commit/{sha}"><code>{sha[:12]}</code></a> with uncommitted changes' in dirty


def test_overrides_are_only_partials_we_explain() -> None:
    """Each override copies a Material partial; its comment says why, for the next upgrade."""
    overrides = sorted(OVERRIDES.rglob("*.html"))
    assert overrides
    templates = Path(material.__file__).parent / "templates"
    for override in overrides:
        text = override.read_text(encoding="utf-8")
        assert text.startswith("{#-"), f"{override}: start with a comment saying why"
        assert (templates / override.relative_to(OVERRIDES)).is_file(), (
            f"{override}: Material has no such partial"
        )
