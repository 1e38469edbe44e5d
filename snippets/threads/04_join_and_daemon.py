"""join(), join(timeout=...), and what daemon threads do (and do not do) at exit.

``join()`` waits for a thread; ``join(timeout)`` gives up waiting but leaves the
thread running, so check ``is_alive()``. When ``main()`` returns, Python waits for
every non-daemon thread. Daemon threads are simply stopped: their ``finally``
blocks never run, so never give a daemon thread work that must be finished.
"""

import threading
import time

T0 = time.perf_counter()


def say(text: str) -> None:
    print(f"{time.perf_counter() - T0:5.2f} s  {text}")


def slow_job() -> None:
    time.sleep(0.6)
    say("slow job: finished (a non-daemon thread, so Python waited for it)")


def background_flush(done_talking: threading.Event) -> None:
    try:
        say("daemon: started")
        done_talking.set()
        threading.Event().wait()  # waits forever, like a loop polling for work
    finally:
        say("daemon: cleaning up")  # never printed


def main() -> None:
    done_talking = threading.Event()
    threading.Thread(target=background_flush, args=(done_talking,), daemon=True).start()
    done_talking.wait()

    job = threading.Thread(target=slow_job)
    job.start()
    job.join(timeout=0.2)
    say(f"join(timeout=0.2) returned; is the slow job alive? {job.is_alive()}")
    say("main() returns now")


if __name__ == "__main__":
    main()
