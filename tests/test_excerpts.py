"""The Code tab shows the part a page explains: named sections and highlighted lines.

The unit tests call ``snippet_runner.excerpt`` directly; one build of a throwaway site
checks what a contributor sees when a fence names a section the file does not have.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import GOOD, SECTIONED, Build, build_site, throwaway_site
from snippet_runner.excerpt import (
    ELISION,
    code_tab,
    cut,
    sections,
    without_markers,
)
from snippet_runner.fence import FenceOptions, SnippetError, validator


def test_fence_options_parse_sections_and_highlighted_lines() -> None:
    options = FenceOptions.parse({"sections": "work call", "hl": "1 3-5"})
    assert options.sections == ("work", "call")
    assert options.hl == ((1, 1), (3, 5))
    assert FenceOptions.parse({}).sections == () and FenceOptions.parse({}).hl == ()


@pytest.mark.parametrize(
    ("inputs", "error"),
    [
        ({"sections": ""}, "names no section"),
        ({"sections": "9lives"}, "section name '9lives'"),
        ({"sections": "a a"}, "names a section twice"),
        ({"hl": "0"}, "is not a line"),
        ({"hl": "5-3"}, "is not a line"),
        ({"hl": "two"}, "is not a line"),
        ({"hl": ""}, "highlights nothing"),
    ],
)
def test_wrong_fence_options_stop_the_build(inputs: dict[str, str], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        FenceOptions.parse(inputs)
    with pytest.raises(SnippetError, match=f"python-snippet: .*{error}"):
        validator("python-snippet", inputs, {}, {}, None)


def test_sections_are_found_between_their_markers() -> None:
    found = sections(SECTIONED)
    assert list(found) == ["work", "call", "next"]
    lines = SECTIONED.splitlines()
    assert lines[found["work"].start] == "def work(n):"
    assert lines[found["call"].end] == "    print(work(10))"


def test_a_cut_shows_the_sections_dedented_without_markers() -> None:
    assert cut(SECTIONED, ("call",)) == "print(work(10))"
    # Adjacent in the file (only markers between them): no elision line.
    assert cut(SECTIONED, ("call", "next")) == "print(work(10))\nprint(sys.version_info[:2])"
    # Not adjacent, or not in file order: an elision line between them.
    shown = cut(SECTIONED, ("work", "call")).splitlines()
    assert shown == ["def work(n):", "    return sum(range(n))", "", ELISION, "", "print(work(10))"]
    assert cut(SECTIONED, ("next", "call")).splitlines()[1:4] == ["", ELISION, ""]
    # Only blank lines between two sections: nothing is left out, so no elision line.
    two = "# --8<-- [start:a]\na = 1\n\n# --8<-- [end:a]\n\n\n# --8<-- [start:b]\nb = 2\n"
    assert cut(two + "# --8<-- [end:b]\n", ("a", "b")) == "a = 1\n\n\nb = 2"


def test_a_section_nested_in_another_shows_without_its_markers() -> None:
    nested = "# --8<-- [start:outer]\na = 1\n# --8<-- [start:inner]\nb = 2\n# --8<-- [end:inner]\n"
    nested += "# --8<-- [end:outer]\n"
    assert cut(nested, ("outer",)) == "a = 1\nb = 2"
    assert cut(nested, ("inner",)) == "b = 2"


def test_the_whole_program_shows_without_markers() -> None:
    whole = without_markers(SECTIONED)
    assert "8<" not in whole
    assert len(whole.splitlines()) == len(SECTIONED.splitlines()) - 6


@pytest.mark.parametrize(
    ("source", "names", "error"),
    [
        (SECTIONED, ("missing",), r"no section\(s\) \['missing'\] in the file; it has \['call'"),
        ("x = 1\n", ("a",), "it has none"),
        ("# --8<-- [start:a]\nx = 1\n", ("a",), r"\['a'\] never end"),
        ("x = 1\n# --8<-- [end:a]\n", ("a",), "line 2: section 'a' ends without a start"),
        ("# --8<-- [start:a]\n# --8<-- [start:a]\n", ("a",), "line 2: section 'a' starts twice"),
        ("# --8<-- [start:a]\n\n# --8<-- [end:a]\n", ("a",), "section 'a' is empty"),
        ("x = 1  # --8<-- [start:a]\n", ("a",), "line 1: .* not a section marker on a line"),
    ],
)
def test_a_wrong_cut_is_an_error(source: str, names: tuple[str, ...], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        cut(source, names)


def test_the_code_tab_has_the_command_the_excerpt_and_the_whole_program() -> None:
    tab = code_tab("snippets/demo/01_demo.py", SECTIONED, ("call",), ((1, 1),))
    command, excerpt, whole = tab.split("\n\n", 2)
    assert command == "```bash\npython snippets/demo/01_demo.py\n```"
    assert excerpt.startswith('```python title="snippets/demo/01_demo.py (excerpt)" linenums="1"')
    assert 'hl_lines="1"' in excerpt and "print(work(10))" in excerpt
    assert whole.startswith('??? note "The whole program"\n\n    ```python')
    assert "    if __name__" in whole and "8<" not in whole


def test_without_sections_the_code_tab_shows_the_whole_file_once() -> None:
    tab = code_tab("snippets/demo/01_demo.py", GOOD, (), ((4, 5),))
    assert "The whole program" not in tab and 'hl_lines="4-5"' in tab
    assert tab.count("def main():") == 1


def test_a_highlight_past_the_excerpt_is_an_error() -> None:
    with pytest.raises(ValueError, match="hl 2 is past the 1 line"):
        code_tab("snippets/demo/01_demo.py", SECTIONED, ("call",), ((2, 2),))


def test_backticks_in_the_source_cannot_close_the_block() -> None:
    tab = code_tab("snippets/demo/01_demo.py", 'print("````")\n')
    assert "`````python" in tab


def test_build_fails_naming_the_file_and_the_unknown_section(tmp_path: Path) -> None:
    site = throwaway_site(tmp_path / "src", SECTIONED, fence_options='sections="work nope"')
    result = build_site(tmp_path / "out", cwd=site)
    assert result.returncode != 0
    assert "snippets/demo/01_demo.py: no section(s) ['nope'] in the file" in result.log


def test_an_excerpt_renders_with_the_whole_program_and_the_whole_output(
    working_build: Build,
) -> None:
    result = working_build
    assert result.returncode == 0, result.log
    soup = BeautifulSoup((result.site / "excerpt" / "index.html").read_text("utf-8"), "html.parser")
    [code, output] = soup.select("article .tabbed-set > .tabbed-content > .tabbed-block")
    command, excerpt, *_ = code.select(".highlight")
    assert command.get_text().strip() == "python snippets/demo/04_sections.py"
    assert excerpt.select_one("td.code").get_text().strip() == "print(work(10))"
    assert excerpt.select_one(".hll").get_text().strip() == "print(work(10))"
    whole = code.select_one("details.note")
    assert whole.summary.get_text().strip() == "The whole program"
    assert whole.select_one("td.code").get_text().strip() == without_markers(SECTIONED).strip()
    # The file ran whole: the output has what the sections outside the excerpt print.
    assert re.fullmatch(r"45\n\(3, \d+\)", output.get_text().strip()), output.get_text()
