"""Exercise solution: a task that fails once succeeds with ``retries=1``.

Dask does not run a task again when it raises: the exception comes back through
its Future. ``client.submit(..., retries=n)`` asks the scheduler to run it up to
n more times, which suits a task that fails for a passing reason. Here the
passing reason is a marker file in a scratch directory: the first attempt creates
it and raises, and any later attempt finds it and succeeds. Each attempt also
leaves a line in a log, so the output shows how many attempts each run made.
The workers' own log of each failure is turned off: the output shows it instead.

The cluster is the chapter's example's own (``start_cluster``): on 127.0.0.1, with
no dashboard and a timeout on every wait. Importing the example also installs its
audit hook, here and in each worker, so any other address would raise.
"""

import importlib
import logging
import tempfile
from contextlib import ExitStack
from pathlib import Path

import distributed

# Python puts this file's folder first on sys.path, so its sibling imports by name.
example = importlib.import_module("01_process_pool_vs_local_cluster")
WORKERS = 2
TIMEOUT = 60  # seconds for each result


# --8<-- [start:solution]
def flaky(scratch: str) -> str:
    """Fail the first time (no marker yet), succeed every time after."""
    with open(Path(scratch, "attempts.log"), "a", encoding="utf-8") as log:
        log.write("attempt\n")
    marker = Path(scratch, "failed-once")
    if not marker.exists():
        marker.touch()
        raise ConnectionError("a passing failure")
    return "done"


def run(client: distributed.Client, retries: int) -> str:
    with tempfile.TemporaryDirectory() as scratch:
        future = client.submit(flaky, scratch, retries=retries, pure=False)
        try:
            outcome = f"succeeded: {future.result(timeout=TIMEOUT)!r}"
        except ConnectionError as error:
            outcome = f"failed: {error!r}"
        attempts = (
            Path(scratch, "attempts.log").read_text(encoding="utf-8").count("attempt")
        )
    return f"retries={retries}: {outcome} after {attempts} attempt(s)"


# --8<-- [end:solution]


def quiet_task_errors() -> None:
    """Run in each worker: the Futures report the failures, so the log need not."""
    logging.getLogger("distributed.worker").setLevel(logging.CRITICAL)


def main() -> None:
    with ExitStack() as stack:  # closes the client, then the cluster
        client = example.start_cluster(distributed, stack, WORKERS)
        client.run(quiet_task_errors)
        print(run(client, retries=0))
        print(run(client, retries=1))


if __name__ == "__main__":
    main()
