"""A deadlock from taking two locks in opposite orders, detected with a timeout.

A transfer between two accounts locks both. Thread 1 moves money from A to B and
locks A, then B. Thread 2 moves money from B to A and locks B, then A. If each gets
its first lock before the other asks for its second, each waits for a lock the
other will never release: a deadlock. A barrier makes that interleaving happen on
every run instead of once in a while.

A plain ``acquire()`` would wait forever (and so would this page's build), so the
second lock is taken with ``acquire(timeout=...)``, which returns False instead of
hanging. The fix: every thread takes the locks in one global order (here, sorted
by account name), so no cycle of waiting threads can form.
"""

import threading
import time

TIMEOUT = 0.5  # seconds to wait for the second lock before giving up


# --8<-- [start:transfer]
class Account:
    def __init__(self, name: str, balance: int) -> None:
        self.name = name
        self.balance = balance
        self.lock = threading.Lock()


def transfer(
    source: Account,
    target: Account,
    amount: int,
    *,
    first: Account,
    second: Account,
    both_hold_one: threading.Barrier | None,
    report: list[str],
) -> None:
    who = f"{source.name}->{target.name}"
    with first.lock:
        report.append(f"{who}: holds {first.name}, asks for {second.name}")
        if both_hold_one:
            both_hold_one.wait()  # each thread now holds its first lock
        t0 = time.perf_counter()
        if not second.lock.acquire(timeout=TIMEOUT):
            waited = time.perf_counter() - t0
            report.append(
                f"{who}: gave up on {second.name} after {waited:.2f} s: "
                f"deadlock, {second.name} is held by a thread waiting for {first.name}"
            )
            return
        try:
            source.balance -= amount
            target.balance += amount
            report.append(f"{who}: moved {amount}")
        finally:
            second.lock.release()


# --8<-- [end:transfer]


def run(ordered: bool) -> None:
    a, b = Account("A", 100), Account("B", 100)
    report: list[str] = []
    both_hold_one = None if ordered else threading.Barrier(2)
    jobs = [(a, b, 30), (b, a, 10)]
    threads = []
    for source, target, amount in jobs:
        if ordered:  # one global order: alphabetical by account name
            first, second = sorted((source, target), key=lambda acct: acct.name)
        else:  # the order of the arguments: opposite in the two threads
            first, second = source, target
        threads.append(
            threading.Thread(
                target=transfer,
                args=(source, target, amount),
                kwargs={
                    "first": first,
                    "second": second,
                    "both_hold_one": both_hold_one,
                    "report": report,
                },
            )
        )
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for line in report:
        print(f"  {line}")
    print(f"  balances: A={a.balance}, B={b.balance} (total {a.balance + b.balance})")


def main() -> None:
    print("Each thread locks the source account first:")
    run(ordered=False)
    print()
    print("Each thread locks the accounts in alphabetical order:")
    run(ordered=True)


if __name__ == "__main__":
    main()
