"""``python -m snippet_runner PATH [TIMEOUT]``: run one snippet exactly as the build does."""

from __future__ import annotations

import sys
from pathlib import Path

from snippet_runner.process import positive, run_snippet, timeout_for


def main(argv: list[str]) -> int:
    if not argv or len(argv) > 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        timeout = timeout_for(positive(argv[1]) if len(argv) == 2 else None)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    run = run_snippet(Path(argv[0]).resolve(), timeout)
    print(run.output)
    if run.failure():
        print("\n" + run.describe_failure(), file=sys.stderr)
        return 1
    print(f"\n{run.path}: ok in {run.seconds:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
