"""Logging from several processes into one file: QueueHandler + QueueListener.

Several processes appending to one log file is not supported by ``logging``:
their writes can interleave or be lost. Instead, each worker sends its records
through a ``multiprocessing.Queue`` (``QueueHandler``), and one listener thread
in the main process (``QueueListener``) writes them all with one
``FileHandler``. The log directory is relative and can be given as the first
argument (default ``logs``).
"""

import logging
import multiprocessing
import sys
import time
from logging.handlers import QueueHandler, QueueListener
from pathlib import Path


# --8<-- [start:worker]
def send_logs_to(queue) -> None:
    """Pool initializer: this worker's records go to the queue, nowhere else."""
    root = logging.getLogger()
    root.handlers.clear()  # with fork, the parent's handlers were copied in
    root.addHandler(QueueHandler(queue))
    root.setLevel(logging.INFO)


# --8<-- [end:worker]


def job(n: int) -> int:
    log = logging.getLogger("jobs")
    log.info("job %d started", n)
    time.sleep(0.05)  # spread the jobs over the workers
    result = sum(i * i for i in range(n * 1000))
    log.info("job %d finished: %d", n, result)
    return result


def main() -> None:
    log_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "logs")
    log_dir.mkdir(parents=True, exist_ok=True)
    log_file = log_dir / "jobs.log"

    # --8<-- [start:listener]
    ctx = multiprocessing.get_context()  # any start method works
    queue = ctx.Queue()
    file_handler = logging.FileHandler(log_file, mode="w", encoding="utf-8")
    file_handler.setFormatter(
        logging.Formatter("%(processName)-22s pid=%(process)-6d %(name)s: %(message)s")
    )
    listener = QueueListener(queue, file_handler)
    # Start the workers before any thread of ours runs (the listener's, or the
    # queue's feeder thread): forking a process that has threads is unsafe.
    with ctx.Pool(3, initializer=send_logs_to, initargs=(queue,)) as pool:
        listener.start()
        try:
            send_logs_to(queue)  # the main process logs through the queue too
            main_log = logging.getLogger("main")
            main_log.info("3 workers started (%s)", ctx.get_start_method())
            results = pool.map(job, range(6), chunksize=1)
            # close() + join(), not terminate(): a worker's last records may still
            # be in its queue buffer, and it flushes them when it exits normally.
            pool.close()
            pool.join()
            main_log.info("all jobs done: %s", results)
        finally:
            listener.stop()  # writes whatever is still queued, then stops
            file_handler.close()
    # --8<-- [end:listener]

    print(f"--- {log_file} ---")
    print(log_file.read_text(encoding="utf-8"), end="")


if __name__ == "__main__":
    main()
