"""A ``python-snippet`` fence's options, parsed once: by the fence, by ``dev.py measure``
(in a cell's interpreter, which has only the standard library) and by the tests.

    ```python-snippet timeout="60" output="markdown" sections="work" needs="3.14"
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from snippet_runner import excerpt
from snippet_runner.process import positive


@dataclass(frozen=True)
class FenceOptions:
    """A fence's options. All are optional; a typo or a wrong value is an error.

    - ``timeout``: seconds before the snippet's whole process tree is killed (None: the
      default). ``SNIPPET_TIMEOUT`` in the environment overrides every timeout.
    - ``output``: ``text`` (shown verbatim) or ``markdown`` (rendered; images the
      snippet wrote into its working directory are embedded in the page).
    - ``show``: ``both`` (the code and the output) or ``output`` (the output only).
      Both: "Code" and "Output" tabs for text, or for Markdown the code with the
      output open under it.
    - ``returncode``: the exit status the snippet is expected to end with.
    - ``sections``: the named sections the Code tab shows (``sections="setup race"``),
      instead of the whole file; the file still runs whole (``excerpt``).
    - ``hl``: lines of what the Code tab shows to highlight (``hl="1 3-5"``).
    - ``needs``: the oldest Python that has what the example shows (``needs="3.14"``).
      On an older one the example says what it needs and exits 0; the page then
      shows the run of the newest cell that has that Python first, and says so
      (``records.lead``).
    """

    timeout: float | None = None
    output: str = "text"
    show: str = "both"
    returncode: int = 0
    sections: tuple[str, ...] = ()
    hl: tuple[tuple[int, int], ...] = ()
    needs: tuple[int, int] | None = None

    @classmethod
    def parse(cls, inputs: dict[str, str]) -> FenceOptions:
        known = {field.name for field in fields(cls)}
        if unknown := set(inputs) - known:
            raise ValueError(f"unknown option(s) {sorted(unknown)}; known: {sorted(known)}")
        for name, allowed in {"output": ("text", "markdown"), "show": ("both", "output")}.items():
            if inputs.get(name, allowed[0]) not in allowed:
                raise ValueError(f"{name}={inputs[name]!r}, expected one of {allowed}")
        timeout = positive(inputs["timeout"]) if "timeout" in inputs else None
        return cls(
            timeout=timeout,
            output=inputs.get("output", cls.output),
            show=inputs.get("show", cls.show),
            returncode=int(inputs.get("returncode", cls.returncode)),
            sections=excerpt.parse_sections(inputs["sections"]) if "sections" in inputs else (),
            hl=excerpt.parse_lines(inputs["hl"]) if "hl" in inputs else (),
            needs=parse_version(inputs["needs"]) if "needs" in inputs else None,
        )


def parse_version(value: str) -> tuple[int, int]:
    """``"3.14"`` -> ``(3, 14)``."""
    found = re.fullmatch(r"(3)\.(\d{1,2})", value)
    if not found:
        raise ValueError(f'needs={value!r}: give a Python version such as needs="3.14"')
    return int(found[1]), int(found[2])
