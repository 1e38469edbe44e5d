"""Python 3.14 deprecates asyncio's event-loop policies; choose a loop directly.

A *policy* was a process-wide object that created event loops and tracked "the
current loop" per thread. Code used it to swap in another loop implementation:
``asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())``, or Windows'
``WindowsSelectorEventLoopPolicy``. Python 3.14 deprecates the whole system
(``get_event_loop_policy``, ``set_event_loop_policy`` and the policy classes)
for removal in 3.16. The replacement is a *loop factory*: a callable that
returns a new loop, passed to ``asyncio.Runner`` (3.11+) or ``asyncio.run``
(3.12+).

The program calls ``get_event_loop_policy()`` with every warning recorded and
prints what this interpreter said, then runs a coroutine on a loop of its
choosing without touching any policy.
"""

import asyncio
import inspect
import platform
import warnings


async def which_loop() -> str:
    return type(asyncio.get_running_loop()).__name__


def main() -> None:
    version = platform.python_version()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        asyncio.get_event_loop_policy()
    deprecations = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    if deprecations:
        print(f"Python {version}: get_event_loop_policy() warned:")
        for warning in deprecations:
            print(f"  DeprecationWarning: {warning.message}")
    else:
        print(
            f"Python {version}: get_event_loop_policy() gave no DeprecationWarning "
            "(the deprecation starts in 3.14)"
        )

    # The way that works on 3.11 and later, and keeps working after 3.16:
    with asyncio.Runner(loop_factory=asyncio.SelectorEventLoop) as runner:
        print(
            f"Runner(loop_factory=SelectorEventLoop) ran on: {runner.run(which_loop())}"
        )
    if "loop_factory" in inspect.signature(asyncio.run).parameters:
        name = asyncio.run(which_loop(), loop_factory=asyncio.SelectorEventLoop)
        print(f"asyncio.run(..., loop_factory=SelectorEventLoop) ran on: {name}")
    else:
        print(f"Python {version}: asyncio.run() has no loop_factory (added in 3.12)")


if __name__ == "__main__":
    main()
