"""The local correction head: fitting, blending, exact undo, the untouched base, and the learning curve."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from voice.classify import TrainingSet, load_model, save_model, shipped_model_dir
from voice.classify._adapt import HEAD_FILES, HeadSettings, fit_head, load_head, save_head
from voice.classify._curve import Domain, halves, learning_curve, summarise, summarise_halves

RNG = np.random.default_rng(0)


def _domain(n: int = 60) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Quotes in two clusters; the base model calls them all class 0, but cluster B is class 1."""
    centre_a, centre_b = np.zeros(16), np.zeros(16)
    centre_a[0], centre_b[1] = 1.0, 1.0
    y = np.array([0, 1] * (n // 2))
    emb = np.where(y[:, None] == 0, centre_a, centre_b) + 0.05 * RNG.standard_normal((n, 16))
    base = np.tile([0.6, 0.3, 0.1], (n, 1))
    return base, emb, y


def test_no_tags_is_no_head():
    assert fit_head(np.zeros((0, 3)), np.zeros((0, 16)), np.zeros(0, dtype=int)) is None


def test_the_head_learns_a_domain_from_its_tags_and_is_deterministic():
    base, emb, y = _domain()
    head = fit_head(base[:10], emb[:10], y[:10], HeadSettings(vote_max=0.0))
    again = fit_head(base[:10], emb[:10], y[:10], HeadSettings(vote_max=0.0))
    assert np.array_equal(head.W, again.W) and np.array_equal(head.b, again.b) and head.a == again.a
    pred = head.adjust(base[10:], emb[10:]).argmax(axis=1)
    assert (pred == y[10:]).mean() == 1.0  # the base alone gets half right
    assert (base[10:].argmax(axis=1) == y[10:]).mean() == 0.5


def test_the_prior_keeps_one_tag_from_overturning_the_base():
    base, emb, y = _domain()
    head = fit_head(base[1:2], emb[1:2], y[1:2], HeadSettings(vote_max=0.0, l2_w=10, l2_b=10, l2_a=100))
    out = head.adjust(base, emb)
    assert (out.argmax(axis=1) == 0).all()  # one tag shifts, but does not overturn a 0.6/0.3 base
    assert (out[:, 1] > base[:, 1]).all()


def test_the_vote_counts_only_near_tags_and_grows_with_them():
    base, emb, y = _domain()
    s = HeadSettings(l2_w=1e6, l2_b=1e6, l2_a=1e6, vote_max=0.8, near_low=0.5, near_high=0.9, n0=5)
    far = np.zeros((1, 16))
    far[0, 5] = 1.0
    few, many = fit_head(base[:2], emb[:2], y[:2], s), fit_head(base[:40], emb[:40], y[:40], s)
    np.testing.assert_allclose(few.adjust(base[:1], far), base[:1], atol=1e-6)  # nothing near: the base
    near_b = emb[41:42]  # cluster B, class 1
    assert many.adjust(base[:1], near_b)[0, 1] > few.adjust(base[:1], near_b)[0, 1] > base[0, 1]


def _shifted_domain(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Quotes of unrelated meanings (random directions) that the base calls class 0 at 0.6 but
    that are all class 1 in this domain: only a domain-wide shift can learn them."""
    emb = RNG.standard_normal((n, 64))
    return np.tile([0.6, 0.3, 0.1], (n, 1)), emb, np.ones(n, dtype=int)


def test_the_ramp_one_tag_moves_little_and_twenty_tags_move_the_domain():
    base, emb, y = _shifted_domain(60)
    one = fit_head(base[:1], emb[:1], y[:1])
    moved = np.abs(one.adjust(base[40:], emb[40:]) - base[40:]).max()
    assert 0 < moved < 0.05  # one tag: quotes unlike it barely move
    twenty = fit_head(base[:20], emb[:20], y[:20])
    after = twenty.adjust(base[40:], emb[40:])
    assert (after.argmax(axis=1) == 1).all()  # 20 consistent tags: the domain's other quotes follow
    five = fit_head(base[:5], emb[:5], y[:5]).adjust(base[40:], emb[40:])
    assert (five[:, 1] - base[40:, 1]).mean() < (after[:, 1] - base[40:, 1]).mean() / 2  # gentle at first


def test_the_prior_weakens_with_tags_only_when_asked():
    base, emb, y = _shifted_domain(40)
    fixed = fit_head(base[:20], emb[:20], y[:20], HeadSettings(vote_max=0.0))
    weakening = fit_head(base[:20], emb[:20], y[:20], HeadSettings(vote_max=0.0, n_prior=2))
    assert weakening.b[1] - weakening.b[0] > fixed.b[1] - fixed.b[0]
    per_class = fit_head(base[:20], emb[:20], y[:20], HeadSettings(per_class_a=True))
    assert np.shape(per_class.a) == (3,) and np.shape(fixed.a) == ()


def test_undo_is_exact_in_the_head():
    base, emb, y = _domain()
    before = fit_head(base[:12], emb[:12], y[:12]).adjust(base, emb)
    fit_head(base[:13], emb[:13], y[:13])
    assert fit_head(base[:12], emb[:12], y[:12]).adjust(base, emb).tobytes() == before.tobytes()


def test_save_and_load_round_trip(tmp_path):
    base, emb, y = _domain()
    head = fit_head(base[:8], emb[:8], y[:8])
    save_head(head, tmp_path)
    back = load_head(tmp_path)
    assert back is not None and back.settings == head.settings
    np.testing.assert_array_equal(back.adjust(base, emb), head.adjust(base, emb))
    per_class = fit_head(base[:8], emb[:8], y[:8], HeadSettings(per_class_a=True))
    save_head(per_class, tmp_path)
    np.testing.assert_array_equal(load_head(tmp_path).adjust(base, emb), per_class.adjust(base, emb))
    save_head(None, tmp_path)
    assert load_head(tmp_path) is None and not any((tmp_path / f).exists() for f in HEAD_FILES)


def test_learning_curve_starts_at_the_base_and_improves():
    base, emb, y = _domain(80)
    rows = learning_curve(Domain("d", y, emb, base), [0, 4, 10])
    assert [r["k"] for r in rows] == [0, 4, 10]
    assert rows[0]["accuracy"] == rows[0]["base_accuracy"] == 0.5 and rows[0]["rest"] == 80
    assert rows[-1]["accuracy"] > rows[-1]["base_accuracy"] + 0.3
    summary = summarise(rows)
    assert summary[0]["gain_mean"] == 0.0 and summary[-1]["gain_mean"] > 0.3


def test_halves_tag_one_half_at_random_and_score_the_other():
    base, emb, y = _domain(80)
    rows = halves(Domain("d", y, emb, base), 3, [0, 20], size=40)
    assert len(rows) == 3 * 2 * 2 and {r["scored"] for r in rows} == {20}
    at0 = [r for r in rows if r["k"] == 0]
    assert all(r["accuracy"] == r["base_accuracy"] and r["meets"] == r["base_meets"] for r in at0)
    summary = {r["k"]: r for r in summarise_halves(rows)}
    assert summary[0]["halves"] == 6 and summary[0]["meets_share"] == 0.0  # the base gets half right
    assert summary[20]["accuracy_min"] == 1.0 and summary[20]["meets_share"] == 1.0
    assert rows == halves(Domain("d", y, emb, base), 3, [0, 20], size=40)  # seeded
    whole = halves(Domain("d", y, emb, base), 1, [20, 50])
    assert [r["k"] for r in whole] == [20, 20] and whole[0]["scored"] == 40  # 50 > a half: skipped


# -- the real shipped model (MiniLM, fine-tuned encoder) -----------------------------------------

TEXTS = [
    "My social worker never comes when she says she will.",
    "The foster carers took me to the seaside and it was brilliant.",
    "It was ok I suppose, some of it helped.",
    "Nobody told me what was happening at my review.",
]


@pytest.fixture(scope="module")
def shipped_model():
    return load_model(shipped_model_dir())


def _tags(*pairs: tuple[str, str]) -> TrainingSet:
    ts = TrainingSet()
    for text, label in pairs:
        ts.add(text, label, None, 5.0, "test")
    return ts


def test_no_local_tags_is_the_shipped_model_byte_for_byte(shipped_model, voice_home):
    fresh = load_model(shipped_model_dir())
    before = fresh.classify(TEXTS)[1]
    fresh.learn(TrainingSet())
    after = fresh.classify(TEXTS)[1]
    assert after.tobytes() == before.tobytes()
    assert fresh.classifier.local_head_ is None


def test_undo_removes_a_tag_exactly_also_through_the_saved_copy(voice_home, tmp_path):
    model = load_model(shipped_model_dir())
    first = ("They listen to me at my reviews now.", "good")
    model.learn(_tags(first))
    one = model.classify(TEXTS)[1]
    model.learn(_tags(first, ("I hate the contact centre, it smells.", "not_so_good")))
    two = model.classify(TEXTS)[1]
    assert not np.array_equal(one, two)
    model.learn(_tags(first))  # the second tag undone
    assert model.classify(TEXTS)[1].tobytes() == one.tobytes()
    save_model(model, tmp_path / "m")
    saved = json.loads((tmp_path / "m" / "meta.json").read_text())
    assert set(HEAD_FILES) <= set(saved["files"])
    assert load_model(tmp_path / "m").classify(TEXTS)[1].tobytes() == one.tobytes()
    model.learn(TrainingSet())  # every tag undone: the head files go
    save_model(model, tmp_path / "m")
    assert not (tmp_path / "m" / "local_head.npz").exists()


def test_a_model_dir_saved_before_local_heads_loads(voice_home, tmp_path):
    old = tmp_path / "old"
    shutil.copytree(shipped_model_dir(), old)
    for f in HEAD_FILES:
        (old / f).unlink(missing_ok=True)
    model = load_model(old)
    assert model.classifier.local_head_ is None
    assert model.classify(TEXTS)[1].tobytes() == load_model(shipped_model_dir()).classify(TEXTS)[1].tobytes()
