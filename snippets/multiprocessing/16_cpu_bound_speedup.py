"""A CPU-bound job on 1 to 2×CPUs worker processes, against Amdahl's law.

The job counts primes by trial division in many equal slices of numbers. It
runs as a plain loop (the baseline) and on pools of 1, 2, ... workers up to
twice the number of usable CPUs. All pools are started before any timing, so
the times are the work plus the cost of moving tasks and results, not process
start-up. The runs are interleaved: each round runs the baseline and then every
pool once, so a machine that gets busier or quieter during the program affects
all of them alike. The first round is the warm-up. Other programs can still
take CPU time from the pools, so the program also reports how much of the
usable CPUs' time they took while it ran (measure.watch_other_programs; Linux
only).

Amdahl's law says that if a fraction p of the work can run in parallel, n
workers give a speed-up S(n) = 1 / ((1 - p) + p / n). Rewritten as
1/S = 1 - p (1 - 1/n), it is a straight line through the origin in
x = 1 - 1/n, so least squares gives p in closed form:
p = Σ x (1 - 1/S) / Σ x². The fit uses the runs with at most as many workers
as usable CPUs; beyond that, n workers still share the same CPUs, so the fitted
and ideal curves use min(n, CPUs).
"""

import contextlib
import multiprocessing
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

START_METHOD = "spawn"
FIRST = 10_000_001  # odd; slices of equal width well above 10**7 cost about the same
WIDTH = 500  # numbers per slice
SLICES = 72  # divisible by 1, 2, 3, 4, 6 and 8 workers
REPEATS = 3


# --8<-- [start:work]
def count_primes(start: int) -> int:
    """Primes among the odd numbers in [start, start + WIDTH)."""
    count = 0
    for n in range(start | 1, start + WIDTH, 2):
        divisor = 3
        while divisor * divisor <= n:
            if n % divisor == 0:
                break
            divisor += 2
        else:
            count += 1
    return count


# --8<-- [end:work]


def fit_parallel_fraction(points: list[tuple[int, float]]) -> float | None:
    """Least-squares p for 1/S = 1 - p (1 - 1/n); None if no point has n > 1."""
    xs = [1 - 1 / n for n, _ in points]
    ys = [1 / speedup for _, speedup in points]
    denominator = sum(x * x for x in xs)
    if denominator == 0:
        return None
    return sum(x * (1 - y) for x, y in zip(xs, ys, strict=True)) / denominator


def amdahl(p: float, n: int) -> float:
    return 1 / ((1 - p) + p / n)


def plot(workers, measured, ideal, fitted, cpus: int) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4))
    ax.plot(workers, ideal, "k--", label="ideal: min(n, CPUs)")
    if fitted:
        ax.plot(workers, fitted, "^:", label="Amdahl's law, fitted p")
    ax.plot(workers, measured, "o-", label="measured (fastest runs)")
    ax.axvline(cpus, color="grey", linewidth=1)
    ax.annotate(
        f"{cpus} usable CPUs",
        (cpus, 0),
        xytext=(4, 6),
        textcoords="offset points",
        color="dimgrey",
    )
    ax.set_title("CPU-bound work: speed-up against the number of workers")
    ax.set_xlabel("worker processes (n)")
    ax.set_ylabel("speed-up over the plain loop")
    ax.set_xticks(workers)
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    ax.legend()
    return measure.save_svg(
        fig,
        "speedup.svg",
        "Speed-up against number of worker processes: measured points, the ideal "
        "line that rises up to the CPU count and then stays flat, and the fitted "
        "Amdahl curve.",
    )


def main() -> None:
    # --8<-- [start:timing]
    cpus = measure.usable_cpus()
    workers = list(range(1, 2 * cpus + 1))
    slices = [FIRST + i * WIDTH for i in range(SLICES)]
    expected = [count_primes(start) for start in slices]
    ctx = multiprocessing.get_context(START_METHOD)

    def plain_loop() -> None:
        assert [count_primes(start) for start in slices] == expected

    others = measure.watch_other_programs()
    with contextlib.ExitStack() as stack:
        pools = {n: stack.enter_context(ctx.Pool(n)) for n in workers}

        def on_pool(n: int) -> None:
            assert pools[n].map(count_primes, slices, chunksize=1) == expected

        runs = {"plain loop": plain_loop}
        runs |= {str(n): lambda n=n: on_pool(n) for n in workers}
        compared = measure.compare(runs, repeats=REPEATS)
    taken = others()  # the share of the CPUs' time other programs took meanwhile
    baseline = compared.pop("plain loop")
    timings = {int(n): timing for n, timing in compared.items()}
    # --8<-- [end:timing]

    speedups = {n: measure.speedup(baseline, timings[n]).median for n in workers}
    p = fit_parallel_fraction([(n, speedups[n]) for n in workers if n <= cpus])
    ideal = [float(min(n, cpus)) for n in workers]
    fitted = [amdahl(p, min(n, cpus)) for n in workers] if p is not None else []

    rows = [["plain loop (baseline)", baseline.cell(3), "1.00", "1.00", "1.00"]]
    for i, n in enumerate(workers):
        rows.append(
            [
                f"{n} worker{'s' if n > 1 else ''}",
                timings[n].cell(3),
                f"{speedups[n]:.2f}",
                f"{ideal[i]:.2f}",
                f"{fitted[i]:.2f}" if fitted else "–",
            ]
        )
    measure.report(
        measure.table(
            [
                "Run",
                "Seconds",
                "Speed-up",
                "Ideal: min(n, CPUs)",
                "Amdahl: S(min(n, CPUs)) with the fitted p",
            ],
            rows,
            caption=f"Counting primes in {SLICES} slices of {WIDTH} numbers "
            f"from {FIRST:,}; every run gave the same counts. What to look for: "
            "how close the speed-up column comes to the ideal one up to "
            f"{cpus} workers, one per usable CPU, and that it stops growing "
            "beyond them. The two model columns put n = min(n, CPUs) into their "
            "formulas: more workers than CPUs share the same CPUs, so they add "
            "no computing power.",
        ),
        repeats=REPEATS,
        statistic="median (min–max) seconds, runs interleaved; "
        "speed-ups per round, as their median",
        start_method=START_METHOD,
        others=taken,
    )
    print()
    if p is None:
        print("With one usable CPU there is nothing to fit: every n is n = 1.")
    else:
        print(
            f"Fitted parallel fraction: p = {p:.3f} (least squares over 1 to {cpus} "
            "workers)."
        )
        if p <= 0:
            print(
                "p ≤ 0: the pools ran no faster than the plain loop, so nothing ran "
                "in parallel here (the CPUs were busy with other work, or moving "
                "tasks cost as much as the work)."
            )
        elif p < 1:
            print(
                "With that p, Amdahl's law caps the speed-up at 1 / (1 - p) = "
                f"{1 / (1 - p):.1f}, however many CPUs there are."
            )
        else:
            print(
                "p ≥ 1: these runs showed no serial part at all (a speed-up at or "
                "above the ideal, within the noise), so Amdahl's law sets no cap."
            )
    at_cpus = speedups[cpus]
    beyond = max((speedups[n] for n in workers if n > cpus), default=at_cpus)
    print(
        f"Best speed-up with more workers than CPUs: {beyond:.2f}, against "
        f"{at_cpus:.2f} with {cpus} worker(s), one per usable CPU."
    )
    print()
    print(plot(workers, [speedups[n] for n in workers], ideal, fitted, cpus))


if __name__ == "__main__":
    main()
