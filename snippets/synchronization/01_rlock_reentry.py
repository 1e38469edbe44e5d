"""A Lock deadlocks when the thread holding it asks for it again; an RLock does not.

``Lock`` does not know who holds it, so a method that takes the lock and then calls
another method that takes it too waits for itself forever. Here the second acquire
has a timeout, so the program reports the deadlock instead of hanging. ``RLock``
remembers its owner and counts how often it was taken, so the same thread can take
it again, and it is free once every acquire has had its release.
"""

import threading


# --8<-- [start:account]
class Account:
    def __init__(self, lock) -> None:
        self.lock = lock
        self.balance = 0

    def deposit(self, amount: int) -> bool:
        # The timeout stands in for "forever": a real program would hang here.
        if not self.lock.acquire(timeout=0.5):
            return False
        try:
            self.balance += amount
            return True
        finally:
            self.lock.release()

    def deposit_twice(self, amount: int) -> bool:
        with self.lock:  # takes the lock, then deposit() asks for it again
            return self.deposit(amount) and self.deposit(amount)


def main() -> None:
    for kind, lock in (("Lock", threading.Lock()), ("RLock", threading.RLock())):
        account = Account(lock)
        ok = account.deposit_twice(10)
        if ok:
            print(f"{kind}: the second acquire succeeded; balance = {account.balance}")
        else:
            print(
                f"{kind}: the second acquire timed out after 0.5 s "
                f"(without a timeout: a deadlock); balance = {account.balance}"
            )
        print(f"{kind}: free again afterwards? {lock.acquire(blocking=False)}")


# --8<-- [end:account]


if __name__ == "__main__":
    main()
