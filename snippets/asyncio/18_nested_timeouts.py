"""Nested ``asyncio.timeout()`` scopes: each one answers only for its own deadline.

A timeout cancels its task when its deadline passes, and turns the
``CancelledError`` into ``TimeoutError`` where its own block ends; every other
scope lets the ``CancelledError`` pass through. So with a short inner deadline the
inner block raises ``TimeoutError`` and the outer block carries on; with a short
outer deadline the cancellation passes through the inner block untouched and the
outer one raises. ``expired()`` (Python 3.11+) says which deadline passed, and
``Task.cancelling()`` counts the cancellation requests still pending.
"""

import asyncio


# --8<-- [start:nested]
async def nested(outer_delay: float, inner_delay: float) -> list[str]:
    lines: list[str] = []
    me = asyncio.current_task()
    try:
        async with asyncio.timeout(outer_delay) as outer:
            try:
                async with asyncio.timeout(inner_delay) as inner:
                    await asyncio.sleep(10)  # the work: longer than both deadlines
            except TimeoutError:
                lines.append("inner block raised TimeoutError; the outer goes on")
            except asyncio.CancelledError:
                lines.append("inner block: CancelledError passed through it")
                raise
            finally:
                lines.append(f"inner.expired() = {inner.expired()}")
            await asyncio.sleep(0.01)  # still inside the outer block: not cancelled
            lines.append(f"after the inner block, cancelling() = {me.cancelling()}")
    except TimeoutError:
        lines.append("outer block raised TimeoutError")
    lines.append(f"outer.expired() = {outer.expired()}")
    lines.append(f"at the end, cancelling() = {me.cancelling()}")
    return lines


# --8<-- [end:nested]


def main() -> None:
    for title, outer_delay, inner_delay in [
        ("inner deadline first (outer 1 s, inner 0.05 s):", 1.0, 0.05),
        ("outer deadline first (outer 0.05 s, inner 1 s):", 0.05, 1.0),
    ]:
        print(title)
        for line in asyncio.run(nested(outer_delay, inner_delay)):
            print(f"  {line}")


if __name__ == "__main__":
    main()
