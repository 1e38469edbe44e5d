"""Which of the concurrency features this site teaches does this Python have?

Each row names a feature by its real name, the release that added it (from the
Python documentation the row links to), and what this interpreter says: "no" where
the name is missing, or, where a check is cheap, what the feature did when the
program used it. Nothing in the "This Python" column is typed in: it is what
looking the name up, or calling it, gave on the interpreter that ran this.
"""

import asyncio
import contextlib
import inspect
import multiprocessing
import os
import platform
import queue
import sys
import sysconfig
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass

DOCS = "https://docs.python.org/3/"


def has(owner: object, name: str) -> Callable[[], str]:
    return lambda: "yes" if hasattr(owner, name) else "no"


def has_module(name: str) -> Callable[[], str]:
    def check() -> str:
        try:
            __import__(name)
        except ImportError:
            return "no"
        return "yes"

    return check


def has_parameter(function: Callable[..., object], name: str) -> Callable[[], str]:
    def check() -> str:
        try:
            parameters = inspect.signature(function).parameters
        except (TypeError, ValueError):
            return "unknown (no signature)"
        return "yes" if name in parameters else "no"

    return check


# --8<-- [start:probes]
def queue_shutdown() -> str:
    """``Queue.shutdown()``: a ``get()`` after it raises ``ShutDown`` at once."""
    if not hasattr(queue.Queue, "shutdown"):
        return "no"
    waiting = queue.Queue()
    waiting.shutdown()
    try:
        waiting.get(timeout=1)
    except queue.ShutDown:
        return "yes: get() raised ShutDown"
    return "yes, but get() did not raise"


def eager_start() -> str:
    """``eager_start=True``: the body starts before ``create_task`` returns."""
    events: list[str] = []

    async def body() -> None:
        events.append("body")

    async def main() -> bool:
        coroutine = body()
        try:
            task = asyncio.get_running_loop().create_task(coroutine, eager_start=True)
        except TypeError:  # no such keyword before 3.14
            coroutine.close()
            return False
        events.append("after create_task")
        await task
        return True

    if not asyncio.run(main()):
        return "no"
    return "yes: the body ran first" if events[0] == "body" else "accepted, not eager"


# --8<-- [end:probes]


def task_group_cancel() -> str:
    """``TaskGroup.cancel()``: the group ends early, without raising."""
    if not hasattr(asyncio.TaskGroup, "cancel"):
        return "no"

    async def main() -> str:
        async with asyncio.TaskGroup() as group:
            waiting = group.create_task(asyncio.sleep(10))
            group.cancel()
        return "yes: its task was cancelled" if waiting.cancelled() else "yes"

    return asyncio.run(main())


def policy_deprecated() -> str:
    """Event-loop policies: deprecated from 3.14, to go in 3.16."""
    if not hasattr(asyncio, "get_event_loop_policy"):
        return "removed"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        asyncio.get_event_loop_policy()
    warned = any(issubclass(w.category, DeprecationWarning) for w in caught)
    return "deprecated: it warns" if warned else "no warning"


def gil_enabled() -> str:
    if not hasattr(sys, "_is_gil_enabled"):
        return "no"
    return f"yes: {sys._is_gil_enabled()}"


def free_threaded_build() -> str:
    if sysconfig.get_config_var("Py_GIL_DISABLED"):
        return "yes"
    return "no (a build with the GIL)"


def process_cpu_count() -> str:
    if not hasattr(os, "process_cpu_count"):
        return "no"
    return f"yes: {os.process_cpu_count()}"


def interpreters() -> str:
    """``concurrent.interpreters``: make one, run a statement in it, close it."""
    try:
        from concurrent import interpreters
    except ImportError:
        return "no"
    interp = interpreters.create()
    try:
        interp.exec("x = 6 * 7")
    finally:
        interp.close()
    return "yes: one ran a statement"


def default_start_method() -> str:
    return multiprocessing.get_context().get_start_method()


def synchronized_iterators() -> str:
    names = ["serialize_iterator", "synchronized_iterator", "concurrent_tee"]
    found = [name for name in names if hasattr(threading, name)]
    if found == names:
        return "yes"
    return f"only {', '.join(found)}" if found else "no"


def forkserver_on_error() -> str:
    return has_parameter(multiprocessing.set_forkserver_preload, "on_error")()


def thread_context() -> str:
    flag = getattr(sys.flags, "thread_inherit_context", None)
    if flag is None:
        return "no"
    return f"yes: sys.flags.thread_inherit_context = {flag}"


def executor(name: str) -> Callable[[], str]:
    def check() -> str:
        import concurrent.futures

        return "yes" if hasattr(concurrent.futures, name) else "no"

    return check


def pool_method(name: str) -> Callable[[], str]:
    def check() -> str:
        from concurrent.futures import ProcessPoolExecutor

        return "yes" if hasattr(ProcessPoolExecutor, name) else "no"

    return check


def map_buffersize() -> str:
    from concurrent.futures import Executor

    return has_parameter(Executor.map, "buffersize")()


@dataclass(frozen=True)
class Feature:
    name: str  # as the documentation names it
    added: str  # the release that added it, as its documentation says
    docs: str  # under https://docs.python.org/3/
    check: Callable[[], str]  # what this interpreter says


FEATURES = [
    Feature(
        "`asyncio.TaskGroup`",
        "3.11",
        "library/asyncio-task.html#asyncio.TaskGroup",
        has(asyncio, "TaskGroup"),
    ),
    Feature(
        "`asyncio.timeout()`",
        "3.11",
        "library/asyncio-task.html#asyncio.timeout",
        has(asyncio, "timeout"),
    ),
    Feature(
        "`asyncio.eager_task_factory`",
        "3.12",
        "library/asyncio-task.html#asyncio.eager_task_factory",
        has(asyncio, "eager_task_factory"),
    ),
    Feature(
        "`asyncio.run(loop_factory=...)`",
        "3.12",
        "library/asyncio-runner.html#asyncio.run",
        has_parameter(asyncio.run, "loop_factory"),
    ),
    Feature(
        "`queue.Queue.shutdown()`",
        "3.13",
        "library/queue.html#queue.Queue.shutdown",
        queue_shutdown,
    ),
    Feature(
        "`asyncio.Queue.shutdown()`",
        "3.13",
        "library/asyncio-queue.html#asyncio.Queue.shutdown",
        has(asyncio.Queue, "shutdown"),
    ),
    Feature(
        "`os.process_cpu_count()`",
        "3.13",
        "library/os.html#os.process_cpu_count",
        process_cpu_count,
    ),
    Feature(
        "free-threaded build (`Py_GIL_DISABLED`)",
        "3.13",
        "howto/free-threading-python.html",
        free_threaded_build,
    ),
    Feature(
        "`sys._is_gil_enabled()`",
        "3.13",
        "library/sys.html#sys._is_gil_enabled",
        gil_enabled,
    ),
    Feature(
        "`concurrent.interpreters`",
        "3.14",
        "library/concurrent.interpreters.html",
        interpreters,
    ),
    Feature(
        "`concurrent.futures.InterpreterPoolExecutor`",
        "3.14",
        "library/concurrent.futures.html#interpreterpoolexecutor",
        executor("InterpreterPoolExecutor"),
    ),
    Feature(
        "`Executor.map(buffersize=...)`",
        "3.14",
        "library/concurrent.futures.html#concurrent.futures.Executor.map",
        map_buffersize,
    ),
    Feature(
        "`ProcessPoolExecutor.terminate_workers()`",
        "3.14",
        "library/concurrent.futures.html"
        "#concurrent.futures.ProcessPoolExecutor.terminate_workers",
        pool_method("terminate_workers"),
    ),
    Feature(
        "`create_task(eager_start=True)`",
        "3.14",
        "library/asyncio-task.html#asyncio.create_task",
        eager_start,
    ),
    Feature(
        "`asyncio.capture_call_graph()`",
        "3.14",
        "library/asyncio-graph.html",
        has(asyncio, "capture_call_graph"),
    ),
    Feature(
        "`sys.remote_exec()`",
        "3.14",
        "library/sys.html#sys.remote_exec",
        has(sys, "remote_exec"),
    ),
    Feature(
        "`sys.flags.thread_inherit_context`",
        "3.14",
        "library/sys.html#sys.flags",
        thread_context,
    ),
    Feature(
        "event-loop policies deprecated (removal: 3.16)",
        "3.14",
        "library/asyncio-policy.html",
        policy_deprecated,
    ),
    Feature(
        "default start method (Linux: `forkserver` from 3.14)",
        "3.14",
        "library/multiprocessing.html#contexts-and-start-methods",
        default_start_method,
    ),
    Feature(
        "`asyncio.TaskGroup.cancel()`",
        "3.15",
        "library/asyncio-task.html#asyncio.TaskGroup.cancel",
        task_group_cancel,
    ),
    Feature(
        "`threading.serialize_iterator` and the others",
        "3.15",
        "library/threading.html#threading.serialize_iterator",
        synchronized_iterators,
    ),
    Feature(
        "`set_forkserver_preload(on_error=...)`",
        "3.15",
        "library/multiprocessing.html#multiprocessing.set_forkserver_preload",
        forkserver_on_error,
    ),
    Feature(
        "`profiling.sampling`",
        "3.15",
        "library/profiling.sampling.html",
        has_module("profiling.sampling"),
    ),
]


def main() -> None:
    rows = []
    for feature in FEATURES:
        # A check's warning (on stderr) goes where its row is seen.
        with contextlib.redirect_stderr(sys.stdout):
            found = feature.check()
        link = f"[{feature.added}]({DOCS}{feature.docs})"
        rows.append(f"| {feature.name} | {link} | {found} |")
    print(
        f"Python {platform.python_version()} ({sys.implementation.name}, "
        f'{platform.system()}); each "Added in" links the documentation that says so.'
    )
    print()
    print("| Feature | Added in | This Python |")
    print("|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
