"""A recorded timeline (``timeline.record``) drawn for a page, and as a table.

``figure(recorded, title, description)`` is an inline SVG: one lane per thread, time
across, a strip for the operating system's view (on a CPU, ready but waiting for
one, or neither: off CPU) and, where the GIL sampler ran, one for the GIL (holds it,
waits for it); a legend, how it was sampled, and the provenance line. It draws with
classes only, coloured by the site's stylesheet (docs/stylesheets/timeline.css) from
Material's variables, so it follows the light and dark schemes; it has no id, no
link and nothing from elsewhere, and says what it shows in ``aria-label`` and
``<title>``/``<desc>``. ``table(recorded)`` gives its numbers as text, for beside it.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

import measure
from timeline import BLIND, STATES, Lane, Timeline, _merge, _total

WIDTH, LEFT, RIGHT = 680, 205, 26  # the drawing's width, and its time axis' margins
LANE, STRIP, GAP = 30, 9, 3  # a lane's height, a strip's, and the space between
PAINT = {  # what a file opened without the stylesheet shows
    "cpu": 'fill="currentColor"',
    "ready": 'fill="none" stroke="currentColor"',
    "gil": 'fill="currentColor"',
    "gil_wait": 'fill="none" stroke="currentColor"',
    "task": 'fill="currentColor"',
    "blind": 'fill="none" stroke="currentColor"',
}
LEGEND = {**STATES, "blind": f"no sample for over {BLIND * 1e3:g} ms"}


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f}"


def table(recorded: Timeline, lanes: Sequence[Lane] | None = None) -> str:
    """The timeline's numbers, a row per thread (and a table of the tasks' steps,
    where the work timed them): the picture's text alternative."""
    lanes = recorded.lanes if lanes is None else lanes
    gil = recorded.gil_interval is not None
    headers = ["Thread", "On a CPU (ms)", "Ready, no CPU free (ms)"]
    headers += ["Holds the GIL (ms)", "Waits for the GIL (ms)"] if gil else []
    headers += ["Turns", "Median turn (ms)"]
    rows, steps = [], []
    for lane in lanes:
        if "task" in lane.spans:
            lengths = [b - a for a, b in lane.spans["task"]]
            median = ms(statistics.median(lengths)) if lengths else "–"
            steps.append([lane.name, str(len(lengths)), ms(sum(lengths)), median])
            continue
        turns = recorded.turns(lane.name)
        cells = [lane.name, ms(lane.total("cpu")), ms(lane.total("ready"))]
        cells += [ms(lane.total("gil")), ms(lane.total("gil_wait"))] if gil else []
        cells += [str(len(turns)), ms(statistics.median(turns)) if turns else "–"]
        rows.append(cells)
    found = measure.table(headers, rows)
    if steps:
        headers = ["Task", "Steps", "Time in its steps (ms)", "Median step (ms)"]
        found += "\n\n" + measure.table(headers, steps)
    return found


def sampling_note(recorded: Timeline) -> str:
    """How the picture was sampled, and what it leaves out."""
    note = (
        f"Operating system: each thread's /proc schedstat, read every "
        f"{ms(recorded.interval)} ms (median; longest gap "
        f"{ms(recorded.longest_gap)} ms)"
    )
    if recorded.blind:
        seen = recorded.sampled / recorded.seconds
        note += f"; {seen:.0%} of the time sampled"
    note += ". "
    if recorded.gil_interval is not None:
        note += f"GIL: profiling.sampling, every {ms(recorded.gil_interval)} ms (mean)"
        unseen = max(_total(lane.spans.get("gil_blind", [])) for lane in recorded.lanes)
        if unseen:
            note += f"; {1 - unseen / recorded.seconds:.0%} of the time sampled"
        note += "."
    else:
        note += f"No GIL states: {recorded.gil_note}."
    used = recorded.sampler_cpu
    return note + f" The sampling, in processes of its own, used {used:.0%} of a CPU."


def summary(recorded: Timeline, lanes: Sequence[Lane] | None = None) -> str:
    """What the picture shows, lane by lane, in words (its text alternative)."""
    lanes = recorded.lanes if lanes is None else lanes
    said = []
    for lane in lanes:
        share = {state: lane.total(state) / recorded.seconds for state in STATES}
        if "task" in lane.spans:
            said.append(f"{lane.name}: its steps run {share['task']:.0%}")
            continue
        words = f"{lane.name}: on a CPU {share['cpu']:.0%}"
        if share["ready"] >= 0.005:
            words += f", ready but waiting for a CPU {share['ready']:.0%}"
        if recorded.gil_interval is not None:
            words += (
                f", holds the GIL {share['gil']:.0%}, "
                f"waits for it {share['gil_wait']:.0%}"
            )
        said.append(words)
    return f"Over {ms(recorded.seconds)} ms, the share of the time: {'; '.join(said)}."


def figure(
    recorded: Timeline,
    title: str,
    description: str,
    lanes: Sequence[Lane] | None = None,
) -> str:
    """The picture as a page shows it: raw HTML in the printed Markdown, on one line
    (a blank line would end it), in a frame that scrolls sideways on a narrow screen.
    The page puts it in a paragraph, where an inline ``<svg>`` may be (a ``<div>``
    may not)."""
    words = f"{description} {summary(recorded, lanes)}"
    return f'<span class="tl-frame">{svg(recorded, title, words, lanes)}</span>'


def svg(
    recorded: Timeline,
    title: str,
    description: str,
    lanes: Sequence[Lane] | None = None,
) -> str:
    """The SVG: a legend, the lanes, the time axis, how it was sampled, provenance."""
    lanes = recorded.lanes if lanes is None else list(lanes)
    gil = recorded.gil_interval is not None
    scale = (WIDTH - LEFT - RIGHT) / recorded.seconds
    shown = [state for state in STATES if any(lane.spans.get(state) for lane in lanes)]
    if gil:
        shown = list(dict.fromkeys([*shown, "gil", "gil_wait"]))
    blind = any(
        lane.spans.get("blind") or lane.spans.get("gil_blind") for lane in lanes
    )
    shown += ["off"] + (["blind"] if blind else [])
    parts, (x, y) = [], (10.0, 8.0)
    for state in shown:  # the legend, wrapped
        label = LEGEND.get(state, "off CPU: asleep or blocked")
        if x + 30 + 5.6 * len(label) > WIDTH:
            x, y = 10.0, y + 16
        parts.append(_swatch(state, x, y))
        parts.append(
            f'<text class="tl-small" x="{x + 21:g}" y="{y + 9:g}">'
            f"{escape(label)}</text>"
        )
        x += 34 + 5.6 * len(label)
    top = y + 24
    for lane in lanes:
        parts.append(_lane(lane, top, scale, gil))
        top += LANE + (STRIP + GAP if gil and "task" not in lane.spans else 0)
    parts.append(_axis(recorded.seconds, top, scale))
    top += 36
    for line in (sampling_note(recorded), measure.provenance(others=recorded.others)):
        for piece in _wrap(line, 118):
            parts.append(
                f'<text class="tl-small tl-muted" x="10" y="{top:g}">'
                f"{escape(piece)}</text>"
            )
            top += 14
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tl" viewBox="0 0 {WIDTH} '
        f'{top:g}" role="img" aria-label="{escape(f"{title}. {description}")}" '
        'font-family="sans-serif" font-size="12">'
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>"
        f"{''.join(parts)}</svg>"
    )


# Characters that Markdown's inline syntax reads (emphasis, code, links, emoji,
# attribute lists, escapes) and XML's, as character references: the page renders the
# printed Markdown, to which the text between the SVG's tags is Markdown too.
_SAFE = {c: f"&#{ord(c)};" for c in "*_`[]{}\\:~!<>&\"'"}


def escape(text: str) -> str:
    """Text for inside the SVG, safe as XML and as Markdown."""
    return "".join(_SAFE.get(c, c) for c in text)


def _swatch(state: str, x: float, y: float) -> str:
    if state == "off":
        return f'<path class="tl-base" d="M{x:g} {y + 5:g}h16" stroke="currentColor"/>'
    return f'<path class="tl-{state}" d="M{x:g} {y:g}h16v10h-16z" {PAINT[state]}/>'


def _lane(lane: Lane, top: float, scale: float, gil: bool) -> str:
    name = lane.name if len(lane.name) <= 30 else lane.name[:29] + "…"
    out = [f'<text x="10" y="{top + 13:g}">{escape(name)}</text>']
    strips = [("task",)] if "task" in lane.spans else [("cpu", "ready")]
    if gil and "task" not in lane.spans:
        strips.append(("gil", "gil_wait"))
    height = len(strips) * (STRIP + GAP) + 4
    if blind := _bars(lane.spans.get("blind", []), scale, top + 3, height):
        out.append(f'<path class="tl-blind" d="{blind}" {PAINT["blind"]}/>')  # behind
    for number, states in enumerate(strips):
        y = top + 6 + number * (STRIP + GAP)
        out.append(
            f'<path class="tl-base" d="{_lines(lane, scale, y + STRIP / 2)}" '
            'stroke="currentColor"/>'
        )
        if len(strips) > 1:
            kind = "GIL" if states[0] == "gil" else "CPU"
            out.append(
                f'<text class="tl-tiny tl-muted" x="{LEFT - 4}" y="{y + 8:g}" '
                f'text-anchor="end">{kind}</text>'
            )
        unseen = lane.spans.get("gil_blind", []) if states[0] == "gil" else []
        if blind := _bars(unseen, scale, y - 1, STRIP + 2):  # the GIL sampler's gaps
            out.append(f'<path class="tl-blind" d="{blind}" {PAINT["blind"]}/>')
        for state in states:
            if bars := _bars(lane.spans.get(state, []), scale, y):
                out.append(f'<path class="tl-{state}" d="{bars}" {PAINT[state]}/>')
    return "".join(out)


def _lines(lane: Lane, scale: float, y: float) -> str:
    """A lane's base line, where the thread existed: it may start or end meanwhile."""
    alive = lane.spans.get("alive", [(0.0, (WIDTH - LEFT - RIGHT) / scale)])
    return "".join(
        f"M{LEFT + a * scale:.1f} {y:g}H{LEFT + b * scale:.1f}" for a, b in alive
    )


def _bars(spans: list, scale: float, y: float, height: float = STRIP) -> str:
    """One path of rectangles; spans less than a unit apart are drawn as one."""
    merged = _merge(((a * scale, b * scale) for a, b in spans), 1)
    widths = ((a, max(b - a, 0.5)) for a, b in merged)
    return "".join(
        f"M{LEFT + a:.1f} {y:g}h{w:.1f}v{height:g}h{-w:.1f}z" for a, w in widths
    )


def _axis(seconds: float, top: float, scale: float) -> str:
    step = _nice(seconds * 1e3 / 6)
    out = [
        f'<path class="tl-base" d="M{LEFT} {top:g}H{WIDTH - RIGHT}" '
        'stroke="currentColor"/>'
    ]
    for k in range(int(seconds * 1e3 / step + 1e-9) + 1):
        x = LEFT + k * step / 1e3 * scale
        out.append(
            f'<path class="tl-base" d="M{x:.1f} {top:g}v4" stroke="currentColor"/>'
        )
        out.append(
            f'<text class="tl-small" x="{x:.1f}" y="{top + 16:g}" '
            f'text-anchor="middle">{k * step:g}</text>'
        )
    out.append(
        f'<text class="tl-small tl-muted" x="{LEFT - 14}" y="{top + 16:g}" '
        'text-anchor="end">ms since the start</text>'
    )
    return "".join(out)


def _nice(raw: float) -> float:
    """1, 2 or 5 times a power of ten, at least ``raw``."""
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines


def main() -> None:
    import timeline

    if reason := timeline.unavailable():
        print(reason)
        return
    recorded = timeline.record(timeline.two_threads)
    print(
        figure(
            recorded,
            "Two CPU-bound threads, and how the picture is drawn",
            "A lane per thread; the upper strip is the operating system's view, the "
            "lower one (from Python 3.15, with the GIL) the interpreter's.",
        )
    )
    print()
    measure.report(table(recorded), others=recorded.others)
    print(f"\n{sampling_note(recorded)}")


if __name__ == "__main__":
    main()
