"""Exercise solution: a pool of eight threads, but at most two downloads per host.

``ThreadPoolExecutor(max_workers=8)`` limits the whole batch. A server that accepts
only two connections per client needs a limit of its own: one BoundedSemaphore per
host. A worker whose host is busy waits at ``acquire`` while the other workers go on
with the other host, so the pool stays busy. Like 04_semaphore_limits.py, the program
measures the peaks instead of assuming them.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

HOSTS = ("a.example", "b.example")
PER_HOST = 2
DOWNLOADS = 16
WORKERS = 8


class Peak:
    """Counts the threads inside a `with` block, and the most seen at once."""

    def __init__(self) -> None:
        self.now = self.most = 0
        self.lock = threading.Lock()

    def __enter__(self) -> None:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)

    def __exit__(self, *exc_info: object) -> None:
        with self.lock:
            self.now -= 1


# --8<-- [start:solution]
limits = {host: threading.BoundedSemaphore(PER_HOST) for host in HOSTS}
per_host = {host: Peak() for host in HOSTS}
in_all = Peak()


def download(n: int) -> str:
    host = HOSTS[n % len(HOSTS)]
    if not limits[host].acquire(timeout=5):
        raise TimeoutError(f"{host}: no connection free for 5 s")
    try:
        with per_host[host], in_all:
            time.sleep(0.05)  # the download itself
    finally:
        limits[host].release()
    return host


def main() -> None:
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        done = list(pool.map(download, range(DOWNLOADS), timeout=10))
    print(f"{len(done)} of {DOWNLOADS} downloads done by {WORKERS} workers")
    for host in HOSTS:
        print(f"  {host}: at most {per_host[host].most} at once (limit {PER_HOST})")
    print(f"  both hosts together: at most {in_all.most} at once")
    # --8<-- [end:solution]


if __name__ == "__main__":
    main()
