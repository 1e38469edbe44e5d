"""A toy event loop built from generators and ``selectors``, to show the mechanism.

Each task is a generator. It runs until it yields a request to the loop, and the
loop resumes it when the request is met:

- ``("sleep", seconds)``: resume after that long (a heap of timers, soonest first);
- ``("read", sock)``: resume when ``sock`` has data (the selector watches it).

One turn of the loop runs every task that is ready, then blocks in the selector
until a watched socket is readable or the soonest timer is due, then moves what
became ready to the ready queue. The loop ends when nothing is ready, no timer is
pending and no socket is watched. asyncio's loop works the same way, with
callbacks instead of bare generators and many more kinds of request.
"""

import heapq
import itertools
import selectors
import socket
import time
from collections import deque
from collections.abc import Generator
from typing import Any

Task = Generator[tuple[str, Any], None, object]


# --8<-- [start:loop]
class ToyLoop:
    def __init__(self) -> None:
        self.ready: deque[Task] = deque()  # tasks to resume on this turn
        self.timers: list[tuple[float, int, Task]] = []  # (due, tie-breaker, task)
        self.selector = selectors.DefaultSelector()
        self.order = itertools.count()  # equal deadlines resume in creation order
        self.start = time.monotonic()
        self.turns = 0

    def log(self, text: str) -> None:
        print(f"{time.monotonic() - self.start:6.3f} s  {text}")

    def spawn(self, task: Task) -> None:
        self.ready.append(task)

    def step(self, task: Task) -> None:
        """Resume one task until its next request; file the request."""
        try:
            kind, argument = task.send(None)
        except StopIteration as stop:
            self.log(f"[loop] {task.__name__} finished, returned {stop.value!r}")
            return
        except Exception as error:  # the task ends; the loop carries on
            self.log(f"[loop] {task.__name__} ended with {error!r}")
            return
        if kind == "sleep":
            due = time.monotonic() + argument
            heapq.heappush(self.timers, (due, next(self.order), task))
        elif kind == "read":
            self.selector.register(argument, selectors.EVENT_READ, task)
        else:
            task.close()
            self.log(f"[loop] {task.__name__} asked for {kind!r}; closed it")

    def run(self) -> None:
        while self.ready or self.timers or self.selector.get_map():
            self.turns += 1
            for _ in range(len(self.ready)):  # only what was ready when the turn began
                self.step(self.ready.popleft())
            if self.timers:
                timeout = max(0.0, self.timers[0][0] - time.monotonic())
            else:
                timeout = None  # only sockets left: wait as long as it takes
            if self.selector.get_map():
                for key, _events in self.selector.select(timeout):
                    self.selector.unregister(key.fileobj)
                    self.ready.append(key.data)
            elif timeout:
                time.sleep(timeout)  # no socket to watch, only a timer
            now = time.monotonic()
            while self.timers and self.timers[0][0] <= now:
                self.ready.append(heapq.heappop(self.timers)[2])
        self.selector.close()
        self.log(
            f"[loop] nothing ready, no timers, no sockets: stopped after "
            f"{self.turns} turns"
        )


# --8<-- [end:loop]


def ticker(loop: ToyLoop, times: int, every: float) -> Task:
    for n in range(1, times + 1):
        yield ("sleep", every)
        loop.log(f"ticker: tick {n}")
    return times


def reader(loop: ToyLoop, sock: socket.socket) -> Task:
    loop.log("reader: waiting for data")
    yield ("read", sock)
    data = sock.recv(1024)
    loop.log(f"reader: received {data!r}")
    return len(data)


def writer(loop: ToyLoop, sock: socket.socket, after: float) -> Task:
    yield ("sleep", after)
    sock.sendall(b"ping")
    loop.log("writer: sent b'ping'")
    return "sent"


def faulty(loop: ToyLoop) -> Task:
    yield ("sleep", 0.05)
    loop.log("faulty: about to raise")
    raise ValueError("faulty gave up")


def main() -> None:
    loop = ToyLoop()
    left, right = socket.socketpair()  # two connected sockets, no network involved
    with left, right:
        loop.spawn(ticker(loop, times=3, every=0.1))
        loop.spawn(reader(loop, left))
        loop.spawn(writer(loop, right, after=0.25))
        loop.spawn(faulty(loop))
        loop.run()


if __name__ == "__main__":
    main()
