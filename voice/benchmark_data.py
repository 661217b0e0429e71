"""Synthetic quotes for speed benchmarks only (never for training or measuring quality)."""

from __future__ import annotations

import random

_OPENERS = [
    "My social worker",
    "The foster carer",
    "My IRO",
    "The family worker",
    "School",
    "The meeting",
    "My PA",
]
_GOOD = ["listens to me", "helps me a lot", "is always there when I need to talk", "explained everything"]
_BAD = ["never calls me back", "changed my words", "does not take me seriously", "was late again"]
_MIXED = ["is ok I suppose", "helped a bit but not much", "sometimes listens and sometimes doesn't"]
_TAILS = ["", " and I feel safe now.", " but I want to see my mum more.", " in my review.", " at contact."]


def synthetic_quotes(n: int, seed: int = 0) -> list[str]:
    """``n`` distinct quote-like sentences, reproducible from ``seed``."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        middle = rng.choice(rng.choice([_GOOD, _BAD, _MIXED]))
        out.append(f"{rng.choice(_OPENERS)} {middle}{rng.choice(_TAILS)} ({seed}-{i})")
    return out
