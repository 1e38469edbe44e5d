"""Real HTTP requests to a local server: sequential, threads, asyncio and processes.

The program starts an HTTP server in a child process, bound to 127.0.0.1 on a
port the operating system picks (port 0). Its one endpoint answers after a fixed
delay, like a slow backend. The same batch of requests then goes to it four
ways, all with the httpx library:

- one after another, with one ``httpx.Client``;
- from a ``ThreadPoolExecutor``, all threads sharing one ``httpx.Client``;
- from asyncio tasks, all sharing one ``httpx.AsyncClient`` for the whole run;
- from a ``ProcessPoolExecutor``, each worker process with its own ``httpx.Client``.

Every client has explicit timeouts and ignores proxy settings from the
environment, so nothing leaves 127.0.0.1. Each variant first creates its client
and pool and runs one untimed batch; that first batch pays for starting threads,
worker processes and connections, and the table reports what it cost beyond a
warm batch. The warm batches of the four variants then take turns, round after
round (measure.compare), and each batch also records the client's CPU time: this
process's (all its threads) plus, for the process pool, each worker's. With the
GIL, threads and the event loop do that CPU work one request at a time; worker
processes do it on several CPUs at once. At the end the server reports how many
requests it answered and from which addresses, and stops; the pools and the
server process are joined before the program exits.

The start method for the server and the worker processes is ``forkserver`` where
the platform has it, otherwise ``spawn``; name another on the command line, for
example ``python 11_local_http_benchmark.py fork``.
"""

import asyncio
import http.server
import multiprocessing
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import measure

# forkserver where the platform has it, else spawn (docs: Start methods);
# a command-line argument picks another: fork, spawn or forkserver.
DEFAULT_METHOD = (
    "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
)
START_METHOD = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_METHOD
REQUESTS = 20  # per run
DELAY = 0.08  # seconds the endpoint waits before answering
REPEATS = 3
TIMEOUT = httpx.Timeout(10.0)  # connect, read, write and pool-wait limits, seconds


# --- the server (runs in a child process) ------------------------------------------


class SlowHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse their connections
    # Headers and body go out as two small writes; without TCP_NODELAY, Nagle's
    # algorithm holds the second until the client's delayed ACK arrives.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        time.sleep(self.server.delay)  # the slow backend
        self.server.record(self.client_address[0])  # before the client can see it
        body = b"ok\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass  # no access log on the page


class SlowServer(http.server.ThreadingHTTPServer):
    request_queue_size = 128  # listen backlog: room for every client connecting at once

    def __init__(self, delay: float) -> None:
        super().__init__(("127.0.0.1", 0), SlowHandler)  # port 0: the OS picks one
        self.delay = delay
        self.answered = 0
        self.peers: set[str] = set()
        self.lock = threading.Lock()

    def record(self, peer: str) -> None:
        with self.lock:
            self.answered += 1
            self.peers.add(peer)


def serve(delay: float, control) -> None:
    """Child process: send the port, serve until told to stop, send what it saw."""
    with SlowServer(delay) as server:
        control.send(server.server_address[1])
        serving = threading.Thread(target=server.serve_forever)
        serving.start()
        control.recv()  # blocks until the parent says stop
        server.shutdown()
        serving.join()
        control.send((server.answered, sorted(server.peers)))


# --- the four clients ---------------------------------------------------------------


def sync_client() -> httpx.Client:
    return httpx.Client(timeout=TIMEOUT, trust_env=False)


def get_ok(client: httpx.Client, url: str) -> int:
    response = client.get(url)
    response.raise_for_status()
    return response.status_code


# --8<-- [start:variants]
# Each variant opens its client (and pool) on ``stack``, which closes them at the
# end, and returns one batch: REQUESTS GETs, checked. A batch returns the CPU
# seconds its requests took in other processes (only the process pool has any).
def sequential(stack: ExitStack, url: str) -> Callable[[], float]:
    client = stack.enter_context(sync_client())

    def batch() -> float:
        assert [get_ok(client, url) for _ in range(REQUESTS)] == [200] * REQUESTS
        return 0.0

    return batch


def with_threads(stack: ExitStack, url: str) -> Callable[[], float]:
    client = stack.enter_context(sync_client())
    pool = stack.enter_context(ThreadPoolExecutor(REQUESTS))

    def batch() -> float:
        codes = pool.map(get_ok, [client] * REQUESTS, [url] * REQUESTS)
        assert list(codes) == [200] * REQUESTS
        return 0.0

    return batch


def with_asyncio(stack: ExitStack, url: str) -> Callable[[], float]:
    """Every batch runs on one event loop (``asyncio.Runner``) with one client."""
    runner = stack.enter_context(asyncio.Runner())
    client = httpx.AsyncClient(timeout=TIMEOUT, trust_env=False)
    stack.callback(lambda: runner.run(client.aclose()))  # before the loop closes

    async def get() -> int:
        response = await client.get(url)
        response.raise_for_status()
        return response.status_code

    async def requests() -> list[int]:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(get()) for _ in range(REQUESTS)]
        return [task.result() for task in tasks]

    def batch() -> float:
        assert runner.run(requests()) == [200] * REQUESTS
        return 0.0

    return batch


worker_client: httpx.Client | None = None  # one per worker process


def start_worker() -> None:
    global worker_client
    worker_client = sync_client()  # its connections close when the worker exits


def get_in_worker(url: str) -> tuple[int, float]:
    """The status, and the CPU time this worker spent on the request."""
    cpu = time.thread_time()
    return get_ok(worker_client, url), time.thread_time() - cpu


def with_processes(stack: ExitStack, url: str) -> Callable[[], float]:
    context = multiprocessing.get_context(START_METHOD)
    pool = stack.enter_context(
        ProcessPoolExecutor(REQUESTS, mp_context=context, initializer=start_worker)
    )

    def batch() -> float:
        done = list(pool.map(get_in_worker, [url] * REQUESTS))
        assert [code for code, _ in done] == [200] * REQUESTS
        return sum(cpu for _, cpu in done)

    return batch


# --8<-- [end:variants]


VARIANTS = {
    "one after another": ("sequential", sequential, 1),
    f"threads (`ThreadPoolExecutor`, {REQUESTS} threads)": (
        "threads",
        with_threads,
        REQUESTS,
    ),
    "asyncio (one `AsyncClient`, a task per request)": (
        "asyncio",
        with_asyncio,
        REQUESTS,
    ),
    f"processes (`ProcessPoolExecutor`, {REQUESTS} workers)": (
        "processes",
        with_processes,
        REQUESTS,
    ),
}


LOOK_FOR = (
    "What to look for: the speed-up column, where overlapping the waits pays; the "
    "client's CPU time per request, the work that threads and the event loop do one "
    "request at a time (with the GIL) and processes spread over the CPUs; then the "
    "last column, the price of a variant's machinery. The first batch of each "
    "variant includes creating its client and pool (threads, worker processes, "
    "connections); its time minus a warm batch's median is that set-up. Sequential "
    "starts nothing but one connection, so its figure is mostly the noise of the "
    "measurement: read the other rows against it."
)


def main() -> None:
    context = multiprocessing.get_context(START_METHOD)
    control, child_end = context.Pipe()
    server = context.Process(target=serve, args=(DELAY, child_end))
    server.start()
    try:
        url = f"http://127.0.0.1:{control.recv()}/slow"
        with ExitStack() as stack:
            batches, firsts, cpu = {}, {}, {label: [] for label in VARIANTS}
            for label, (_, open_variant, _) in VARIANTS.items():
                started = time.perf_counter()
                batch = open_variant(stack, url)
                batch()  # the first batch: threads, workers and connections start
                firsts[label] = time.perf_counter() - started

                def timed(batch=batch, log=cpu[label]) -> None:
                    before = time.process_time()  # every thread of this process
                    elsewhere = batch()
                    log.append(time.process_time() - before + elsewhere)

                batches[label] = timed
            others = measure.watch_other_programs()  # the client's CPU work needs CPUs
            timings = measure.compare(batches, repeats=REPEATS, warmup=0)
            taken = others()
    finally:
        control.send("stop")
        answered, peers = control.recv()
        server.join()

    base = timings["one after another"]
    rows, values = [], {"delay": DELAY, "requests": REQUESTS}
    for label, (short, _, at_once) in VARIANTS.items():
        timing, speedup = timings[label], measure.speedup(base, timings[label])
        per_request = [seconds / REQUESTS for seconds in cpu[label]]
        setup = firsts[label] - timing.median
        rows.append(
            [
                label,
                at_once,
                timing.cell(3),
                f"{REQUESTS / timing.median:.0f}",
                speedup.cell(1),
                measure.Timing(tuple(x * 1000 for x in per_request)).cell(2),
                f"{setup:.3f}",
            ]
        )
        values |= {
            f"batch_{short}": timing,
            f"cpu_per_request_{short}": per_request,
            f"setup_{short}": setup,
        }
        if short != "sequential":
            values[f"speedup_{short}"] = speedup
    values["processes_over_threads"] = measure.speedup(
        timings[next(k for k in VARIANTS if k.startswith("threads"))],
        timings[next(k for k in VARIANTS if k.startswith("processes"))],
    )
    measure.report(
        measure.table(
            [
                f"{REQUESTS} GET requests, {DELAY * 1000:g} ms server delay",
                "In flight at once",
                "Batch time (s)",
                "Requests/s",
                "Speed-up",
                "Client CPU per request (ms)",
                "Set-up: first batch minus median batch (s)",
            ],
            rows,
            caption=LOOK_FOR,
        ),
        repeats=REPEATS,
        statistic=(
            "batches interleaved; batch time and client CPU: median (min–max); "
            "requests/s from the median; speed-up per round of batches, as their "
            f"median (slowest–fastest round); httpx {httpx.__version__}"
        ),
        start_method=START_METHOD,
        others=taken,
        values=values,
    )
    expected = len(VARIANTS) * REQUESTS * (1 + REPEATS)
    print(
        f"\nThe server answered {answered} requests (expected {expected}), "
        f"from these addresses: {', '.join(peers)}."
    )
    print(
        f"Server process exit code: {server.exitcode}; "
        f"child processes still running: {len(multiprocessing.active_children())}."
    )


if __name__ == "__main__":
    main()
