"""Running a sentence-transformers model over texts on the CPU: shared by every encoder."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from voice.records import ProgressCallback


def encode_longest_first(
    load: Callable[[], Any],
    texts: Sequence[str],
    width: int,
    batch_size: int,
    step: int,
    progress: ProgressCallback | None = None,
) -> np.ndarray:
    """Unit vectors (n, ``width``) of ``texts``, longest first so that batches pad little.

    ``load`` gives the SentenceTransformer and is called only when there is a text;
    ``progress(done, total)`` follows every ``step`` texts.
    """
    total = len(texts)
    out = np.zeros((total, width), dtype=np.float32)
    if not total:
        return out
    model = load()
    order = sorted(range(total), key=lambda i: -len(texts[i]))
    for start in range(0, total, step):
        idx = order[start : start + step]
        out[idx] = model.encode(
            [texts[i] for i in idx],
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        if progress:
            progress(min(start + step, total), total)
    return out
