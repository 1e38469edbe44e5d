"""A CPU-bound job on 1 to 2×CPUs worker processes: the speed-up, and what limits it.

The job counts primes by trial division in many equal slices of numbers. It
runs as a plain loop (the baseline) and on pools of 1, 2, ... workers up to
twice the number of usable CPUs. All pools are started before any timing, so
the times are the work plus the cost of moving tasks and results, not process
start-up. The runs are interleaved: each round runs the baseline and then every
pool once, so a machine that gets busier or quieter during the program affects
all of them alike, and a speed-up is the baseline's time over the pool's in the
same round (measure.speedup). The first round is the warm-up. Other programs can
still take CPU time from the pools, so the program also reports how much of the
usable CPUs' time they took while it ran (measure.watch_other_programs; Linux
only).

Each task also reports the CPU time it took in its worker (time.thread_time), so
the shortfall from the ideal can be split into what causes it:

- CPUs busy with the work: the tasks' CPU time over the run's wall-clock time. It
  falls short of the number of workers (and CPUs) while a worker waits for its
  next task, when some workers have finished and others have not, and while other
  programs or the main process's own dispatching take a CPU;
- the work's CPU time in the pool against the plain loop's: above 1 when a CPU
  does the same work more slowly because the other CPUs are busy too (on a
  virtual machine two CPUs may be one physical core's two hardware threads, and
  caches and memory are shared).

The speed-up is exactly their product, divided by the share of a CPU the plain
loop had (1 on a quiet machine).

Amdahl's law says that if a fraction p of the work can run in parallel, n
workers give a speed-up S(n) = 1 / ((1 - p) + p / n). Rewritten as
1/S = 1 - p (1 - 1/n), it is a straight line through the origin in
x = 1 - 1/n, so least squares gives p in closed form:
p = Σ x (1 - 1/S) / Σ x². One worker has x = 0 and says nothing about p, so a fit
needs at least two runs with 2 or more workers on as many CPUs: at least 3 usable
CPUs. The program fits p in each round, so the range of p shows how far the rounds
disagree. With 2 CPUs the single ratio S(2) determines p = 2 (1 - 1/S(2)), which
restates the measurement and tests nothing, so the program says so instead of
presenting it as a fit.
"""

import contextlib
import multiprocessing
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

START_METHOD = "spawn"
FIRST = 10_000_001  # odd; slices of equal width well above 10**7 cost about the same
WIDTH = 500  # numbers per slice
SLICES = 144  # divisible by 1, 2, 3, 4, 6 and 8 workers; about 0.5 s in all
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


def count_and_time(start: int) -> tuple[int, float]:
    """count_primes(start), and the CPU time it took in this worker."""
    cpu = time.thread_time()
    return count_primes(start), time.thread_time() - cpu


def fit_parallel_fraction(points: list[tuple[int, float]]) -> float:
    """Least-squares p for 1/S = 1 - p (1 - 1/n), from (n, S) points with n > 1."""
    xs = [1 - 1 / n for n, _ in points]
    ys = [1 / speedup for _, speedup in points]
    return sum(x * (1 - y) for x, y in zip(xs, ys, strict=True)) / sum(
        x * x for x in xs
    )


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
    ax.plot(workers, measured, "o-", label="measured (median round)")
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
        "line that rises up to the CPU count and then stays flat, and, with 3 or "
        "more CPUs, the fitted Amdahl curve.",
    )


def main() -> None:
    # --8<-- [start:timing]
    cpus = measure.usable_cpus()
    workers = list(range(1, 2 * cpus + 1))
    slices = [FIRST + i * WIDTH for i in range(SLICES)]
    expected = [count_primes(start) for start in slices]
    ctx = multiprocessing.get_context(START_METHOD)
    work_cpu: dict[object, list[float]] = {"plain loop": [], **{n: [] for n in workers}}

    def plain_loop() -> None:
        cpu = time.thread_time()
        assert [count_primes(start) for start in slices] == expected
        work_cpu["plain loop"].append(time.thread_time() - cpu)

    others = measure.watch_other_programs()
    with contextlib.ExitStack() as stack:
        pools = {n: stack.enter_context(ctx.Pool(n)) for n in workers}

        def on_pool(n: int) -> None:
            done = pools[n].map(count_and_time, slices, chunksize=1)
            assert [count for count, _ in done] == expected
            work_cpu[n].append(sum(cpu for _, cpu in done))

        runs = {"plain loop": plain_loop}
        runs |= {str(n): lambda n=n: on_pool(n) for n in workers}
        compared = measure.compare(runs, repeats=REPEATS)
    taken = others()  # the share of the CPUs' time other programs took meanwhile
    baseline = compared.pop("plain loop")
    timings = {int(n): timing for n, timing in compared.items()}
    # --8<-- [end:timing]

    # Per round (the warm-up round's CPU times come first, and are dropped).
    plain_cpu = work_cpu["plain loop"][-REPEATS:]
    ratios = {n: measure.speedup(baseline, timings[n]) for n in workers}
    busy = {
        n: [
            w / t
            for w, t in zip(work_cpu[n][-REPEATS:], timings[n].samples, strict=True)
        ]
        for n in workers
    }
    slower = {
        n: [w / p for w, p in zip(work_cpu[n][-REPEATS:], plain_cpu, strict=True)]
        for n in workers
    }
    on_cpu = [p / t for p, t in zip(plain_cpu, baseline.samples, strict=True)]
    fits = []
    if cpus >= 3:  # at least two runs with n > 1 to fit a line to
        fits = [
            fit_parallel_fraction(
                [(n, ratios[n].samples[r]) for n in workers if 1 < n <= cpus]
            )
            for r in range(REPEATS)
        ]
    p = statistics.median(fits) if fits else None
    ideal = [float(min(n, cpus)) for n in workers]
    fitted = [amdahl(p, min(n, cpus)) for n in workers] if p is not None else []

    rows = [
        [
            "plain loop (baseline)",
            baseline.cell(3),
            "1.00",
            "1.00",
            cell(on_cpu),
            "1.00",
        ]
    ]
    for i, n in enumerate(workers):
        rows.append(
            [
                f"{n} worker{'s' if n > 1 else ''}",
                timings[n].cell(3),
                ratios[n].cell(),
                f"{ideal[i]:.2f}",
                cell(busy[n]),
                cell(slower[n]),
            ]
            + ([f"{fitted[i]:.2f}"] if fitted else [])
        )
    headers = [
        "Run",
        "Seconds",
        "Speed-up",
        "Ideal: min(n, CPUs)",
        "CPUs busy with the work",
        "Work's CPU time against the plain loop's",
    ]
    measure.report(
        measure.table(
            headers + (["Amdahl: S(min(n, CPUs)) with the fitted p"] if fitted else []),
            rows,
            caption=f"Counting primes in {SLICES} slices of {WIDTH} numbers "
            f"from {FIRST:,}; every run gave the same counts. What to look for: "
            "how close the speed-up column comes to the ideal one up to "
            f"{cpus} workers, one per usable CPU, and that it stops growing "
            "beyond them; then the two columns that say why it falls short: CPUs "
            "left without work (busy below the ideal) and CPUs that did the same "
            "work more slowly (CPU time above 1). Speed-up = busy ÷ CPU time, "
            "divided by the plain loop's busy figure.",
        ),
        repeats=REPEATS,
        statistic="median (min–max) seconds, runs interleaved; speed-ups per "
        "round, as their median (slowest–fastest round); busy and CPU time per "
        "round, as their median (range)",
        start_method=START_METHOD,
        others=taken,
        values={
            "usable_cpus": cpus,
            "speedup_one_worker": ratios[1],
            "speedup_all_cpus": ratios[cpus],
            # per round: the pools with more workers than CPUs, on average
            "speedup_beyond": measure.Ratio(
                tuple(
                    statistics.mean(ratios[n].samples[r] for n in workers if n > cpus)
                    for r in range(REPEATS)
                )
            ),
            "busy_all_cpus": busy[cpus],
            "work_cpu_all_cpus": slower[cpus],
            "plain_on_cpu": on_cpu,
        },
    )
    print()
    explain_amdahl(cpus, ratios, fits)
    print()
    medians = [ratios[n].median for n in workers]
    print(plot(workers, medians, ideal, fitted, cpus))


def cell(samples: list[float]) -> str:
    """``median (min–max)`` of per-round figures, two decimals."""
    return measure.Ratio(tuple(samples)).cell().replace("x", "", 1)


def explain_amdahl(
    cpus: int, ratios: dict[int, measure.Ratio], fits: list[float]
) -> None:
    """What Amdahl's law can and cannot say from these runs."""
    if cpus < 2:
        print("With one usable CPU there is nothing to fit: every n is n = 1.")
        return
    if not fits:
        solved = [2 * (1 - 1 / s) for s in ratios[2].samples]
        print(
            f"Amdahl's law, with {cpus} usable CPUs: only the 2-worker run says "
            "anything about p (one worker has 1 - 1/n = 0), and its one ratio "
            f"gives p = 2 (1 - 1/S(2)) = {statistics.median(solved):.2f} "
            f"({min(solved):.2f}–{max(solved):.2f} over the rounds). That restates "
            "the measured speed-up: one point fixes the curve, so it tests nothing "
            "and predicts nothing for more CPUs. A machine with 3 or more CPUs "
            "fits p to several runs."
        )
        return
    p = statistics.median(fits)
    print(
        f"Amdahl's law, fitted in each round over 2 to {cpus} workers: p = {p:.3f} "
        f"({min(fits):.3f}–{max(fits):.3f} over the rounds)."
    )
    if max(fits) < 1:
        caps = sorted(1 / (1 - f) for f in fits)
        print(
            "If that serial fraction held on more CPUs than these, the law would cap "
            f"the speed-up at 1 / (1 - p) = {1 / (1 - p):.1f} ({caps[0]:.1f}–"
            f"{caps[-1]:.1f}): an extrapolation beyond the {cpus} CPUs measured, "
            "not a measurement."
        )
    else:
        print(
            "In some rounds p ≥ 1 (a speed-up at or above the ideal, within the "
            "noise), so these runs set no cap."
        )


if __name__ == "__main__":
    main()
