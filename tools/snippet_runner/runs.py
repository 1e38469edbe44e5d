"""This build's run of an example: the one this build already made, else one made now.

An example's fence, a comparison on "Across versions and platforms" and a claim in a
sentence can each need the same example's run, on one page or on several, in
whatever order MkDocs renders them. A static build runs each example once: the first
that asks runs it, with the options of the first fence that shows it, and the others
reuse that run, so that a sentence is judged on the numbers its table shows. In
``serve`` nothing runs here (it would hold back the page): a cached run, or the
placeholder that serve's worker replaces.
"""

from __future__ import annotations

from snippet_runner import cache, cells, report, serve
from snippet_runner.options import FenceOptions
from snippet_runner.process import Run, SnippetFailed, project_root, timeout_for


def recorded(path: str) -> Run | None:
    """The run of ``path`` this build has made or reused so far, if any."""
    for run in reversed(report.this_build()):
        if run.path == path:
            return run
    return None


def primary_run(path: str, fence: FenceOptions | None = None) -> Run | str:
    """This build's run of ``path``, with ``fence``'s options (default: those of the
    first fence that shows it); in serve, a cached one or the HTML that the page shows
    meanwhile (a placeholder or a failure note). A failure raises ``SnippetFailed``,
    but in serve, which shows it on the page."""
    run = recorded(path)
    if run is None:
        fence = fence or cells.fence_options(path)
        if fence is None:
            raise SnippetFailed(f"{path}: no page shows this example, so nothing runs it")
        where, timeout = project_root() / path, timeout_for(fence.timeout)
        if serve.serve_mode():
            run = serve.show(where, timeout, fence.output, fence.returncode)
            if run is None:
                return serve.placeholder(path)
        else:
            run = cache.cached_or_run(where, timeout, fence.output, fence.returncode)
        report.record(run)
    if run.failure():
        if serve.serve_mode():
            return serve.failure_note(run)
        raise SnippetFailed(run.describe_failure())
    return run
