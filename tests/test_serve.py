"""``serve`` answers at once and fills in outputs; no other build ever shows a placeholder.

In serve mode the fence shows a cached run or a placeholder, and one background worker
runs the queued snippets (tools/snippet_runner/serve.py). These tests check, on tiny
throwaway sites, that a real ``mkdocs serve`` shows placeholders first, then the
outputs and failures after its own rebuild; and that a static build, even with the
cache on and cold, runs every snippet and never contains the placeholder.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import GOOD, ROOT, as_command, build_site, throwaway_site, write
from snippet_runner import across, cache, fence, serve
from snippet_runner.build import Served
from snippet_runner.process import Run


@pytest.mark.parametrize(
    ("env", "argv"),
    [
        ({}, ["mkdocs", "build"]),
        ({"SNIPPET_CACHE": "1"}, ["mkdocs", "build"]),  # the cache on, still not serve
        ({"CI": "true"}, ["mkdocs", "serve"]),
        ({"SNIPPET_CACHE": "0"}, ["mkdocs", "serve"]),  # serve without a cache blocks
    ],
)
def test_the_placeholder_path_refuses_to_run_outside_serve(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: dict[str, str], argv: list[str]
) -> None:
    as_command(monkeypatch, argv, env)
    assert not serve.serve_mode()
    with pytest.raises(RuntimeError, match="only in `serve`"):
        serve.placeholder("snippets/demo/01_demo.py")
    job = serve.Job("x.py", tmp_path / "x.py", tmp_path / "x.json", 1.0, "text", 0)
    with pytest.raises(RuntimeError, match="only in `serve`"):
        serve.Worker().request(job)


def test_a_cold_static_build_with_the_cache_on_runs_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The nearest a static build gets to serve (cache on, nothing cached, a failure
    record serve left behind): every snippet runs and no page holds a placeholder."""
    site = throwaway_site(tmp_path / "src", GOOD)
    with monkeypatch.context() as patch:
        patch.setenv("MKDOCS_CONFIG_DIR", str(site))  # where the cache is
        failed = Run("snippets/demo/01_demo.py", "boom", 5, 0.1, 120.0, finished="2020-01-01")
        cache.store(cache.entry_for(site / "snippets/demo/01_demo.py", "text", 0), failed)
    result = build_site(tmp_path / "out", env={"SNIPPET_CACHE": "1", "CI": ""}, cwd=site)
    assert result.returncode == 0, result.log
    assert not result.runs["snippets/demo/01_demo.py"].cached  # the failure record ran again
    for page in result.site.rglob("*.html"):
        text = page.read_text("utf-8")
        assert serve.PENDING not in text and serve.FAILED not in text, page
    assert "hello from the demo" in (result.site / "index.html").read_text("utf-8")


SLOW = GOOD.replace(
    'print("hello from the demo")', 'import time\n    time.sleep(2)\n    print("slow done")'
)
FAILS = GOOD.replace(
    'print("hello from the demo")', 'print("about to fail")\n    raise SystemExit(5)'
)


# Serve is stopped as `kill` stops it, and then kills the snippet it runs; Windows has
# no SIGTERM to send, and the tests would leave a snippet running there.
POSIX = pytest.mark.skipif(os.name == "nt", reason="stops serve with SIGTERM (POSIX only)")


def serving(site: Path, log: Path, env: dict[str, str]) -> Served:
    """``mkdocs serve`` of ``site`` as a contributor starts it (no CI, the cache's default)."""
    return Served(site, log, {**os.environ, "SNIPPET_CACHE": "", "CI": "", **env})


def pages_until(server: Served, path: str, done: Callable[[str], bool]) -> list[str]:
    """Every different version of the page at ``path``, until ``done`` says it is the last
    (or two minutes pass, or serve exits)."""
    pages: list[str] = []

    def look() -> bool:
        page = server.page(path)
        if page and (not pages or page != pages[-1]):
            pages.append(page)
        return bool(page) and done(page)

    server.wait_for(look, 120)
    return pages


@POSIX
def test_serve_shows_placeholders_at_once_then_outputs_and_failures(tmp_path: Path) -> None:
    site = throwaway_site(tmp_path / "src", SLOW, include="snippets/demo/02_slow.py")
    write(site / "snippets/demo/02_slow.py", SLOW)
    write(site / "snippets/demo/01_fails.py", FAILS)
    index = site / "docs/index.md"
    # The page shows the slow one first: nav order, not the files' order, decides.
    index.write_text(index.read_text() + "\n```python-snippet\nsnippets/demo/01_fails.py\n```\n")
    config = site / "mkdocs.yml"
    config.write_text(config.read_text() + "\nwatch:\n  - .cache/serve\nnav:\n  - index.md\n")
    log = tmp_path / "serve.log"
    server = serving(site, log, {})
    try:
        pages = pages_until(
            server, "", lambda page: serve.PENDING not in page and serve.FAILED in page
        )
    finally:
        server.stop()
    text = log.read_text()
    assert pages, text
    first, last = pages[0], pages[-1]
    assert first.count(serve.PENDING) == 2, text  # served before either had run
    assert "running: the output appears here when it finishes" in first
    assert "snippets/demo/02_slow.py" in first and "slow done" not in first
    assert "slow done" in last and serve.PENDING not in last, text
    assert serve.FAILED in last and "exited with code 5 (expected 0)" in last
    assert "about to fail" in last  # the end of its output
    # The console: progress in nav order (the slow one first), and the failure.
    assert text.index("example 1 of 2: running snippets/demo/02_slow.py") < text.index(
        "example 2 of 2: running snippets/demo/01_fails.py"
    ), text
    assert "FAILED snippets/demo/01_fails.py exited with code 5" in text
    assert json.loads((site / cache.COSTS).read_text())["snippets/demo/02_slow.py"] >= 2


def test_the_comparison_page_never_runs_an_example_in_serve(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The snippet-cells fence reuses its page's run; in serve, where a placeholder
    stood for that run, it shows a placeholder too and queues the example."""
    site = throwaway_site(tmp_path / "src", GOOD)
    as_command(monkeypatch, ["mkdocs", "serve"], {"MKDOCS_CONFIG_DIR": str(site)})
    queued: list[serve.Job] = []
    monkeypatch.setattr(serve.worker, "request", queued.append)
    shown = across.primary_run("snippets/demo/01_demo.py")
    assert isinstance(shown, str) and serve.PENDING in shown
    assert [job.relative for job in queued] == ["snippets/demo/01_demo.py"]


def test_serve_runs_a_quick_edited_example_inside_its_rebuild(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """One rebuild, not two, shows an edited example's new output, if it ran quickly
    last time and the worker is idle; any other example waits for the worker."""
    site = throwaway_site(tmp_path / "src", GOOD)
    as_command(monkeypatch, ["mkdocs", "serve"], {"MKDOCS_CONFIG_DIR": str(site)})
    queued: list[serve.Job] = []
    monkeypatch.setattr(serve.worker, "request", queued.append)
    demo = site / "snippets/demo/01_demo.py"  # written after serve.py was imported: edited

    def shown() -> Run | None:
        return serve.show(demo, 30.0, "text", 0)

    costs = site / cache.COSTS
    assert shown() is None and len(queued) == 1  # no known cost: the worker runs it
    write(costs, json.dumps({"snippets/demo/01_demo.py": serve.INLINE_SECONDS * 5}))
    assert shown() is None and len(queued) == 2  # slow last time
    write(costs, json.dumps({"snippets/demo/01_demo.py": serve.INLINE_SECONDS / 2}))
    with monkeypatch.context() as patch:
        patch.setattr(serve.worker, "_busy", True)
        assert shown() is None and len(queued) == 3  # the worker is running another
        patch.setattr(serve.worker, "_busy", False)
        patch.setattr(serve.worker, "_inline_spent", serve.INLINE_BUDGET)
        assert shown() is None and len(queued) == 4  # this build ran enough already
    queued.pop()
    old = serve._STARTED.timestamp() - 60
    os.utime(demo, (old, old))
    assert shown() is None and len(queued) == 4  # not edited since serve started
    demo.touch()
    run = shown()
    assert run is not None and "hello from the demo" in run.output, run
    assert len(queued) == 4 and not serve.worker._busy
    again = shown()  # cached now
    assert again is not None and again.cached and again.output == run.output


@pytest.mark.parametrize(
    ("argv", "env", "expected"),
    [
        # (notebooks executed, their outputs cached, the search index built)
        (["mkdocs", "serve"], {}, (False, True, False)),  # a plain `mkdocs serve`
        (["mkdocs", "serve"], {"SERVE_SEARCH": "true"}, (False, True, True)),
        (["mkdocs", "serve"], {"SNIPPET_CACHE": "0"}, (True, True, True)),  # it runs them all
        (["mkdocs", "serve"], {"CI": "true"}, (True, True, True)),
        (["mkdocs", "build"], {}, (True, False, True)),
        (["mkdocs", "build"], {"SERVE_SEARCH": "false"}, (True, False, True)),  # serve only
        (["mkdocs", "build"], {"NOTEBOOK_CACHE": "true"}, (True, True, True)),  # the bench
    ],
)
def test_serve_defers_notebooks_and_search_whoever_starts_it(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], env: dict[str, str], expected: tuple
) -> None:
    from mkdocs.config import load_config

    for name in ("NOTEBOOK_EXECUTE", "NOTEBOOK_CACHE", "SERVE_SEARCH"):
        monkeypatch.delenv(name, raising=False)
    as_command(monkeypatch, argv, env)
    plugins = load_config(str(ROOT / "mkdocs.yml")).plugins
    notebook = plugins["mkdocs-jupyter"].config
    search = plugins["material/search"].config.enabled
    assert (notebook["execute"], notebook["cache"], search) == expected


def test_serve_reuses_a_fences_rendering_and_never_repeats_an_id_on_a_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Serve keeps each fence's HTML across rebuilds (fence.py); the same fence twice on
    one page gets two renderings, as markdown-exec numbers each one's ids."""
    import markdown

    as_command(monkeypatch, ["mkdocs", "serve"], {})
    extensions = ["pymdownx.superfences", "pymdownx.tabbed"]
    shown = '=== "Code"\n\n    ```python\n    print(1)\n    ```\n\n=== "Output"\n\n    1\n'
    page, rebuilt = (
        markdown.Markdown(extensions=extensions),
        markdown.Markdown(extensions=extensions),
    )
    first, second = fence._render(shown, page, memo=True), fence._render(shown, page, memo=True)
    assert "exec-" in first and first != second  # each rendering numbers its own ids
    assert [fence._render(shown, rebuilt, memo=True) for _ in "ab"] == [first, second]
    assert fence._render(shown, rebuilt, memo=False) not in (first, second)  # static builds


def test_a_build_that_is_not_serve_refuses_unexecuted_notebooks(tmp_path: Path) -> None:
    site = throwaway_site(tmp_path / "src", GOOD)
    result = build_site(tmp_path / "out", env={"NOTEBOOK_EXECUTE": "false"}, cwd=site)
    assert result.returncode != 0
    assert "NOTEBOOK_EXECUTE=false is for `serve` only" in result.log


def notebook(*cells: str) -> str:
    def code(source: str) -> dict:
        return {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                "source": source}  # fmt: skip

    markdown = {"cell_type": "markdown", "metadata": {}, "source": "# Lab\n"}
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    metadata = {"kernelspec": kernel}
    book = {"cells": [markdown, *map(code, cells)], "metadata": metadata, "nbformat": 4}
    return json.dumps(book | {"nbformat_minor": 5})


IMPORTS_A_MODULE = notebook(
    "import sys\nfrom pathlib import Path\n"
    "sys.path.insert(0, str(Path.cwd().parent / 'snippets' / 'demo'))",
    "import helper\nprint('helper says', helper.WORD)",
)


@POSIX
def test_serve_executes_notebooks_in_the_background_and_tracks_their_modules(
    tmp_path: Path,
) -> None:
    site = throwaway_site(tmp_path / "src", GOOD)
    write(site / "docs/nb.ipynb", IMPORTS_A_MODULE)
    helper = write(site / "snippets/demo/helper.py", 'WORD = "first"\n')
    config = site / "mkdocs.yml"
    watch = "\nwatch:\n  - .cache/serve\n  - snippets\nnav:\n  - index.md\n  - nb.ipynb\n"
    config.write_text(config.read_text() + watch)
    env = {"NOTEBOOK_EXECUTE": "", "NOTEBOOK_CACHE": ""}  # a plain `mkdocs serve`: unset
    log = tmp_path / "serve.log"
    server = serving(site, log, env)
    try:
        first = pages_until(server, "nb/", lambda page: "helper says first" in page)
        helper.write_text('WORD = "second"\n')  # the notebook's text is unchanged
        second = pages_until(server, "nb/", lambda page: "helper says second" in page)
    finally:
        server.stop()
    text = log.read_text()
    assert first and serve.PENDING in first[0] and "helper says first" not in first[0], text
    assert "helper says first" in first[-1] and "notebook-executed" in first[-1], text
    assert "Cached outputs" in first[-1] and "snippets/demo/helper.py" in first[-1]
    # After the module's edit: never the old output; pending, then the new one.
    assert second and "helper says second" in second[-1], text
    rebuilt = [page for page in second if page != first[-1]]  # once serve saw the edit
    assert not [page for page in rebuilt if "helper says first" in page]
    assert "notebook 1 of 1: executing docs/nb.ipynb" in text
