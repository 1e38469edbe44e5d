"""The decision guide, drawn as a flowchart and written out as a list, from one table.

The questions, answers and arrows live in two tables, ``BOXES`` and ``ARROWS``. The
program draws them with Matplotlib (boxes and arrows; the SVG keeps text as text)
and prints the same tree as a nested list, so the picture and the words cannot
disagree.
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

# name: (text, x, y). A box with arrows leaving it is a question; the others are
# answers. Coordinates are in the plot's data units.
BOXES = {
    "start": (
        "What does each task spend its time on?\n(CPU time ÷ wall-clock time)",
        6.0,
        9.2,
    ),
    "waits": ("Thousands of connections,\nor async libraries already?", 1.9, 6.8),
    "asyncio": ("asyncio", 0.7, 4.4),
    "threads-io": ("threads\n(ThreadPoolExecutor)", 3.0, 4.4),
    "computes": (
        "Does the hot loop run in\nC code that releases the GIL,\n"
        "or on a free-threaded build?",
        6.4,
        6.8,
    ),
    "threads-cpu": ("threads", 5.2, 4.4),
    "size": (
        "Is each task much bigger\nthan sending its data\nto another process?",
        7.8,
        4.4,
    ),
    "machine": ("Do one machine's CPUs\nfinish the work in time?", 6.2, 2.0),
    "processes": ("processes\n(ProcessPoolExecutor)", 4.6, -0.4),
    "cluster": ("a cluster of machines\n(for example Dask)", 7.8, -0.4),
    "batch": ("batch small tasks into\nchunks, then processes", 9.4, 2.0),
    "mixed": (
        "asyncio or threads for the\nwaits, a process pool\nfor the computing",
        10.7,
        6.8,
    ),
}
# (from, label, to), in the order the answers are listed.
ARROWS = [
    ("start", "waiting for I/O", "waits"),
    ("start", "computing", "computes"),
    ("start", "both", "mixed"),
    ("waits", "yes", "asyncio"),
    ("waits", "no", "threads-io"),
    ("computes", "yes", "threads-cpu"),
    ("computes", "no", "size"),
    ("size", "yes", "machine"),
    ("size", "no", "batch"),
    ("machine", "yes", "processes"),
    ("machine", "no", "cluster"),
]
QUESTIONS = {source for source, _, _ in ARROWS}


def draw(ax) -> None:
    boxes = {}
    for name, (text, x, y) in BOXES.items():
        question = name in QUESTIONS
        boxes[name] = ax.text(
            x,
            y,
            text,
            ha="center",
            va="center",
            fontsize=9,
            fontweight="normal" if question else "bold",
            # Questions: rounded and dashed. Answers: square, solid and thick.
            bbox={
                "boxstyle": "round,pad=0.5" if question else "square,pad=0.6",
                "facecolor": "#eef2ff" if question else "#fff7e0",
                "edgecolor": "#3949ab" if question else "#8a6d00",
                "linestyle": "--" if question else "-",
                "linewidth": 1.0 if question else 1.8,
            },
            zorder=3,
        )
    for source, label, target in ARROWS:
        (_, x0, y0), (_, x1, y1) = BOXES[source], BOXES[target]
        ax.annotate(
            "",
            xy=(x1, y1),
            xytext=(x0, y0),
            arrowprops={
                "arrowstyle": "-|>",
                "mutation_scale": 16,
                "color": "#444444",
                "linewidth": 1.2,
                "patchA": boxes[source].get_bbox_patch(),  # start and end at the
                "patchB": boxes[target].get_bbox_patch(),  # edges of the boxes
                "shrinkA": 2,
                "shrinkB": 4,
            },
            zorder=4,  # drawn after the boxes, whose edges are known by then
        )
        ax.text(
            (x0 + x1) / 2,
            (y0 + y1) / 2,
            label,
            ha="center",
            va="center",
            fontsize=8.5,
            style="italic",
            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "linewidth": 0},
            zorder=5,
        )


def as_list(name: str = "start", depth: int = 0) -> list[str]:
    """The tree below ``name`` as nested Markdown list items."""
    lines = []
    for source, label, target in ARROWS:
        if source != name:
            continue
        text = BOXES[target][0].replace("\n", " ")
        shown = text if target in QUESTIONS else f"**{text}**"
        lines.append(f"{'    ' * depth}- *{label}*: {shown}")
        lines.extend(as_list(target, depth + 1))
    return lines


def main() -> None:
    fig, ax = plt.subplots(figsize=(11, 8.0))
    ax.set_xlim(-0.4, 12.2)
    ax.set_ylim(-1.4, 10.0)
    ax.axis("off")
    draw(ax)
    alt = (
        "Flowchart. First question: what does each task spend its time on? "
        "Waiting for I/O: asyncio for thousands of connections or async "
        "libraries, otherwise threads. Computing: threads if the hot loop is C "
        "code that releases the GIL or the build is free-threaded; otherwise, if "
        "each task is much bigger than sending its data, processes when one "
        "machine's CPUs finish the work in time and a cluster of machines (for "
        "example Dask) when they do not; else batch tasks into chunks first. "
        "Both: asyncio or threads for the waits plus a process pool for the "
        "computing."
    )
    print(measure.save_svg(fig, "decision-flowchart.svg", alt))
    print()
    print(f"**{BOXES['start'][0].replace(chr(10), ' ')}**")
    print()
    print("\n".join(as_list()))


if __name__ == "__main__":
    main()
