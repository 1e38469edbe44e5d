"""The strict build: every page renders, every snippet runs, nothing warns."""

from __future__ import annotations

import collections
import re

import pytest
from built_site import site_pages
from helpers import ROOT, Build, snippet_fences


def test_site_builds_strictly(site_build: Build) -> None:
    warnings = [
        line for line in site_build.log.splitlines() if re.match(r"\s*(WARNING|ERROR)\b", line)
    ]
    # The warnings first: a strict build's log ends with the long snippet cost report.
    assert site_build.returncode == 0, "mkdocs build --strict failed:\n" + "\n".join(
        [*warnings, "...", site_build.log[-3000:]]
    )
    assert not warnings, "\n".join(warnings)


def test_every_fence_ran_once_in_the_build(site_build: Build) -> None:
    fenced = {fence.path for fence in snippet_fences()}
    assert fenced <= set(site_build.runs), f"never ran: {sorted(fenced - set(site_build.runs))}"


def test_the_test_build_runs_every_snippet_fresh(site_build: Build) -> None:
    """Like CI and the deployed site: no output comes from the local snippet cache."""
    assert site_build.runs and not [run.path for run in site_build.runs.values() if run.cached]
    marked = [p for p in site_build.site.rglob("*.html") if "snippet-cached" in p.read_text()]
    assert not marked, f"pages marked as cached: {marked}"
    assert "Snippet cost report" in site_build.log and "0 from the cache" in site_build.log


def test_pages_show_code_and_output(site_build: Build) -> None:
    """Every fence shows its code, and its output where the reader sees it: text in
    Code/Output tabs, a table or a plot (``output="markdown"``) in an open Output block
    under the code, with no tab to click."""
    pages = {page.rel: page for page in site_pages(site_build.site)}  # parsed once
    expected: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for fence in snippet_fences():
        if fence.options.show == "output":
            continue
        # MkDocs writes docs/x.md to x/index.html, and docs/x/index.md (a section's
        # own page) to x/index.html as well.
        page = fence.page.removeprefix("docs/").removesuffix(".md")
        page = "" if page == "index" else page.removesuffix("/index") + "/"
        rel = page + "index.html"
        assert rel in pages, f"{fence.page}: no {rel} in the built site"
        titles = {title.get_text(strip=True) for title in pages[rel].soup.select(".filename")}
        assert fence.path in titles, f"{fence.path} not shown on {fence.page}"
        expected[rel]["open" if fence.options.output == "markdown" else "tabs"] += 1
    for rel, counts in expected.items():
        article = pages[rel].article
        blocks = article.select("div.admonition.output")
        assert [b.select_one(".admonition-title").get_text(strip=True) for b in blocks] == [
            "Output"
        ] * counts["open"], f"{rel}: Output blocks"
        labels = [
            [label.get_text(strip=True) for label in tabs.select(":scope > .tabbed-labels > label")]
            for tabs in article.select(".tabbed-set")
        ]
        assert labels.count(["Code", "Output"]) == counts["tabs"], f"{rel}: {labels}"


def test_no_third_party_assets(site_build: Build) -> None:
    """No page loads fonts, scripts or styles from another host (the site works offline)."""
    offenders = []
    for html_path in site_build.site.rglob("*.html"):
        html = html_path.read_text(encoding="utf-8")
        for match in re.finditer(
            r"<(?:script|link|img)\b[^>]*?(?:src|href)=\"(https?:)?//[^\"]+\"", html
        ):
            if 'rel="canonical"' not in match[0] and 'rel="alternate"' not in match[0]:
                offenders.append(f"{html_path.relative_to(site_build.site)}: {match[0][:120]}")
    assert not offenders, "\n".join(offenders)


def test_notebooks_run_fresh_unless_the_edit_loop_asks(monkeypatch: pytest.MonkeyPatch) -> None:
    """mkdocs-jupyter reuses executed notebooks only where NOTEBOOK_CACHE is set
    (dev.py serve): CI and the deploy build show timings from this run."""
    from mkdocs.config import load_config

    monkeypatch.delenv("NOTEBOOK_CACHE", raising=False)
    plugin = load_config(str(ROOT / "mkdocs.yml")).plugins["mkdocs-jupyter"]
    assert plugin.config["cache"] is False
    assert plugin.config["execute"] is True and plugin.config["allow_errors"] is False
    monkeypatch.setenv("NOTEBOOK_CACHE", "true")
    assert load_config(str(ROOT / "mkdocs.yml")).plugins["mkdocs-jupyter"].config["cache"] is True
