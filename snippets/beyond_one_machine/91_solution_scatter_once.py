"""Exercise solution: send a large list to the workers once, with scatter.

Passed by value, a task's argument travels with the task: twenty tasks that take
the same large list carry twenty copies of it to the workers, and each worker
unpickles every copy it receives. ``client.scatter()`` sends the list to a worker
once and returns a Future; tasks that take the Future get the copy that is already
on a worker, and a worker that does not hold it fetches it once from one that does.

To count the copies, the list travels inside ``Counted``, whose unpickling appends
a line to a file in a scratch directory, naming the process that unpickled it.
The cluster is the chapter's example's own (``start_cluster``): on 127.0.0.1, with
no dashboard and a timeout on every wait. Importing the example also installs its
audit hook, here and in each worker, so any other address would raise.
"""

import importlib
import os
import tempfile
from contextlib import ExitStack
from pathlib import Path

import distributed

# Python puts this file's folder first on sys.path, so its sibling imports by name.
example = importlib.import_module("01_process_pool_vs_local_cluster")
WORKERS = 2
TASKS = 20
ITEMS = 100_000  # a list of this many numbers: a large argument
TIMEOUT = 60  # seconds for each wait


def unpickled(log: str, items: list[int]) -> "Counted":
    """Run wherever a ``Counted`` is unpickled: note which process did it."""
    with open(log, "a", encoding="utf-8") as file:
        file.write(f"{os.getpid()}\n")
    return Counted(log, items)


class Counted:
    """A list that leaves a line in ``log`` each time a process unpickles it."""

    def __init__(self, log: str, items: list[int]) -> None:
        self.log, self.items = log, items

    def __reduce__(self):
        return unpickled, (self.log, self.items)


def total(data: Counted, task: int) -> int:
    return sum(data.items) + task


def unpickled_on_workers(log: Path, worker_pids: set[int]) -> int:
    """How many copies the worker processes unpickled; then start the count again."""
    pids = [int(line) for line in log.read_text(encoding="utf-8").split()]
    log.write_text("", encoding="utf-8")
    return sum(pid in worker_pids for pid in pids)


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch, "unpickled.log")
        log.touch()
        data = Counted(str(log), list(range(ITEMS)))
        expected = [sum(data.items) + task for task in range(TASKS)]
        with ExitStack() as stack:  # closes the client, then the cluster
            client = example.start_cluster(distributed, stack, WORKERS)
            worker_pids = set(client.run(os.getpid).values())
            # --8<-- [start:solution]
            # By value: each task carries its own copy of the list.
            futures = [client.submit(total, data, task) for task in range(TASKS)]
            distributed.wait(futures, timeout=TIMEOUT)
            assert client.gather(futures) == expected
            by_value = unpickled_on_workers(log, worker_pids)

            # Scattered once: each task carries only the Future of the list.
            [remote] = client.scatter([data])
            futures = [client.submit(total, remote, task) for task in range(TASKS)]
            distributed.wait(futures, timeout=TIMEOUT)
            assert client.gather(futures) == expected
            scattered = unpickled_on_workers(log, worker_pids)
            # --8<-- [end:solution]
    print(
        f"{TASKS} tasks on {WORKERS} workers, all given one list of {ITEMS:,} numbers."
    )
    print(f"By value: the workers unpickled the list {by_value} times.")
    print(f"Scattered once: the workers unpickled the list {scattered} times.")


if __name__ == "__main__":
    main()
