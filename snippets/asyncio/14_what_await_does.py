"""What ``await`` does with an object: it calls the object's ``__await__``.

``await x`` asks ``x`` for an iterator, ``x.__await__()``, and runs it. Whatever that
iterator yields goes straight up the chain of awaiting coroutines to whoever is
driving the outermost one (in asyncio, a Task); whatever is sent back comes down
the same chain to the iterator; and the value the iterator returns is the value of
the ``await`` expression. A coroutine object is itself such an awaitable.

No event loop runs in this program: ``main()`` drives the coroutines by hand with
``send()``, as a Task would, to show each of those steps.
"""


# --8<-- [start:awaitables]
class Ready:
    """Its __await__ returns at once: awaiting it never pauses."""

    def __await__(self):
        return "ready at once"
        yield  # never reached, but it makes __await__ a generator


class AskTheDriver:
    """Its __await__ yields a request once, then returns what was sent back."""

    def __init__(self, request: str) -> None:
        self.request = request

    def __await__(self):
        reply = yield self.request  # up the whole chain, to whoever calls send()
        return f"the driver replied {reply!r}"


async def inner() -> str:
    return await AskTheDriver("wake me with a number")


async def outer() -> str:
    answer = await inner()  # a coroutine is an awaitable too
    return f"outer got: {answer}"


# --8<-- [end:awaitables]


def run_to_the_end(coroutine) -> object:
    """Drive a coroutine that never pauses: its first send() already finishes it."""
    try:
        coroutine.send(None)
    except StopIteration as stop:
        return stop.value
    raise AssertionError("the coroutine paused")


async def awaits_ready() -> str:
    return await Ready()


async def awaits_a_number() -> None:
    await 42  # an int has no __await__


# --8<-- [start:drive]
def main() -> None:
    print("1. await Ready(): __await__ returns at once, nothing is yielded")
    value = run_to_the_end(awaits_ready())
    print(f"   the first send(None) finished the coroutine: {value!r}")

    print("2. await outer(), which awaits inner(), which awaits AskTheDriver(...)")
    coroutine = outer()
    request = coroutine.send(None)  # runs until something yields
    print(
        f"   send(None) returned what __await__ yielded, two awaits deep: {request!r}"
    )
    try:
        coroutine.send(42)  # resumes it: 42 goes down to the yield
    except StopIteration as stop:
        print(f"   send(42) finished it; StopIteration.value = {stop.value!r}")

    print("3. await 42")
    try:
        run_to_the_end(awaits_a_number())
    except TypeError as error:
        print(f"   TypeError: {error}")


# --8<-- [end:drive]

if __name__ == "__main__":
    main()
