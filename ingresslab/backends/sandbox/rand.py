"""The sandbox's seeded generator: every name suffix, IP, id and latency comes from here.

Each draw is derived from (seed, counter) alone, so the generator's whole state is two integers that
persist in the state file: the same seed replays the same run, across kernels too.
"""

from __future__ import annotations

import hashlib
import random

__all__ = ["SAFE_ALPHABET", "SeededRandom"]

# Kubernetes' rand.String alphabet: no vowels (no accidental words) and no look-alike characters.
SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


class SeededRandom:
    def __init__(self, seed: int, counter: int = 0) -> None:
        self.seed = seed
        self.counter = counter

    def _next(self) -> random.Random:
        self.counter += 1
        digest = hashlib.blake2b(f"{self.seed}:{self.counter}".encode(), digest_size=8).digest()
        return random.Random(int.from_bytes(digest, "big"))

    def suffix(self, length: int = 5) -> str:
        r = self._next()
        return "".join(r.choice(SAFE_ALPHABET) for _ in range(length))

    def randint(self, low: int, high: int) -> int:
        return self._next().randint(low, high)

    def uniform(self, low: float, high: float) -> float:
        return self._next().uniform(low, high)

    def choice(self, items: list):
        return self._next().choice(items)

    def hex(self, nbytes: int) -> str:
        r = self._next()
        return r.getrandbits(nbytes * 8).to_bytes(nbytes, "big").hex()

    def uuid(self) -> str:
        h = self.hex(16)
        # version 4, variant 10xx, as the API server's uuid.NewUUID gives
        h = h[:12] + "4" + h[13:16] + "89ab"[int(h[16], 16) % 4] + h[17:]
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
