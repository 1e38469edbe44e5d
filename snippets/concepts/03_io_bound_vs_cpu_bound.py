"""I/O-bound or CPU-bound? Compare the CPU time a task uses with the time it takes."""

import time


def wait_for_reply() -> None:
    time.sleep(0.2)  # stands in for a slow server: the CPU has nothing to do


def compute() -> None:
    sum(i * i for i in range(2_000_000))


def main() -> None:
    for name, task in [("wait for a reply", wait_for_reply), ("compute", compute)]:
        wall, cpu = time.perf_counter(), time.process_time()
        task()
        share = (time.process_time() - cpu) / (time.perf_counter() - wall)
        kind = "CPU-bound" if share > 0.5 else "I/O-bound"
        print(f"{name:<16} CPU share {share:.2f}: {kind}")


if __name__ == "__main__":
    main()
