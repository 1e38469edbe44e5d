"""Exercise solution: a pool cannot run a lambda; a module-level function can.

A pool sends each task to a worker by pickling it, and pickle stores a function
by its module and name, for the worker to import. A lambda (or a function defined
inside another) has no name to import, so pickling it fails in the parent before
any worker sees it. A function at the top of the module has a name; to fix an
argument, functools.partial wraps that function and pickles too.
"""

import functools
import multiprocessing
import pickle


def power(n: int, exponent: int) -> int:
    return n**exponent


def main() -> None:
    ctx = multiprocessing.get_context()
    with ctx.Pool(2) as pool:
        # --8<-- [start:solution]
        try:
            pool.map(lambda n: n**3, range(5))
        except (pickle.PicklingError, AttributeError, TypeError) as error:
            print(f"lambda:  {type(error).__name__}: {error}")
        cube = functools.partial(power, exponent=3)  # pickles as (power, exponent=3)
        print(f"partial: {pool.map(cube, range(5))}")
        # --8<-- [end:solution]


if __name__ == "__main__":
    main()
