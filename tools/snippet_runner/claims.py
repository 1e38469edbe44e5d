"""Claims: a sentence on a page bound to a check on values an example measured.

A sentence that states a measured direction or size is written as a claim, next to
the table it reads::

    With the GIL, [the thread pool is no faster than one
    thread]{? gil/03: speedup_threads <= 1.1 when gil}.

``gil/03`` names the example (``snippets/gil/03_*.py``); ``speedup_threads`` is a
value it hands over with ``measure.report(values=...)``, with all its samples (a
timing's repeats, a speed-up's rounds). The check is a comparison of values and
numbers (``+ - * /`` allowed); ``when`` limits it to runs where a condition on the
run holds: ``gil``, ``free_threaded``, ``cpus`` (usable CPUs), ``linux``, ``macos``,
``windows``, ``python`` (``python >= 3.14``), with ``and``, ``or``, ``not``.

The verdict uses the run's own spread: the check is applied to each sample (the
values' samples paired in order; a value with one sample goes with every sample):

- **holds**: every sample supports it;
- **contradicted**: every sample goes against it;
- **inconclusive**: some do and some do not, or other programs took more than a
  fifth of the CPUs while the example ran (the run's ``others`` value);
- **not judged** where the ``when`` condition does not hold for the run.

The page shows the verdict beside the sentence, this build's first; every cell's
verdicts go under the example and into the ledger on "Across versions and
platforms" (all three in ``marks``). A claim that cannot be judged (an
unknown example or value, a value the run did not report, a malformed check)
stops the build, naming the page, the sentence and the file.

``{= gil/03: speedup_threads}`` quotes a value instead: its median and range, as
this build measured it, for a sentence or an answer that gives the number.
"""

from __future__ import annotations

import ast
import functools
import operator
import re
import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from snippet_runner.process import Run, project_root

BUSY = 0.2  # above this share of the CPUs taken by other programs, a run says little
CLAIM = re.compile(
    r"\[(?P<text>(?:[^\[\]]|\[[^\[\]]*\]\([^()\s]*\))+?)\]\{\?\s*(?P<check>[^{}]+?)\s*\}"
)
QUOTE = re.compile(r"\{=\s*(?P<example>[\w/.-]+)\s*:\s*(?P<name>[a-z][a-z0-9_]*)\s*\}")
_CHECK = re.compile(r"(?P<example>[\w/.-]+)\s*:\s*(?P<expr>.+?)(?:\s+when\s+(?P<when>.+))?$", re.S)
_COMPARE = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_ARITHMETIC = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
               ast.Div: operator.truediv}  # fmt: skip
FACTS = ("gil", "free_threaded", "cpus", "linux", "macos", "windows", "python")


class ClaimError(Exception):
    """A claim that cannot be judged; the message names the page, sentence and file."""


def example_path(reference: str, root: Path | None = None) -> str:
    """``gil/03`` -> ``snippets/gil/03_cpu_bound_threads_vs_processes.py`` (one file)."""
    root = root or project_root()
    folder, _, number = reference.partition("/")
    found = sorted((root / "snippets" / folder).glob(f"{number}_*.py")) if number else []
    if len(found) != 1:
        raise ClaimError(f"{reference!r} names {len(found)} examples; give chapter/NN of one")
    return found[0].relative_to(root).as_posix()


def _names(tree: ast.AST) -> list[str]:
    return [node.id for node in ast.walk(tree) if isinstance(node, ast.Name)]


def _parse(text: str, allowed: tuple[type, ...], what: str) -> ast.Expression:
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        raise ClaimError(f"{what} {text!r} is not a comparison this syntax knows") from None
    for node in ast.walk(tree):
        if not isinstance(node, allowed):
            raise ClaimError(f"{what} {text!r}: {type(node).__name__} is not allowed here")
    return tree


_EXPRESSION_NODES = (ast.Expression, ast.Compare, ast.BinOp, ast.UnaryOp, ast.USub, ast.Name,
                     ast.Constant, ast.Load, ast.Eq, ast.NotEq,
                     *_COMPARE, *_ARITHMETIC)  # fmt: skip
_CONDITION_NODES = (*_EXPRESSION_NODES, ast.BoolOp, ast.And, ast.Or, ast.Not)


@dataclass(frozen=True)
class Check:
    """``gil/03: speedup_threads <= 1.1 when gil``, parsed."""

    source: str
    example: str  # the snippet's path
    expression: str
    when: str

    @classmethod
    def parse(cls, source: str, root: Path | None = None) -> Check:
        found = _CHECK.match(" ".join(source.split()))
        if not found:
            raise ClaimError(f"check {source!r}: write it as 'chapter/NN: comparison [when ...]'")
        expression, when = found["expr"], found["when"] or ""
        tree = _parse(expression, _EXPRESSION_NODES, "check")
        if not isinstance(tree.body, ast.Compare):
            raise ClaimError(f"check {expression!r} compares nothing")
        if when:
            for name in _names(_parse(when, _CONDITION_NODES, "condition")):
                if name not in FACTS:
                    raise ClaimError(f"condition {when!r}: {name!r} is none of {FACTS}")
        return cls(" ".join(source.split()), example_path(found["example"], root), expression,
                   when)  # fmt: skip

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys(_names(ast.parse(self.expression, mode="eval"))))


@dataclass(frozen=True)
class Claim:
    """One claim on a page: where it is, its sentence and its check."""

    page: str  # under docs/
    line: int
    text: str
    check: Check

    def where(self) -> str:
        return f"docs/{self.page}:{self.line}: [{plain(self.text)[:70]}]"


def plain(text: str) -> str:
    """A claim's sentence without its Markdown links, on one line."""
    return " ".join(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).split())


_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)[^`\n]*?\1")


def prose_only(markdown: str) -> str:
    """``markdown`` with its code blocks and code spans blanked (same length, same
    lines): a claim written inside code is an example of the syntax, not a claim."""
    lines, fence = markdown.splitlines(keepends=True), None
    for number, line in enumerate(lines):
        opener = _FENCE.match(line)
        if fence or opener:
            if fence is None:
                fence = opener[1]
            elif opener and opener[1].startswith(fence):
                fence = None
            lines[number] = re.sub(r"[^\n]", " ", line)
    text = "".join(lines)
    return _CODE_SPAN.sub(lambda m: " " * len(m[0]), text)


def page_claims(markdown: str, page: str, root: Path | None = None) -> Iterator[Claim]:
    """The claims in one page's Markdown, in order; a malformed one raises ClaimError."""
    for found in CLAIM.finditer(prose_only(markdown)):
        line = markdown.count("\n", 0, found.start()) + 1
        try:
            check = Check.parse(found["check"], root)
        except ClaimError as error:
            raise ClaimError(
                f"docs/{page}:{line}: [{plain(found['text'])[:70]}]: {error}"
            ) from None
        yield Claim(page, line, found["text"], check)


def site_claims(root: Path | None = None) -> list[Claim]:
    """Every claim on every page, in page order; re-read when a page changes."""
    root = root or project_root()
    pages = sorted(p for p in (root / "docs").rglob("*.md") if not p.name.startswith("_"))
    return list(_read(root, tuple((p, p.stat().st_mtime_ns) for p in pages)))


@functools.cache
def _read(root: Path, pages: tuple[tuple[Path, int], ...]) -> tuple[Claim, ...]:
    found: list[Claim] = []
    for page, _mtime in pages:
        found += page_claims(page.read_text("utf-8"), page.relative_to(root / "docs").as_posix(),
                             root)  # fmt: skip
    return tuple(found)


# --- the verdict ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """How a claim fared in one run: the status, why, and the values it read."""

    status: str  # "holds", "contradicted", "inconclusive", "not judged", "pending"
    reason: str
    shown: str  # the values it judged, as the mark shows them ("" where none)


def facts(provenance: dict[str, Any]) -> dict[str, Any]:
    """What a ``when`` condition may ask of a run, from its record's provenance."""
    system = provenance.get("os", "").split(" ")[0]
    version = tuple(int(n) for n in re.findall(r"\d+", provenance.get("python", ""))[:2])
    return {
        "gil": bool(provenance.get("gil_enabled", True)),
        "free_threaded": bool(provenance.get("free_threaded")),
        "cpus": int(provenance.get("usable_cpus") or 1),
        "linux": system == "Linux",
        "macos": system == "macOS",
        "windows": system == "Windows",
        "python": version,
    }


def _evaluate(tree: ast.AST, names: Callable[[str], Any]) -> Any:
    """Evaluate the parsed check or condition; ``python >= 3.14`` compares versions."""
    if isinstance(tree, ast.Expression):
        tree = tree.body
    if isinstance(tree, ast.BoolOp):
        values = [_evaluate(value, names) for value in tree.values]
        return all(values) if isinstance(tree.op, ast.And) else any(values)
    if isinstance(tree, ast.Compare):
        left = _evaluate(tree.left, names)
        for op, node in zip(tree.ops, tree.comparators, strict=True):
            right = _evaluate(node, names)
            if isinstance(left, tuple) and isinstance(right, float):  # python >= 3.14
                right = tuple(int(n) for n in ast.unparse(node).split("."))
            compare = {ast.Eq: operator.eq, ast.NotEq: operator.ne, **_COMPARE}[type(op)]
            if not compare(left, right):
                return False
            left = right
        return True
    return _arithmetic(tree, names)


def _arithmetic(tree: ast.AST, names: Callable[[str], Any]) -> Any:
    """A number, a value, or arithmetic on them (``not`` too, in a condition)."""
    if isinstance(tree, ast.Constant):
        return tree.value
    if isinstance(tree, ast.Name):
        return names(tree.id)
    if isinstance(tree, ast.UnaryOp):
        value = _evaluate(tree.operand, names)
        return (not value) if isinstance(tree.op, ast.Not) else -value
    if isinstance(tree, ast.BinOp):
        left, right = _evaluate(tree.left, names), _evaluate(tree.right, names)
        return _ARITHMETIC[type(tree.op)](left, right)
    raise ClaimError(f"cannot evaluate {ast.unparse(tree)!r}")


def _format(value: dict[str, Any]) -> str:
    """A value as a mark shows it: the median sample, then the range in brackets."""
    samples, unit = value["samples"], value.get("unit", "")
    if unit == "share":
        return f"{statistics.median(samples):.0%}"

    def number(x: float) -> str:
        if unit == "x":
            return f"{x:.2f}"
        return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"

    suffix = {"x": "×", "": ""}.get(unit, f" {unit}")
    if min(samples) == max(samples):  # one sample, or every repeat the same
        return f"{number(samples[0])}{suffix}"
    middle = statistics.median(samples)
    return f"{number(middle)}{suffix} ({number(min(samples))}–{number(max(samples))})"


def judge(check: Check, run: Run, provenance: dict[str, Any]) -> Verdict:
    """The verdict of ``check`` on one run of its example (this build's, or a cell's
    record). A value the run did not report raises ClaimError."""
    if check.when and not _evaluate(ast.parse(check.when, mode="eval"), facts(provenance).get):
        return Verdict("not judged", f"only where {check.when}", "")
    missing = [name for name in check.names if name not in run.values]
    if missing:
        reported = ", ".join(sorted(run.values)) or "none"
        raise ClaimError(f"{check.example} reported no value {', '.join(missing)} (it "
                         f"reported: {reported})")  # fmt: skip
    samples = {name: run.values[name]["samples"] for name in check.names}
    lengths = {len(s) for s in samples.values() if len(s) > 1}
    if len(lengths) > 1:
        raise ClaimError(f"{check.source}: the values have different numbers of samples "
                         f"({lengths}); pair only values measured in the same rounds")  # fmt: skip
    count = lengths.pop() if lengths else 1
    tree = ast.parse(check.expression, mode="eval")
    results = [
        _evaluate(tree, lambda name, i=i: samples[name][i if len(samples[name]) > 1 else 0])
        for i in range(count)
    ]
    shown = ", ".join(f"{name} {_format(run.values[name])}" for name in check.names)
    others = run.values.get("others", {}).get("samples", [None])[0]
    if others is not None and others > BUSY:
        return Verdict("inconclusive", f"other programs took {others:.0%} of the CPUs", shown)
    if all(results):
        return Verdict("holds", f"all {count} samples" if count > 1 else "", shown)
    if not any(results):
        return Verdict("contradicted", f"all {count} samples" if count > 1 else "", shown)
    return Verdict("inconclusive", f"{sum(results)} of {count} samples hold", shown)


def quote(run: Run, name: str) -> str:
    """``{= chapter/NN: name}``: the value as this build measured it."""
    if name not in run.values:
        reported = ", ".join(sorted(run.values)) or "none"
        raise ClaimError(f"{run.path} reported no value {name} (it reported: {reported})")
    return _format(run.values[name])
