"""How a Task drives its coroutine: one ``send()`` or ``throw()`` per step.

``StepTask`` does, in a few lines, what ``asyncio.Task`` does for every coroutine
(the real one is in Lib/asyncio/tasks.py, ``Task.__step``). Each step resumes the
coroutine with ``coro.send(None)``, or with ``coro.throw(error)`` when what it waited
for failed or the task was cancelled, and looks at what the coroutine yielded:

- a Future: wait for it, by adding a done callback that runs the next step;
- ``None`` (a bare yield, as ``asyncio.sleep(0)`` does): run the next step on the
  loop's next turn;
- ``StopIteration``: the coroutine returned, and that is the task's result.

The same coroutine then runs as a real ``asyncio.Task``, and prints the same lines.
"""

import asyncio


# --8<-- [start:task]
class StepTask:
    def __init__(self, coroutine, log) -> None:
        self.coroutine, self.log = coroutine, log
        self.loop = asyncio.get_running_loop()
        self.result = self.loop.create_future()  # what awaiting this task gives
        self.waiting_on: asyncio.Future | None = None
        self.steps = 0
        self.loop.call_soon(self.step, None)  # the first step, on the next turn

    def step(self, error: BaseException | None) -> None:
        self.steps += 1
        how = "send(None)" if error is None else f"throw({type(error).__name__}())"
        try:
            if error is None:
                yielded = self.coroutine.send(None)
            else:
                yielded = self.coroutine.throw(error)
        except StopIteration as stop:
            self.log(f"[task] step {self.steps}: {how} -> returned {stop.value!r}")
            self.result.set_result(stop.value)
            return
        except asyncio.CancelledError:
            self.log(f"[task] step {self.steps}: {how} -> raised CancelledError")
            self.result.cancel()  # the task ends cancelled
            return
        except Exception as exc:
            self.log(f"[task] step {self.steps}: {how} -> raised {exc!r}")
            self.result.set_exception(exc)
            return
        if asyncio.isfuture(yielded):
            self.log(f"[task] step {self.steps}: {how} -> waits for a Future")
            self.waiting_on = yielded
            yielded.add_done_callback(self.wake_up)
        else:  # None: a bare yield
            self.log(f"[task] step {self.steps}: {how} -> yielded None, next turn")
            self.loop.call_soon(self.step, None)

    def wake_up(self, future: asyncio.Future) -> None:
        self.waiting_on = None
        try:
            future.result()  # Future.__await__ reads the value itself
        except BaseException as error:  # it failed, or was cancelled
            self.step(error)  # ...so the error is thrown in where the coroutine waits
        else:
            self.step(None)

    def cancel(self) -> None:
        if self.waiting_on is not None:
            self.waiting_on.cancel()  # wake_up then throws CancelledError

    def __await__(self):  # awaiting a StepTask awaits its result
        return self.result.__await__()


# --8<-- [end:task]


# --8<-- [start:job]
async def job(log) -> str:
    log("job: starts")
    await asyncio.sleep(0)  # a bare yield: give the loop one turn
    reply = await asyncio.sleep(0.02, result="a reply")  # waits for a Future
    log(f"job: got {reply!r}")
    try:
        await asyncio.sleep(10)  # waits for a Future; cancelled while it waits
    finally:
        log("job: its finally runs")
    return "never returned"


# --8<-- [end:job]


async def run(make_task) -> list[str]:
    lines: list[str] = []
    task = make_task(job(lines.append), lines.append)
    await asyncio.sleep(0.1)  # job is now in its sleep(10)
    task.cancel()
    try:
        async with asyncio.timeout(5):
            await task
    except asyncio.CancelledError:
        lines.append("awaiting the task raised CancelledError")
    return lines


def main() -> None:
    print("StepTask, a Task in a few lines:")
    for line in asyncio.run(run(StepTask)):
        print(f"  {line}")
    print("asyncio.Task, the same job (the lines of the job only):")
    for line in asyncio.run(run(lambda coroutine, log: asyncio.create_task(coroutine))):
        print(f"  {line}")


if __name__ == "__main__":
    main()
