"""Every chapter ends with exercises, and every solution is a program the build runs.

A chapter is a page of the nav's "Start here" or "Chapters" that opens a topic: a
page of its own there, or the first page of a group (Processes). Deep dives go on
with their chapter's topic, and the assignment is itself the exercise, so neither
needs exercises of its own. The exercises' own claims are checked in each chapter's
test module; this module checks that none is missing and that each solution is a
file its fence shows, so the strict build runs it (test_build checks every fence ran).
"""

from __future__ import annotations

import re

from helpers import DOCS, ROOT, nav_pages

CHAPTER_SECTIONS = ("Start here", "Chapters")
NOT_CHAPTERS = {
    "choosing.md": "a decision guide that points into the chapters",
    "assignment.md": "the assignment is the exercise",
    "assignment_notebook.ipynb": "the assignment, as a notebook",
}
_SOLUTION = re.compile(
    r'^(?P<indent>[ \t]*)\?\?\?\+? success "Solution"\n(?:(?P=indent)[ \t]+.*\n|[ \t]*\n)*?'
    r"(?P=indent)[ \t]+```python-snippet[^\n]*\n[ \t]*(?P<path>\S+)\n",
    re.M,
)


def chapters() -> list[str]:
    found, groups = [], set()
    for page in nav_pages():
        if not page.sections or page.sections[0] not in CHAPTER_SECTIONS:
            continue
        group = page.sections[1:]
        if group and group in groups:
            continue  # a later page of a group: the group's first page is the chapter
        groups.add(group)
        if "deep dive" not in page.title.lower() and page.page not in NOT_CHAPTERS:
            found.append(page.page)
    return found


def test_the_chapters_are_found() -> None:
    found = chapters()
    for page in ("concepts.md", "threads.md", "gil.md", "multiprocessing/index.md"):
        assert page in found
    assert "gil-deep-dive.md" not in found and "multiprocessing/scaling.md" not in found


def test_every_chapter_ends_with_two_or_three_exercises_and_their_solutions() -> None:
    problems = []
    for page in chapters():
        text = (DOCS / page).read_text(encoding="utf-8")
        _, found, exercises = text.partition("\n## Exercises\n")
        if not found:
            problems.append(f"{page}: no '## Exercises' section")
            continue
        solutions = [m["path"] for m in _SOLUTION.finditer(exercises)]
        if not 2 <= len(solutions) <= 3:
            problems.append(f"{page}: {len(solutions)} solutions under Exercises, not 2 or 3")
        for path in solutions:
            if not re.fullmatch(r"snippets/\w+/9\d_solution_\w+\.py", path):
                problems.append(f"{page}: {path} is not named snippets/<chapter>/9N_solution_*.py")
            elif not (ROOT / path).is_file():
                problems.append(f"{page}: {path} does not exist")
    assert not problems, "\n".join(problems)
