"""Exercise solution: deposit twice under a plain Lock, without taking it twice.

01_rlock_reentry.py stalls with a Lock because deposit_twice() holds the lock and
then calls deposit(), which asks for it again. An RLock is one fix. Another is to
split each operation in two: a public method that takes the lock, and a private one
that does the work and expects its caller to hold the lock already. Methods that
hold the lock call only the private ones, so no thread asks for a lock it holds.
"""

import threading


# --8<-- [start:solution]
class Account:
    def __init__(self) -> None:
        self.lock = threading.Lock()  # a plain Lock is enough now
        self.balance = 0

    def _deposit_locked(self, amount: int) -> None:
        """The work itself: the caller must hold self.lock."""
        self.balance += amount

    def deposit(self, amount: int) -> bool:
        if not self.lock.acquire(timeout=0.5):
            return False
        try:
            self._deposit_locked(amount)
            return True
        finally:
            self.lock.release()

    def deposit_twice(self, amount: int) -> bool:
        with self.lock:  # the only acquire: the helper does not take the lock
            self._deposit_locked(amount)
            self._deposit_locked(amount)
            return True


def main() -> None:
    account = Account()
    ok = account.deposit_twice(10)
    print(f"Lock: deposit_twice succeeded: {ok}; balance = {account.balance}")
    print(f"Lock: free again afterwards? {account.lock.acquire(blocking=False)}")
    # --8<-- [end:solution]


if __name__ == "__main__":
    main()
