"""The verdicts on the page: the mark beside a claim, the value a quote shows, each
cell's verdicts under its example, and the ledger of every claim in every cell.

``claims`` says what a claim is and how a run judges it; this module asks for the
runs: this build's (``runs``), or another cell's record (``records``), and for an
example that needs a newer Python than this build's, the newest cell's run, as the
page shows it first (``records.lead``). mkdocs.yml registers the Markdown extension
(``markdown_extensions: [snippet_runner.marks]``): claims render in the inline pass,
after every fence of the page has run.
"""

from __future__ import annotations

import posixpath
import re
import sys
import xml.etree.ElementTree as etree
from typing import Any

from markdown import Extension
from markdown.inlinepatterns import InlineProcessor

from snippet_runner import cells, records, runs
from snippet_runner.claims import (
    CLAIM,
    QUOTE,
    Check,
    Claim,
    ClaimError,
    Verdict,
    example_path,
    judge,
    plain,
    quote,
    site_claims,
)
from snippet_runner.process import Run, SnippetFailed

HOW = "how-we-measure.md#claims"  # where the page explains the verdicts

MARK = {"holds": "✓", "contradicted": "✗", "inconclusive": "?", "not judged": "–",
        "pending": "…"}  # fmt: skip


def mark_text(verdict: Verdict) -> str:
    """The mark's words: the status, then what it read (and why, where it says)."""
    words = f"{MARK[verdict.status]} {verdict.status}"
    details = "; ".join(part for part in (verdict.shown, verdict.reason) if part)
    return f"{words}: {details}" if details else words


def markup(sentence: str, verdict: Verdict, link: str) -> etree.Element:
    """The claim's sentence in a span, and after it its mark: a link to how claims are
    judged. The sentence stays Markdown: the rest of the inline pass renders its
    links and code."""
    claim = etree.Element("span", {"class": f"claim claim-{verdict.status.replace(' ', '-')}"})
    text = etree.SubElement(claim, "span", {"class": "claim-text"})
    text.text = sentence
    mark = etree.SubElement(claim, "a", {
        "class": "claim-mark", "href": link,
        "title": "A claim the build judges against its measurement: how claims are judged",
    })  # fmt: skip
    mark.text = mark_text(verdict)
    return claim


def page_of(md: Any) -> str | None:
    """The page being rendered, under docs/ (MkDocs' link rewriter knows it)."""
    processors = getattr(md, "treeprocessors", None)
    relpath = processors["relpath"] if processors is not None and "relpath" in processors else None
    file = getattr(relpath, "file", None)
    return getattr(file, "src_uri", None)


def _link(page: str | None) -> str:
    if page is None:
        return HOW
    return posixpath.relpath(HOW.partition("#")[0], posixpath.dirname(page) or ".") + "#claims"


def needs(check: Check) -> tuple[int, int] | None:
    """The Python the claim's example needs (its fence's ``needs``), if any."""
    fence = cells.fence_options(check.example)
    return fence.needs if fence else None


def this_build_verdict(check: Check) -> Verdict:
    """The verdict on this build's run (pending in serve while it runs). Where the
    example needs a newer Python than this build's, the page shows the newest cell's
    run first (``records.lead``), and the claim is judged on that run and says so."""
    wanted = needs(check)
    if wanted and sys.version_info[:2] < wanted:
        lead = records.lead(check.example, wanted)
        version = f"{wanted[0]}.{wanted[1]}"
        if lead is None:
            return Verdict("not judged", f"the example needs Python {version}, and no cell "
                           "that has it ran", "")  # fmt: skip
        found = cell_verdict(check, lead.run, lead.cell.provenance)
        reason = "; ".join(filter(None, [found.reason, f"judged on cell {lead.cell.name}"]))
        return Verdict(found.status, reason, found.shown)
    try:
        run = runs.primary_run(check.example)
    except SnippetFailed as failed:
        raise ClaimError(str(failed)) from failed
    if isinstance(run, str):
        return Verdict("pending", "the example has not run yet", "")
    return judge(check, run, records.provenance())


class _ClaimPattern(InlineProcessor):
    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element, int, int]:
        page = page_of(self.md)
        where = f"docs/{page}: [{plain(m['text'])[:70]}]" if page else f"[{plain(m['text'])[:70]}]"
        try:
            verdict = this_build_verdict(Check.parse(m["check"]))
        except ClaimError as error:
            raise ClaimError(f"{where}: {error}") from None
        return markup(m["text"], verdict, _link(page)), m.start(0), m.end(0)


class _QuotePattern(InlineProcessor):
    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element, int, int]:
        page = page_of(self.md)
        try:
            run = runs.primary_run(example_path(m["example"]))
            shown = "…" if isinstance(run, str) else quote(run, m["name"])
        except (ClaimError, SnippetFailed) as error:
            raise ClaimError(f"docs/{page}: {m[0]}: {error}") from None
        title = f"measured by {m['example']} in this build"
        element = etree.Element("span", {"class": "claim-value", "title": title})
        element.text = shown
        return element, m.start(0), m.end(0)


class ClaimsExtension(Extension):
    """``markdown_extensions: [snippet_runner.claims]`` in mkdocs.yml."""

    def extendMarkdown(self, md: Any) -> None:
        # Before links (160): a claim's [sentence] is not a link.
        md.inlinePatterns.register(_ClaimPattern(CLAIM.pattern, md), "site-claim", 175)
        md.inlinePatterns.register(_QuotePattern(QUOTE.pattern, md), "site-quote", 174)


def makeExtension(**kwargs: Any) -> ClaimsExtension:  # Markdown looks for this name
    return ClaimsExtension(**kwargs)


# --- in every cell ----------------------------------------------------------------------------


def cell_verdict(check: Check, run: Run | None, provenance: dict[str, Any]) -> Verdict:
    """The verdict of ``check`` on another cell's record: a record without the value
    (made before the example reported it) is not judged, never a failed build, and
    neither is a cell older than the Python the example needs."""
    if run is None:
        return Verdict("not judged", "no record of the example", "")
    wanted = needs(check)
    if wanted and records.python_of(records.Cell("", provenance, {})) < wanted:
        return Verdict("not judged", f"the example needs Python {wanted[0]}.{wanted[1]}", "")
    try:
        return judge(check, run, provenance)
    except ClaimError as error:
        return Verdict("not judged", str(error), "")


def about(path: str) -> list[Claim]:
    """The claims, on any page, about the example ``path``."""
    return [claim for claim in site_claims() if claim.check.example == path]


def verdict_list(path: str, run: Run | None, provenance: dict[str, Any]) -> str:
    """Markdown for under a cell's output: each claim about the example, judged there."""
    found = about(path)
    if not found:
        return ""
    lines = [f"- {mark_text(cell_verdict(c.check, run, provenance))}: “{plain(c.text)}”"
             for c in found]  # fmt: skip
    return "**Claims about this example, judged on this cell's run:**\n\n" + "\n".join(lines)


def _url(target: str, page: str) -> str:
    """The link from ``page`` to ``target`` (both under docs/) as the built site has
    them: a fence's HTML is not rewritten by MkDocs, so ``.md`` links would break."""

    def directory(name: str) -> str:
        stem = name.removesuffix(".md")
        return "" if stem == "index" else stem.removesuffix("/index") + "/"

    return posixpath.relpath(directory(target) or ".", directory(page) or ".") + "/"


def ledger(page: str) -> str:
    """The claim ledger: a row per claim on the site, a column per cell (this build
    first), each entry the verdict there. ``page`` is where the ledger is (for links)."""
    if not site_claims():
        return "No page has a claim yet.\n"
    measured = records.other_cells("")
    names = [f"{records.this_cell()} (this build)", *(cell.name for cell, _run in measured)]
    lines = ["| Claim | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for claim in site_claims():
        mine = this_build_verdict(claim.check)
        others = [cell_verdict(claim.check, cell.runs.get(claim.check.example), cell.provenance)
                  for cell, _run in measured]  # fmt: skip
        target = _url(claim.page, page)
        sentence = plain(claim.text).replace("|", "\\|")
        entries = [mark_text(v).replace("|", "\\|") for v in [mine, *others]]
        lines.append(
            f"| [{sentence}]({target}) (`{claim.check.source}`) | " + " | ".join(entries) + " |"
        )
    return "\n".join(lines) + "\n"
