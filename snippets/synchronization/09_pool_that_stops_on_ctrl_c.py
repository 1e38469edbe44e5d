"""A thread pool that stops cleanly on Ctrl-C: copy it and put your own work in work().

Each task checks a stop Event between its small steps, so a task that is running
can end early. The main thread waits for results a short step at a time: on POSIX
Ctrl-C would interrupt even a wait without a timeout, but on Windows before Python
3.14 it is the step that lets the main thread notice it. On Ctrl-C the main thread
sets the Event (running tasks stop at their next step), cancels every queued task
with ``shutdown(cancel_futures=True)``, waits for the workers, says what became of
each task and exits with status 130, as a shell reports a program Ctrl-C stopped.
Left alone, it runs every task and exits with status 0.
"""

import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

TASKS, WORKERS = 24, 4
STEP = 0.2  # seconds the main thread waits at a time (the bound on Windows before 3.14)


def work(n: int, stop: threading.Event) -> int | None:
    """One task: ten small steps, or fewer if asked to stop (then it returns None)."""
    for _ in range(10):
        if stop.is_set():
            return None  # release whatever the task holds here, then return
        time.sleep(0.025)  # one step of your work
    return n * n


def main() -> None:
    stop = threading.Event()
    pool = ThreadPoolExecutor(max_workers=WORKERS)
    futures: dict[Future, int] = {pool.submit(work, n, stop): n for n in range(TASKS)}
    pending = set(futures)
    try:
        while pending:
            done, pending = wait(pending, timeout=STEP, return_when=FIRST_COMPLETED)
            for future in done:
                print(f"task {futures[future]}: {future.result()}", flush=True)
    except KeyboardInterrupt:
        print(
            "Ctrl-C: stopping the running tasks, cancelling the queued ones", flush=True
        )
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
        cancelled = sum(future.cancelled() for future in futures)
        stopped = sum(
            not future.cancelled() and future.result() is None for future in futures
        )
        finished = len(futures) - cancelled - stopped
        print(f"{finished} finished, {stopped} stopped early, {cancelled} cancelled")
        sys.exit(130)  # 128 + SIGINT: what a shell reports for a program Ctrl-C ended
    pool.shutdown()
    print(f"all {len(futures)} tasks finished")


if __name__ == "__main__":
    main()
