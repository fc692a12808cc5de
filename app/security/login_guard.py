"""Login protection per account, on top of the per-address limit FAB sets with Flask-Limiter.

Failed logins are counted per e-mail address typed, whether or not such an account exists, in the
limiter's storage (memory in tests, RATELIMIT_STORAGE_URI, i.e. Redis, in production). Once the
limit (AUTH_ACCOUNT_RATE_LIMIT, "5 per minute; 20 per hour") is used up, the next attempt for that
address is refused without checking the password, from any client address, until the window has
moved on: a temporary lockout, told to the user in Dutch, and the same for an unknown address as
for a real one. Also used to cap password-reset mails per address.
"""
import hashlib
import math
import time

from limits import parse_many
from limits.strategies import MovingWindowRateLimiter

clock = time.time  # tests replace it (together with the memory storage's clock)


class AccountThrottle:
    def __init__(self, storage, limits, namespace):
        self.items = parse_many(limits)
        self.strategy = MovingWindowRateLimiter(storage)
        self.namespace = namespace

    @staticmethod
    def key(login):
        """The storage key: a hash, so no e-mail address is written to Redis."""
        return hashlib.sha256((login or "").strip().lower().encode("utf-8")).hexdigest()[:40]

    def retry_after(self, login):
        """Seconds until ``login`` may be tried again; 0 if it may be tried now."""
        key = self.key(login)
        wait = 0
        for item in self.items:
            if not self.strategy.test(item, self.namespace, key):
                reset_at = self.strategy.get_window_stats(item, self.namespace, key).reset_time
                wait = max(wait, math.ceil(reset_at - clock()), 1)
        return wait

    def hit(self, login):
        key = self.key(login)
        for item in self.items:
            self.strategy.hit(item, self.namespace, key)

    def clear(self, login):
        key = self.key(login)
        for item in self.items:
            self.strategy.clear(item, self.namespace, key)
