"""Representative pickers: :class:`CentreDiversePicker`, the quotes nearest the theme's centre,
skipping near-duplicates."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from voice import config
from voice.embed import unit_rows
from voice.themes._base import centre


@dataclass
class CentreDiversePicker:
    """The quotes nearest the centre, never two near-duplicates; very short quotes come last."""

    n: int = config.THEME_REPRESENTATIVES
    near_duplicate: float = config.THEME_NEAR_DUPLICATE
    min_words: int = 4

    def pick(self, texts: Sequence[str], embeddings: np.ndarray) -> list[int]:
        """Up to ``n`` indices, best first."""
        if not len(texts):
            return []
        emb = unit_rows(embeddings)
        sims = emb @ centre(emb)
        short = np.array([len((t or "").split()) < self.min_words for t in texts])
        order = sorted(range(len(texts)), key=lambda i: (bool(short[i]), -float(sims[i]), i))
        chosen: list[int] = []
        seen_text: set[str] = set()
        for i in order:
            key = re.sub(r"\W+", " ", (texts[i] or "").lower()).strip()
            if key in seen_text or any(float(emb[i] @ emb[j]) >= self.near_duplicate for j in chosen):
                continue
            chosen.append(i)
            seen_text.add(key)
            if len(chosen) >= self.n:
                break
        return chosen
