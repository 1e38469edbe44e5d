"""``asyncio.shield``: the caller is cancelled, the work it waited for is not.

A handler starts a save and waits for it. When the handler is cancelled (a client
went away, a timeout passed), an ordinary ``await`` passes the cancellation on to the
save, which stops half done. Awaited through ``asyncio.shield``, the save is not
touched: the handler still gets ``CancelledError`` at once, and the save finishes
on its own, which is why the program keeps a reference to it and awaits it later.
"""

import asyncio


# --8<-- [start:shield]
async def save(log) -> str:
    log("save: starts writing")
    try:
        await asyncio.sleep(0.2)  # the write takes a while
    except asyncio.CancelledError:
        log("save: cancelled half way, nothing written")
        raise
    log("save: written")
    return "saved"


async def handler(saving: asyncio.Task, shielded: bool, log) -> str:
    try:
        if shielded:
            return await asyncio.shield(saving)
        return await saving
    except asyncio.CancelledError:
        log("handler: cancelled while it waited for the save")
        raise


async def run(shielded: bool) -> list[str]:
    lines: list[str] = []
    saving = asyncio.create_task(save(lines.append))  # a reference we keep
    handling = asyncio.create_task(handler(saving, shielded, lines.append))
    await asyncio.sleep(0.05)
    handling.cancel()  # the request is abandoned half way through the save
    await asyncio.wait([handling], timeout=5)
    lines.append(f"main: handler cancelled? {handling.cancelled()}")
    try:
        async with asyncio.timeout(5):
            lines.append(f"main: the save's own result: {await saving!r}")
    except asyncio.CancelledError:
        lines.append("main: the save was cancelled with the handler")
    return lines


# --8<-- [end:shield]


def main() -> None:
    for shielded in (False, True):
        print("await asyncio.shield(saving):" if shielded else "await saving:")
        for line in asyncio.run(run(shielded)):
            print(f"  {line}")


if __name__ == "__main__":
    main()
