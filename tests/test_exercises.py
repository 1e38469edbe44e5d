"""Every chapter ends with exercises and a self-check; every solution is a program the
build runs, and every self-check question has its answer.

A chapter is a page of the nav's "Start here" or "Chapters" that opens a topic: a
page of its own there, or the first page of a group (Processes). Deep dives go on
with their chapter's topic, and the assignment is itself the exercise, so neither
needs exercises of its own. The exercises' own claims are checked in each chapter's
test module; this module checks that none is missing and that each solution is a
file its fence shows, so the strict build runs it (test_build checks every fence ran).

The self-check is the chapter's last section: three to five questions, each a
collapsed ``??? question`` block (a <details> the reader opens, by keyboard or by
click: test_browser opens one per page) whose body is the answer and says why.
"""

from __future__ import annotations

import re
import textwrap

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


_QUESTION = re.compile(
    r'^(?P<open>\?\?\?\+?) question "(?P<question>[^"\n]+)"\n'
    r"(?P<answer>(?:[ \t]+\S.*\n|[ \t]*\n)*)",
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


def test_every_chapter_ends_with_a_self_check_of_three_to_five_answered_questions() -> None:
    problems = []
    for page in chapters():
        text = (DOCS / page).read_text(encoding="utf-8")
        headings = re.findall(r"^## (.+)$", text, re.M)
        if "Self-check" not in headings:
            problems.append(f"{page}: no '## Self-check' section")
            continue
        if headings[-1] != "Self-check":
            problems.append(f"{page}: '## Self-check' is not the last section: {headings}")
        section = text.partition("\n## Self-check\n")[2]
        questions = list(_QUESTION.finditer(section))
        if not 3 <= len(questions) <= 5:
            problems.append(f"{page}: {len(questions)} self-check questions, not 3 to 5")
        for found in questions:
            question, answer = found["question"], textwrap.dedent(found["answer"]).strip()
            if found["open"] != "???":
                problems.append(f"{page}: {question[:50]!r} starts open: the answer shows")
            if not question.rstrip().endswith("?"):
                problems.append(f"{page}: {question[:50]!r} does not end with a question mark")
            prose = re.sub(r"```.*?```", "", answer, flags=re.S)  # the words, not the code
            if len(prose.split()) < 12:
                problems.append(f"{page}: {question[:50]!r}: the answer does not say why")
        blocks = section.count('??? question "') + section.count('???+ question "')
        if blocks != len(questions):
            problems.append(f"{page}: {blocks} question blocks, {len(questions)} well-formed")
    assert not problems, "\n".join(problems)
