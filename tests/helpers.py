"""What several test modules share: the type of the output fixtures, and one parser for
what ``snippets/measure.py`` prints.

Test modules import from here and never from each other (or from ``conftest``), so a
helper has one home and a test module can be read, and run, on its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

# ``snippet_output(path)``: the output of a snippet that must have succeeded (conftest).
Output = Callable[[str], str]


# --- what measure prints: Markdown tables and the numbers in their cells ------------------

_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?(?:[eE][-+]?\d+)?")


@dataclass(frozen=True)
class Table:
    """One Markdown table from a snippet's output: its header cells and body rows."""

    headers: list[str]
    rows: list[list[str]]

    def by_label(self) -> dict[str, list[str]]:
        """``{first cell: the other cells}``, for tables whose rows are named."""
        return {row[0]: row[1:] for row in self.rows}

    def row(self, label_part: str) -> dict[str, str]:
        """The one row whose first cell contains ``label_part``, as ``{header: cell}``."""
        found = [row for row in self.rows if label_part in row[0]]
        assert len(found) == 1, f"expected one row containing {label_part!r} in:\n{self}"
        return dict(zip(self.headers, found[0], strict=True))

    def column(self, header_part: str) -> list[str]:
        """The cells under the one header that contains ``header_part``, top to bottom."""
        found = [i for i, header in enumerate(self.headers) if header_part in header]
        assert len(found) == 1, f"expected one header containing {header_part!r}: {self.headers}"
        return [row[found[0]] for row in self.rows]

    def __str__(self) -> str:
        return "\n".join("| " + " | ".join(r) + " |" for r in [self.headers, *self.rows])


def tables(out: str) -> list[Table]:
    """Every Markdown table in ``out``, in order (a table is a run of ``|`` lines)."""
    found: list[Table] = []
    block: list[list[str]] = []
    for line in [*out.splitlines(), ""]:
        stripped = line.strip()
        if stripped.startswith("|"):
            block.append([cell.strip() for cell in stripped.strip("|").split("|")])
            continue
        if len(block) >= 2 and set("".join(block[1])) <= set("-: "):
            found.append(Table(block[0], block[2:]))
        block = []
    return found


def table(out: str, header_part: str = "") -> Table:
    """The one table in ``out`` with a header containing ``header_part`` (any, if empty)."""
    found = [t for t in tables(out) if not header_part or any(header_part in h for h in t.headers)]
    assert len(found) == 1, f"expected one table with a {header_part!r} header, in:\n{out}"
    return found[0]


def numbers(cell: str) -> list[float]:
    """Every number in a cell: ``0.174 (0.170–0.189)`` gives median, min and max."""
    return [float(n.replace(",", "")) for n in _NUMBER.findall(cell)]


def number(cell: str) -> float:
    """The leading number of a cell such as ``0.174 (0.170–0.189)``, ``1.05x`` or ``1,600``."""
    found = numbers(cell)
    assert found, f"no number in cell {cell!r}"
    return found[0]


# --- building throwaway sites and the real one ---------------------------------------------

import importlib.util
import os
import shutil
import sys
from types import ModuleType

import pytest
from pytest_examples import CodeExample, EvalExample, find_examples
from snippet_runner.build import Build, strict_build
from snippet_runner.fence import FenceOptions

BUILD_TIMEOUT = 1800  # seconds for a whole strict build; each snippet has its own limit


def snippets(root: Path = ROOT) -> list[Path]:
    return sorted(p for p in (root / "snippets").rglob("*.py") if "__pycache__" not in p.parts)


def pages(root: Path = ROOT) -> list[Path]:
    """The site's pages: not ``_*.md`` files (the page template), which mkdocs.yml excludes."""
    return sorted(p for p in (root / "docs").rglob("*.md") if not p.name.startswith("_"))


SNIPPETS = snippets()
PAGES = pages()


def rel(path: Path, root: Path = ROOT) -> str:
    return path.relative_to(root).as_posix()


@dataclass(frozen=True)
class SnippetFence:
    """One ``python-snippet`` fence in a page, its options parsed as the build parses them."""

    page: str
    line: int
    path: str
    options: FenceOptions


def snippet_fences(root: Path = ROOT) -> list[SnippetFence]:
    """Every ``python-snippet`` fence in the pages, as pytest-examples finds it."""
    return [
        SnippetFence(rel(ex.path, root), ex.start_line, ex.source.strip(), _options(ex))
        for ex in find_examples(*pages(root))
        if ex.prefix.split()[0] == "python-snippet"
    ]


def _options(example: CodeExample) -> FenceOptions:
    try:
        return FenceOptions.parse(example.prefix_settings())
    except ValueError as error:
        raise ValueError(f"{example}: {error}") from None


def orphan_snippets(root: Path = ROOT) -> list[str]:
    """Snippets that no page shows: nobody reads them and nothing checks them."""
    shown = {fence.path for fence in snippet_fences(root)}
    return [rel(path, root) for path in snippets(root) if rel(path, root) not in shown]


def build_site(out: Path, env: dict[str, str] | None = None, cwd: Path = ROOT) -> Build:
    """``mkdocs build --strict`` of ``cwd`` into ``out/site``, every snippet run fresh
    (like CI and the deployed site) unless ``env`` says otherwise."""
    env = {**os.environ, "SNIPPET_CACHE": "0", **(env or {})}
    return strict_build(cwd, out, env, timeout=BUILD_TIMEOUT)


def site_skeleton(dest: Path) -> Path:
    """A throwaway site with our real configuration: mkdocs.yml (without nav and
    watch, which name our pages) and the theme overrides. Tests add the pages."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"^(nav|watch):\n(?:[ \t-].*\n|\n)*", "", config, flags=re.M)
    (dest / "docs").mkdir(parents=True, exist_ok=True)
    (dest / "mkdocs.yml").write_text(config, encoding="utf-8")
    shutil.copytree(ROOT / "overrides", dest / "overrides")  # the theme's custom_dir
    return dest


def dev_module() -> ModuleType:
    """dev.py, the two commands' home (``project_files()``, ``lint_command()``)."""
    spec = importlib.util.spec_from_file_location("dev", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def as_command(monkeypatch: pytest.MonkeyPatch, argv: list[str], env: dict[str, str]) -> None:
    """Look like ``argv`` run with ``env`` (CI and SNIPPET_CACHE unset unless it sets them):
    the runner decides from these whether to cache and whether it is in ``serve``."""
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("SNIPPET_CACHE", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "argv", argv)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """\"\"\"Fine.\"\"\"


def main():
    print("hello from the demo")


if __name__ == "__main__":
    main()
"""


def throwaway_site(
    tmp_path: Path,
    snippet_code: str | None,
    include: str = "snippets/demo/01_demo.py",
    fence_options: str = "",
) -> Path:
    """A copy of our mkdocs.yml (without nav and watch) with one page that shows one snippet."""
    site_skeleton(tmp_path)
    fence = f"```python-snippet {fence_options}".rstrip()
    write(tmp_path / "docs" / "index.md", f"# Demo\n\n{fence}\n{include}\n```\n")
    if snippet_code is not None:
        write(tmp_path / "snippets" / "demo" / "01_demo.py", snippet_code)
    return tmp_path


# --- checking the docs' code blocks ----------------------------------------------------------


def block_kind(example: CodeExample) -> str:
    return example.prefix.strip("{} ").split()[0].lstrip(".")


def check_code_block(example: CodeExample, eval_example: EvalExample) -> None:
    """Check one block; a failure names the file and lines (``path:start-end``)."""
    try:
        _check(example, eval_example)
    except pytest.fail.Exception as failure:
        if str(example) in str(failure):
            raise
        pytest.fail(f"{example}: {failure}", pytrace=False)


def _check(example: CodeExample, eval_example: EvalExample) -> None:
    if block_kind(example) == "python-snippet":
        _options(example)  # raises, naming the block, on a wrong option
        target = ROOT / example.source.strip()
        assert target.is_file(), f"{example}: {example.source.strip()} does not exist"
        assert target.is_relative_to(ROOT / "snippets"), f"{example}: snippets live under snippets/"
        return
    assert block_kind(example) == "python", f"{example}: unknown block type {example.prefix!r}"
    assert "exec" not in example.prefix_settings(), (
        f"{example}: markdown-exec runs inline blocks in-process; put the program in "
        "snippets/ and show it with a python-snippet fence"
    )
    eval_example.set_config(line_length=88, target_version="py311", ruff_ignore=["T201"])
    eval_example.lint_ruff(example)
    test = example.prefix_settings().get("test", "")
    if test.startswith("skip:"):
        pytest.skip(f"{example}: not run ({test.removeprefix('skip:').strip()})")
    elif test == "varies":
        eval_example.run(example)
    elif test == "":
        eval_example.run_print_check(example)
    else:
        pytest.fail(f'{example}: test="{test}" is neither "varies" nor "skip: <reason>"')
