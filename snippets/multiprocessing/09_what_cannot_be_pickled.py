"""What a start method must pickle, and the errors a lambda and a nested function give.

Under spawn and forkserver, ``Process.start()`` pickles the Process object, its
target included, to send it to the child (a fresh interpreter, or a fork of
the fork server). Functions pickle by
reference (module and name), so a lambda or a function defined inside another
function cannot be sent. Under fork the child is a copy of the parent and
nothing is pickled at start, so the same targets work there. A pool always
sends its tasks through a pipe, so ``Pool.map`` needs picklable functions
under every start method. Each attempt is caught and its real error printed.
"""

import multiprocessing


def make_nested():
    def nested(x: int) -> int:  # lives only inside make_nested()
        return x + 1

    return nested


def module_level(x: int) -> int:  # importable as __main__.module_level
    return x + 1


def try_process(ctx, target) -> str:
    try:
        child = ctx.Process(target=target, args=(1,))
        child.start()
    except Exception as error:
        return describe(error)
    child.join()
    return f"ran, exit code {child.exitcode}"


def try_pool(ctx, func) -> str:
    try:
        with ctx.Pool(1) as pool:
            return f"ran, returned {pool.map(func, [1])}"
    except Exception as error:
        return describe(error)


def describe(error: Exception) -> str:
    notes = "".join(f"\n      note: {note}" for note in getattr(error, "__notes__", []))
    return f"{type(error).__module__}.{type(error).__qualname__}: {error}{notes}"


def main() -> None:
    targets = {
        "a lambda": lambda x: x + 1,
        "a nested function": make_nested(),
        "a module-level function": module_level,
    }
    for method in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context(method)
        print(f"{method}:")
        for name, target in targets.items():
            print(f"  Process(target={name}): {try_process(ctx, target)}")
            print(f"  Pool.map({name}): {try_pool(ctx, target)}")


if __name__ == "__main__":
    main()
