"""Notebooks in ``serve``: never executed by a build, executed by the background worker.

mkdocs-jupyter executes a notebook inside the build that renders it, which would hold
the first page back. In serve mode mkdocs.yml turns the plugin's ``execute`` off and
its ``cache`` on (``serve.notebook_execute()``, for ``mkdocs serve`` with or without
dev.py): a build then renders a notebook without running it (the theme override
marks it as pending), unless mkdocs-jupyter's cache holds an entry for it. Serve's
worker (serve.py), after the examples, executes each notebook the way the plugin
would and writes that entry itself, with a note that says the outputs are cached,
then asks serve to rebuild.

The plugin's own key is the notebook's content and its options. Ours adds the
project modules the notebook imports (``import workloads`` finds
``snippets/lab/workloads.py``), the pinned files and the interpreter: ``forget_stale()``
runs before every serve build and deletes an entry whose inputs changed, so a
build never shows outputs that an edited module would change.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import html
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from snippet_runner import cache
from snippet_runner.process import project_root, shown

RECORDS = ".cache/notebook-inputs.json"  # notebook: its entry, inputs key, when, outcome
EXECUTED = "notebook-executed"  # the class of the note our entries start with
_IMPORT = re.compile(r"^\s*(?:from\s+(\w+)[\w.]*\s+import|import\s+(\w+))", re.M)


def imported_modules(notebook: Path) -> list[Path]:
    """The project's modules (``snippets/**/NAME.py``) the notebook's code cells import."""
    cells = json.loads(notebook.read_text("utf-8")).get("cells", [])
    code = "\n".join("".join(c.get("source", "")) for c in cells if c.get("cell_type") == "code")
    names = {a or b for a, b in _IMPORT.findall(code)}
    snippets = project_root() / "snippets"
    found = [p for p in snippets.rglob("*.py") if p.stem in names and "__pycache__" not in p.parts]
    return sorted(found)


def inputs_key(notebook: Path) -> str:
    """A hash of the notebook, the project modules it imports, the pins, the interpreter."""
    digest = hashlib.sha256(f"{sys.version}\0{sys.executable}\0".encode())
    pins = [project_root() / name for name in cache.PINS]
    for source in [notebook, *imported_modules(notebook), *pins]:
        if source.is_file():
            digest.update(shown(source).encode() + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()


def _records() -> dict[str, dict[str, Any]]:
    with contextlib.suppress(OSError, ValueError):
        return dict(json.loads((project_root() / RECORDS).read_text("utf-8")))
    return {}


def _save_records(records: dict[str, dict[str, Any]]) -> None:
    path = project_root() / RECORDS
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(records, indent=1, sort_keys=True), "utf-8")


def forget_stale() -> None:
    """Before a serve build: drop each executed entry whose inputs changed since."""
    records = _records()
    for name, record in list(records.items()):
        notebook = project_root() / name
        if not notebook.is_file() or record.get("inputs") != inputs_key(notebook):
            Path(record["entry"]).unlink(missing_ok=True)
            del records[name]
    _save_records(records)


@dataclass(frozen=True)
class Notebook:
    path: Path
    entry: Path  # mkdocs-jupyter's cache file for it
    plugin: Any  # the mkdocs-jupyter plugin, configured as serve's builds are

    @property
    def relative(self) -> str:
        return shown(self.path)


def to_execute(started: datetime.datetime) -> list[Notebook]:
    """The nav's notebooks that have no executed entry for their current inputs (or
    one from a failure before ``started``), where builds do not execute notebooks."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import File
    from mkdocs_jupyter.plugin import _compute_cache_key, _get_cache_path

    config = load_config(str(project_root() / "mkdocs.yml"))
    plugin = config.plugins.get("mkdocs-jupyter")
    if plugin is None or plugin.config["execute"] or not plugin.config["cache"]:
        return []  # builds execute them (or keep no cache): nothing for the worker
    records = _records()
    docs = Path(config.docs_dir)
    found = []
    for path in sorted(docs.rglob("*.ipynb")):
        file = File(path.relative_to(docs).as_posix(), str(docs), config.site_dir, False)
        if ".ipynb_checkpoints" in path.parts or not plugin.should_include(file):
            continue
        key = _compute_cache_key(str(path), plugin.config, False)
        entry = project_root() / _get_cache_path(plugin.config["cache_dir"], key)
        record = records.get(shown(path), {})
        failed_before = record.get("failed") and record.get("finished", "") < started.isoformat()
        current = record.get("entry") == str(entry) and record.get("inputs") == inputs_key(path)
        # A build that began before the worker stored the entry may have overwritten it
        # with the plugin's unexecuted page: the note tells them apart.
        executed = current and entry.is_file() and EXECUTED in entry.read_text("utf-8")
        if not executed or failed_before:
            found.append(Notebook(path, entry, plugin))
    return found


def execute(notebook: Notebook) -> str | None:
    """Execute ``notebook`` as mkdocs-jupyter would and store the page in its cache,
    with a note saying it is cached; on a failure, store the failure. The failure, or None."""
    from mkdocs_jupyter import convert
    from mkdocs_jupyter.plugin import _get_nb_toc_tokens

    options = notebook.plugin.config
    inputs = inputs_key(notebook.path)  # before running: an edit meanwhile shows as stale
    start = time.perf_counter()
    failure = None
    try:
        body = convert.nb2html(
            str(notebook.path),
            execute=True,
            kernel_name=options["kernel_name"],
            theme=options["theme"],
            allow_errors=options["allow_errors"],
            show_input=options["show_input"],
            no_input=options["no_input"],
            no_prompt=options["no_prompt"],
            remove_tag_config=options["remove_tag_config"],
            highlight_extra_classes=options["highlight_extra_classes"],
            include_requirejs=options["include_requirejs"],
            custom_mathjax_url=options["custom_mathjax_url"],
        )
    except Exception as error:  # a cell raised (allow_errors is false) or the kernel died
        failure = f"{type(error).__name__}: {error}"
        body = ""
    seconds = time.perf_counter() - start
    finished = datetime.datetime.now(datetime.UTC)
    if failure:
        note = _failure_note(notebook, failure)
    else:
        note = _cached_note(notebook, finished, seconds)
    toc_tokens, title = _get_nb_toc_tokens(str(notebook.path), options["toc_depth"])
    page = {"content": note + body, "toc_tokens": toc_tokens, "title": title}
    notebook.entry.parent.mkdir(parents=True, exist_ok=True)
    notebook.entry.write_text(json.dumps(page), "utf-8")
    records = _records()
    records[notebook.relative] = {
        "entry": str(notebook.entry),
        "inputs": inputs,
        "failed": failure is not None,
        "finished": finished.isoformat(timespec="seconds"),
    }
    _save_records(records)
    cache.remember_cost(notebook.relative, seconds)
    return failure


def _cached_note(notebook: Notebook, when: datetime.datetime, seconds: float) -> str:
    modules = [shown(p) for p in imported_modules(notebook.path)]
    imports = ", ".join(f"<code>{html.escape(m)}</code>" for m in modules) or "none"
    return (
        f'<div class="admonition note {EXECUTED} snippet-cached"><p class="admonition-title">'
        "Cached outputs</p><p>These outputs are from the local notebook cache: "
        f"<code>{html.escape(notebook.relative)}</code> ran on "
        f"{when.strftime('%Y-%m-%d %H:%M UTC')} in {seconds:.1f} s. Neither the notebook nor "
        f"the project modules it imports ({imports}), the pinned dependencies or the "
        "interpreter have changed since then. The published site runs it afresh.</p></div>"
    )


def _failure_note(notebook: Notebook, failure: str) -> str:
    return (
        f'<div class="admonition failure {EXECUTED} snippet-failed"><p class="admonition-title">'
        f"Notebook failed: {html.escape(notebook.relative)}</p>"
        f"<pre><code>{html.escape(failure[-4000:])}</code></pre>"
        "<p>Edit it or a module it imports, or restart <code>serve</code>, to run it "
        "again. A static build stops on this failure.</p></div>"
    )
