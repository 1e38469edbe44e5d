"""The ``python-snippet`` fence: pymdownx.superfences calls ``validator`` then ``formatter``.

mkdocs.yml declares the fence (no MkDocs hooks, so Zensical reads the same config):

    ```python-snippet timeout="60" output="markdown"
    snippets/threads/02_crawl_sequential_vs_threads.py
    ```

The options are parsed once, into ``options.FenceOptions``; the tests and ``dev.py
measure`` parse fences with it too.
The Code tab (``excerpt.code_tab``) holds the command that runs the snippet, the part
of it the page explains, and the whole program; markdown-exec's ``base_format`` renders
the tabs, given the run's output instead of code to execute in-process. Where the
output is the point (``output="markdown"``: a table, a plot), there is no tab to
click: the code shows, and the output in an open block under it.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import re
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from markdown_exec import base_format
from pymdownx.superfences import SuperFencesException

from snippet_runner import cache, excerpt, matrix, records, runs, serve
from snippet_runner.options import FenceOptions
from snippet_runner.process import Run, SnippetFailed, project_root


class SnippetError(SuperFencesException):
    """A snippet failed; superfences lets this exception (and only this kind) stop the build."""


def _loud(function: Callable[..., Any]) -> Callable[..., Any]:
    """Superfences swallows ordinary exceptions and renders the fence as plain text.

    Turn every error into a SnippetError, which it lets through to stop the build.
    """

    @functools.wraps(function)
    def wrapper(first: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return function(first, *args, **kwargs)
        except SnippetError:
            raise
        except Exception as error:  # first: the fence's language, or the snippet's path
            raise SnippetError(f"{first.strip()}: {error}") from error

    return wrapper


@_loud
def validator(
    language: str, inputs: dict[str, str], options: dict[str, Any], attrs: Any, md: Any
) -> bool:
    """Parse the fence's options for the formatter; a typo stops the build."""
    options["fence"] = FenceOptions.parse(inputs)
    return True


@_loud
def formatter(
    source: str, language: str, css_class: str, options: dict[str, Any], md: Any, **kwargs: Any
) -> str:
    """Run the snippet named in the fence and render its source and output as tabs.

    In ``serve`` a snippet without a cached run shows a placeholder and runs in the
    background (serve.py); a failure shows on the page instead of stopping serve."""
    fence: FenceOptions = options["fence"]
    relative = source.strip()
    path = project_root() / relative
    if not relative.endswith(".py") or not path.is_file():
        raise SnippetError(
            f"{language} fence names {relative!r}, which is not a .py file under {project_root()}"
        )
    # Cut the excerpt before running: a wrong section name fails at once.
    code = excerpt.code_tab(relative, path.read_text(encoding="utf-8"), fence.sections, fence.hl)
    try:  # serve never waits: a placeholder now, the output later; a failure shows
        run = runs.primary_run(relative, fence)
    except SnippetFailed as failed:  # every other build stops on a failure
        raise SnippetError(str(failed)) from failed
    if isinstance(run, str):
        return run
    lead = records.lead(run.path, fence.needs)  # a newer cell's run, shown first
    output = _output(lead.run if lead else run, fence, other_cell=lead is not None)
    if lead:
        output = f"{matrix.lead_note(lead, fence.needs)}\n\n{output}"
    if fence.show == "output":
        shown = output
    elif fence.output == "markdown":  # a table or a plot: shown without a click
        shown = f"{code}\n\n{excerpt.output_block(output)}"
    else:
        shown = excerpt.tabs(("Code", code), ("Output", output))
    rendered = _render(shown, md, memo=serve.serve_mode() and not _has_headings(fence, run.output))
    note = cache.cached_note(run) if run.cached else ""
    return rendered + note + matrix.other_cells_tabs(run, fence.output, md, lead)


def _output(run: Run, fence: FenceOptions, other_cell: bool) -> str:
    """The run's output as the page shows it: Markdown as it is (another cell's without
    its plots, which only this build's runs embed), text in a code block."""
    if fence.output == "text":
        return excerpt.fenced("text", run.output)
    return matrix.without_plots(run.output) if other_cell else run.output


# serve rebuilds every page on every save, and a fence whose Markdown has not changed
# renders to the same HTML: serve keeps it, by the config and the Markdown. Rendering
# is most of a fence's cost (a new Markdown instance, Pygments for the excerpt and the
# whole program); a rebuild after a prose edit then highlights nothing. The n-th use
# of one Markdown on a page gets its own copy, so a page never repeats an element id
# (markdown-exec numbers each rendering's ids). Static builds render every fence
# afresh, so what they publish does not depend on what came before.
_rendered: dict[tuple[str, str, int], str] = {}
# Per page (its Markdown instance): how many times each Markdown was rendered on it.
_used: weakref.WeakKeyDictionary[Any, collections.Counter[tuple[str, str]]]
_used = weakref.WeakKeyDictionary()
_MEMO_SIZE = 2000  # renderings kept; serve forgets them all when it would keep more
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:\s|$)|<h[1-6]\b", re.M | re.I)


def _has_headings(fence: FenceOptions, output: str) -> bool:
    """Whether the output may hold headings: markdown-exec adds those to the page's table
    of contents while it renders, so their rendering is never reused."""
    return fence.output == "markdown" and bool(_HEADING.search(output))


def _render(shown: str, md: Any, memo: bool) -> str:
    def render() -> str:
        return str(base_format(language="python", run=lambda *_a, **_k: shown, code="", md=md))

    if not memo:
        return render()
    config = _config_digest(project_root() / "mkdocs.yml")
    counts = _used.setdefault(md, collections.Counter())
    counts[(config, shown)] += 1
    key = (config, shown, counts[(config, shown)])
    if key not in _rendered:
        if len(_rendered) >= _MEMO_SIZE:
            _rendered.clear()
        _rendered[key] = render()
    return _rendered[key]


def _config_digest(config: Path) -> str:
    """The digest of mkdocs.yml, read again only when its size or time stamp changes."""
    stat = config.stat()
    return _digest(config, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _digest(config: Path, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(config.read_bytes()).hexdigest()
