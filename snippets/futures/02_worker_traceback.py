"""An exception raised in a worker comes back from Future.result() with the
worker's traceback.

With threads, the exception object itself travels back, traceback and all. With
processes, the exception is pickled, and pickling drops tracebacks, so
ProcessPoolExecutor formats the worker's traceback as text and attaches it as the
exception's ``__cause__``. Printing the exception the usual way shows both: where
the worker failed, and where the caller asked for the result.
"""

import traceback
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def parse(record: str) -> int:
    return int(record)  # fails for "12x"


def main() -> None:
    for pool_class in (ThreadPoolExecutor, ProcessPoolExecutor):
        print(f"--- {pool_class.__name__} ---")
        with pool_class(max_workers=1) as pool:
            future = pool.submit(parse, "12x")
            try:
                future.result(timeout=30)
            except ValueError as error:
                print(f"caught in the caller: {error!r}")
                print(f"__cause__ type: {type(error.__cause__).__name__}")
                print("".join(traceback.format_exception(error)).rstrip())
        print()


if __name__ == "__main__":
    main()
