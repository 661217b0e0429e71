"""FeedbackClassifier: good / unsure / not_so_good with calibrated probabilities.

A scikit-learn estimator (constructor stores parameters only, ``fit`` returns self, learned
state in trailing-underscore attributes). Features, each switchable for ablation:

* ``embedding``: all-MiniLM-L6-v2 sentence embedding (384-d, cached on disk);
* ``tfidf``: word 1–2-gram TF-IDF (sublinear, min_df=2);
* ``question``: the kind of question asked (praise prompt, improvement prompt, open, none);
* ``cues``: contrast words ("but", "although"), negations, hedges ("ok", "I suppose"), and
  the number of sentences — the signals of ambivalence that make a quote ``unsure``.

A multinomial logistic regression learns the classes. Its probabilities are calibrated by
temperature scaling fitted on out-of-fold predictions *inside the training data*, and the
decision applies per-class weights (also tuned on those out-of-fold predictions to maximise
macro-F1): the probability shown is honest, and the label is chosen for balanced recall.

With ``fine_tune=True`` (the shipped model) all-MiniLM-L6-v2 is also fine-tuned end to end
on the training quotes except a stratified hold-out (:mod:`voice.finetune`). On that hold-out
the encoder gets its own temperature, the blend of the two calibrated probabilities is chosen
(least log-loss) and the decision weights are fitted to the blend.

People's corrections are learned by :meth:`FeedbackClassifier.adapt`: a local correction head
(``local_head_``, :mod:`voice.classify._adapt`) fitted on top of the untouched model, plus a
memory of near-duplicates. (It replaces a warm-started refit of the regression with the
corrections weighted 5×, which did not move accuracy on a new domain; docs/CLASSIFIER.md.)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from scipy.sparse import csr_matrix, hstack
from scipy.special import softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, StratifiedShuffleSplit
from sklearn.utils.validation import check_is_fitted

from voice import config
from voice.classify._adapt import HeadSettings, LocalHead, fit_head
from voice.classify._calibration import fit_blend, fit_decision_weights, fit_temperature
from voice.classify._children import ChildrensReader
from voice.classify._explain import Explanation, TaggedQuote, explain
from voice.embed import unit_rows
from voice.errors import InputError
from voice.records import LABELS, ProgressCallback
from voice.text import split_sentences

if TYPE_CHECKING:
    from voice.classify._finetune import FineTunedEncoder

CLASSES = np.array(LABELS)  # ["good", "not_so_good", "unsure"]
FEATURE_SETS = ("embedding", "tfidf", "question", "cues")
MAX_ITER = 3000
"""Iteration cap of the logistic regression (a fit, and a warm-started update, converge well before)."""

_POSITIVE_PROMPT = re.compile(r"\b(what('?s| was| is| went)? (good|well)|satisf|like best|good\?)", re.I)
_NEGATIVE_PROMPT = re.compile(r"\b(improv|better|not so good|dissatisf|change|wrong|could we)", re.I)
_CONTRAST = re.compile(r"\b(but|however|although|though|except|apart from|yet|whereas|sometimes)\b", re.I)
_NEGATION = re.compile(
    r"\b(not|no|never|nothing|nobody|don'?t|didn'?t|doesn'?t|won'?t|can'?t|wasn'?t|isn'?t)\b|n't\b", re.I
)
_HEDGE = re.compile(
    r"\b(ok|okay|alright|fine|i suppose|i guess|kind of|sort of|not sure|don'?t know|maybe|might)\b", re.I
)


def question_kind(question: str | None) -> int:
    """0 no question, 1 a praise prompt ("What was good?"), 2 an improvement prompt, 3 other."""
    if not question or not question.strip():
        return 0
    if _POSITIVE_PROMPT.search(question) and not _NEGATIVE_PROMPT.search(question):
        return 1
    if _NEGATIVE_PROMPT.search(question):
        return 2
    return 3


def cue_features(text: str) -> np.ndarray:
    """Ambivalence cues: contrast words, negations, hedges, sentence count, length."""
    words = max(1, len(text.split()))
    return np.array(
        [
            min(len(_CONTRAST.findall(text)), 3) / 3,
            min(len(_NEGATION.findall(text)), 5) / 5,
            min(len(_HEDGE.findall(text)), 3) / 3,
            min(len(split_sentences(text)), 6) / 6,
            np.log1p(words) / 6,
        ],
        dtype=np.float32,
    )


def _question_onehot(questions: Sequence[str | None]) -> np.ndarray:
    out = np.zeros((len(questions), 4), dtype=np.float32)
    for i, q in enumerate(questions):
        out[i, question_kind(q)] = 1.0
    return out


class _EncoderFit(NamedTuple):
    """What fine-tuning learned, and the hold-out the decision weights are tuned on (if any)."""

    encoder: FineTunedEncoder
    temperature: float
    blend: float
    held: tuple[np.ndarray, np.ndarray] | None


class FeedbackClassifier(ClassifierMixin, BaseEstimator):
    """Three-class feedback classifier over embeddings, TF-IDF, question kind and cues.

    Args:
        features: which feature sets to use (subset of ``FEATURE_SETS``).
        C: inverse regularisation strength of the logistic regression.
        calibrate: fit a temperature and decision weights on inner out-of-fold predictions.
        inner_folds: folds for that inner calibration.
        max_features: cap on the TF-IDF vocabulary.
        random_state: seed for the inner folds, the hold-out and fine-tuning.
        fine_tune: also fine-tune MiniLM end to end and blend its calibrated probabilities.
        fine_tune_epochs: passes over the training quotes when fine-tuning.
        holdout: share of the training quotes kept out of fine-tuning to calibrate the blend.
        question_dropout: share of quotes the encoder sees without their question in training.

    Attributes:
        classes_: the labels, ``CLASSES`` (columns of ``predict_proba``).
        vectorizer_: the TF-IDF vectorizer (fitted when ``"tfidf"`` is a feature).
        lr_: the logistic regression over the design matrix (TF-IDF | embedding | question | cues).
        temperature_: the regression's calibration temperature (1 when not calibrated).
        decision_weights_: per-class multipliers applied by ``weigh`` (ones when not calibrated).
        encoder_: the fine-tuned MiniLM (:class:`voice.classify.FineTunedEncoder`), or None.
        encoder_temperature_: the encoder's calibration temperature.
        blend_: the encoder's share of the blended probabilities (0 without an encoder).
        memory_embeddings_: unit embeddings of the corrections learned by ``update`` (none after ``fit``).
        memory_labels_: their label indices in ``classes_``.
        local_head_: the local correction head fitted to a council's tags, or None.
        children_reader_: the children's reader mixed into every reading
            (:class:`voice.classify._children.ChildrensReader`), or None; set by
            :func:`voice.classify.train_model` and by loading, never by ``fit``.
        train_rows_: how many quotes ``fit`` learned from (not set on a loaded model).
    """

    def __init__(
        self,
        features: tuple[str, ...] = FEATURE_SETS,
        C: float = 2.0,
        calibrate: bool = True,
        inner_folds: int = 3,
        max_features: int = 20000,
        random_state: int = config.CLASSIFIER_SEED,
        fine_tune: bool = False,
        fine_tune_epochs: float = config.FINE_TUNE_EPOCHS,
        holdout: float = config.FINE_TUNE_HOLDOUT,
        question_dropout: float = config.FINE_TUNE_QUESTION_DROPOUT,
    ) -> None:
        self.features = features
        self.C = C
        self.calibrate = calibrate
        self.inner_folds = inner_folds
        self.max_features = max_features
        self.random_state = random_state
        self.fine_tune = fine_tune
        self.fine_tune_epochs = fine_tune_epochs
        self.holdout = holdout
        self.question_dropout = question_dropout

    # -- features ----------------------------------------------------------------------------

    def _design(self, texts: Sequence[str], emb: np.ndarray | None, questions: Sequence[str | None]):
        blocks = []
        if "tfidf" in self.features:
            blocks.append(self.vectorizer_.transform(texts))
        if "embedding" in self.features:
            if emb is None:
                raise ValueError("the embedding feature needs embeddings")
            blocks.append(csr_matrix(emb))
        if "question" in self.features:
            blocks.append(csr_matrix(_question_onehot(questions)))
        if "cues" in self.features:
            blocks.append(csr_matrix(np.vstack([cue_features(t) for t in texts])))
        return hstack(blocks).tocsr()

    def _ensure_embeddings(self, texts: Sequence[str], embeddings: np.ndarray | None) -> np.ndarray | None:
        """The given embeddings, or the cached MiniLM ones when the embedding feature needs them."""
        if "embedding" in self.features and embeddings is None:
            from voice.embed import default_embedder

            return default_embedder().embed(list(texts))
        return embeddings

    def _new_lr(self, warm_start: bool = False) -> LogisticRegression:
        return LogisticRegression(C=self.C, max_iter=MAX_ITER, class_weight="balanced", warm_start=warm_start)

    # -- estimator contract ------------------------------------------------------------------

    def fit(
        self,
        X: Sequence[str],
        y: Sequence[str],
        *,
        embeddings: np.ndarray | None = None,
        questions: Sequence[str | None] | None = None,
        sample_weight: np.ndarray | None = None,
        progress: ProgressCallback | None = None,
    ) -> FeedbackClassifier:
        """Learn from texts ``X`` and labels ``y`` (embeddings computed if not given).

        ``progress(step, steps)`` follows fine-tuning, the slow part.

        Raises:
            InputError: no texts, an unknown label, or fine-tuning without calibration or 50 quotes.
        """
        texts = [str(t) for t in X]
        if not texts:
            raise InputError("no training quotes: give at least one quote with a label")
        y_arr = np.asarray(y)
        unknown = set(y_arr) - set(CLASSES)
        if unknown:
            raise InputError(f"unknown labels {sorted(unknown)}: use {', '.join(CLASSES)}")
        questions = list(questions) if questions is not None else [None] * len(texts)
        embeddings = self._ensure_embeddings(texts, embeddings)
        vectorizer = TfidfVectorizer(
            ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=self.max_features
        )
        if "tfidf" in self.features:
            vectorizer.fit(texts)
        self.classes_ = CLASSES.copy()
        self.vectorizer_ = vectorizer
        A = self._design(texts, embeddings, questions)
        y_idx = np.searchsorted(self.classes_, y_arr)
        w = np.ones(len(texts)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        self.temperature_ = 1.0
        self.decision_weights_ = np.ones(len(CLASSES))
        self.encoder_ = None
        self.encoder_temperature_ = 1.0
        self.blend_ = 0.0
        if self.calibrate and len(texts) >= 50:
            logits = np.zeros((len(texts), len(CLASSES)))
            folds = StratifiedKFold(self.inner_folds, shuffle=True, random_state=self.random_state)
            for tr, te in folds.split(A, y_idx):
                m = self._new_lr().fit(A[tr], y_idx[tr], sample_weight=w[tr])
                logits[te] = m.decision_function(A[te])
            self.temperature_ = fit_temperature(logits, y_idx)
            proba = softmax(logits / self.temperature_, axis=1)
            held: tuple[np.ndarray, np.ndarray] | None = (proba, y_idx)
            if self.fine_tune:
                tuned = self._fit_encoder(texts, questions, y_idx, w, proba, progress)
                self.encoder_ = tuned.encoder
                self.encoder_temperature_ = tuned.temperature
                self.blend_ = tuned.blend
                held = tuned.held
            if held is not None:  # else: nothing held out, the label is the most probable class
                self.decision_weights_ = fit_decision_weights(*held)
        elif self.fine_tune:
            raise InputError("fine-tuning needs calibration and at least 50 training quotes")
        lr = self._new_lr().fit(A, y_idx, sample_weight=w)
        lr.coef_ = self._marginalised_coef(lr.coef_, questions)
        self.lr_ = lr
        self.memory_embeddings_, self.memory_labels_ = self._memory(None, [])
        self.local_head_: LocalHead | None = None
        self.children_reader_: ChildrensReader | None = None
        self.train_rows_ = len(texts)
        return self

    def _fit_encoder(self, texts, questions, y_idx, w, lr_proba, progress) -> _EncoderFit:
        """Fine-tune MiniLM; calibrate it and the blend on a stratified hold-out, if any.

        With a hold-out (``holdout`` > 0) the encoder is fine-tuned on the other quotes, and on
        the hold-out it gets its own temperature and the blend weight with the least log-loss
        (``lr_proba`` there are the regression's out-of-fold probabilities); returns the
        hold-out's blended probabilities and labels (``held``), on which the decision is tuned.

        Without one it is fine-tuned on every quote with the configured temperature and blend
        (``config.FINE_TUNE_TEMPERATURE``, ``config.FINE_TUNE_BLEND``: what a 15% hold-out of
        the corpus chose); both models are trained class-balanced, so the label is the most
        probable class and ``held`` is None.
        """
        from voice.classify._finetune import fine_tune

        if self.holdout:
            split = StratifiedShuffleSplit(1, test_size=self.holdout, random_state=self.random_state)
            tr, ho = next(split.split(np.zeros(len(y_idx)), y_idx))
        else:
            tr, ho = np.arange(len(y_idx)), np.arange(0)
        encoder = fine_tune(
            [texts[i] for i in tr],
            [questions[i] for i in tr],
            y_idx[tr],
            w[tr],
            epochs=self.fine_tune_epochs,
            question_dropout=self.question_dropout,
            seed=self.random_state,
            progress=progress,
        )
        encoder.meta["holdout_rows"] = len(ho)
        if not len(ho):
            return _EncoderFit(encoder, config.FINE_TUNE_TEMPERATURE, config.FINE_TUNE_BLEND, None)
        held = encoder.logits([texts[i] for i in ho], [questions[i] for i in ho], cache=False)
        temperature = fit_temperature(held, y_idx[ho])
        p_enc = softmax(held / temperature, axis=1)
        p_lr = lr_proba[ho]
        best = fit_blend(p_lr, p_enc, y_idx[ho])
        return _EncoderFit(encoder, temperature, best, ((1 - best) * p_lr + best * p_enc, y_idx[ho]))

    def _question_columns(self, n_columns: int) -> slice | None:
        """Columns of the question one-hot: the design is tfidf | embedding | question | cues."""
        if "question" not in self.features:
            return None
        end = n_columns - (5 if "cues" in self.features else 0)
        return slice(end - 4, end)

    def _marginalised_coef(self, coef: np.ndarray, questions: Sequence[str | None]) -> np.ndarray:
        """``coef`` (changed in place): "no question known" gets the known kinds' mean weight, by frequency.

        A quote without a question is then scored as the expectation over the questions seen
        in training, rather than as an unseen category (whose weight would be 0).
        """
        cols = self._question_columns(coef.shape[1])
        if cols is None:
            return coef
        kinds = np.array([question_kind(q) for q in questions])
        freq = np.array([(kinds == k).sum() for k in (1, 2, 3)], dtype=float)
        if (kinds == 0).mean() > 0.5 or freq.sum() == 0:
            return coef  # enough unknown-question rows to learn their weight directly
        block = coef[:, cols]  # a view: setting its first column changes coef, in place
        block[:, 0] = block[:, 1:] @ (freq / freq.sum())
        return coef

    def _logits(self, texts, embeddings, questions) -> np.ndarray:
        texts = [str(t) for t in texts]
        questions = list(questions) if questions is not None else [None] * len(texts)
        embeddings = self._ensure_embeddings(texts, embeddings)
        return self.lr_.decision_function(self._design(texts, embeddings, questions))

    def predict_proba(
        self,
        X: Sequence[str],
        *,
        embeddings: np.ndarray | None = None,
        questions: Sequence[str | None] | None = None,
        weighted: bool = True,
        children: bool = True,
    ) -> np.ndarray:
        """The probabilities shown, columns in ``classes_`` order (corrections remembered).

        They are the calibrated probabilities with the decision weights applied (:meth:`weigh`),
        so the most probable class is the label proposed. ``weighted=False`` gives the
        calibrated probabilities before the weights (for measuring calibration);
        ``children=False`` leaves the children's reader out (:meth:`base_proba`).
        """
        check_is_fitted(self)
        texts = [str(t) for t in X]
        head = getattr(self, "local_head_", None)
        if len(self.memory_labels_) or head is not None:
            embeddings = self._ensure_embeddings(texts, embeddings)
        proba = self.base_proba(
            texts, embeddings=embeddings, questions=questions, weighted=weighted, children=children
        )
        if weighted and head is not None:
            proba = head.adjust(proba, embeddings)
        return self._recall(proba, embeddings)

    def base_proba(
        self,
        X: Sequence[str],
        *,
        embeddings: np.ndarray | None = None,
        questions: Sequence[str | None] | None = None,
        weighted: bool = True,
        children: bool = True,
    ) -> np.ndarray:
        """The model's own probabilities, before the local head and the memory of corrections
        (what the local head is fitted on).

        With a children's reader (``children_reader_``, :mod:`voice.classify._children`) its
        reading of children's words is mixed in after the decision weights, quote by quote by
        its gate; ``children=False`` leaves it out (the explanation's words read alone).
        """
        check_is_fitted(self)
        texts = [str(t) for t in X]
        proba = softmax(self._logits(texts, embeddings, questions) / self.temperature_, axis=1)
        if self.encoder_ is not None and self.blend_ > 0:
            enc = self.encoder_.logits(texts, questions)
            proba = (1 - self.blend_) * proba + self.blend_ * softmax(enc / self.encoder_temperature_, axis=1)
        proba = self.weigh(proba) if weighted else proba
        reader = getattr(self, "children_reader_", None)
        if children and reader is not None and len(texts):
            from voice.embed import default_embedder

            minilm = embeddings if embeddings is not None else default_embedder().embed(texts)
            proba = reader.blend(proba, texts, minilm)
        return proba

    def weigh(self, proba: np.ndarray) -> np.ndarray:
        """Calibrated probabilities with the decision weights applied, renormalised to sum to 1.

        The one place the decision rule turns into numbers: what ``predict_proba`` returns and
        ``decide``, ``predict``, the tagging queue, the app and the CLI show, so that a
        proposal is always its own most probable class.
        """
        check_is_fitted(self)
        scores = np.asarray(proba, dtype=float) * self.decision_weights_
        return scores / scores.sum(axis=1, keepdims=True)

    def decide(self, proba: np.ndarray) -> np.ndarray:
        """Labels from the shown probabilities (``predict_proba``): the most probable class."""
        check_is_fitted(self)
        return self.classes_[np.argmax(proba, axis=1)]

    def predict(
        self,
        X: Sequence[str],
        *,
        embeddings: np.ndarray | None = None,
        questions: Sequence[str | None] | None = None,
    ) -> np.ndarray:
        """Labels for texts."""
        check_is_fitted(self)
        return self.decide(self.predict_proba(X, embeddings=embeddings, questions=questions))

    # -- learning from corrections -----------------------------------------------------------

    def adapt(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        embeddings: np.ndarray | None = None,
        questions: Sequence[str | None] | None = None,
        settings: HeadSettings | None = None,
        center: np.ndarray | None = None,
    ) -> FeedbackClassifier:
        """Learn a council's tags: refit the local correction head and the memory from them
        alone, from scratch (the model itself is untouched, so no tags = the model as trained).
        ``center``: the mean unit embedding of the training quotes (see :func:`fit_head`)."""
        check_is_fitted(self)
        texts = [str(t) for t in texts]
        self.local_head_ = None
        emb: np.ndarray | None = None
        if texts:
            from voice.embed import default_embedder

            emb = default_embedder().embed(texts) if embeddings is None else embeddings
            base = self.base_proba(texts, embeddings=emb, questions=questions)
            y = np.searchsorted(self.classes_, np.asarray(labels))
            self.local_head_ = fit_head(base, emb, y, settings, center)
        self.memory_embeddings_, self.memory_labels_ = self._memory(emb, labels)
        return self

    def _memory(self, embeddings: np.ndarray | None, labels: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """People's corrections as a memory (unit embeddings, label indices) near-duplicates are pulled to.

        The regression (and the fine-tuned encoder, which corrections do not retrain) may still
        outvote a single correction; the memory makes a quote that is nearly the same as one a
        person tagged (cosine ≥ ``config.MEMORY_MIN_SIMILARITY``) take that person's label.
        """
        if embeddings is None or not len(labels):
            return np.zeros((0, 0), dtype=np.float32), np.zeros(0, dtype=int)
        return unit_rows(embeddings), np.searchsorted(self.classes_, np.asarray(labels))

    def _recall(self, proba: np.ndarray, embeddings: np.ndarray | None) -> np.ndarray:
        """Mix in the label of the most similar remembered correction, by similarity."""
        mem = self.memory_embeddings_
        if embeddings is None or not len(mem) or mem.shape[1] != np.shape(embeddings)[1]:
            return proba
        sims = unit_rows(embeddings) @ mem.T
        best = sims.argmax(axis=1)
        top = sims[np.arange(len(sims)), best]
        lo = config.MEMORY_MIN_SIMILARITY
        weight = config.MEMORY_WEIGHT * np.clip((top - lo) / (1 - lo), 0, 1)
        onehot = np.eye(len(self.classes_))[self.memory_labels_[best]]
        return (1 - weight[:, None]) * proba + weight[:, None] * onehot

    # -- explanations ------------------------------------------------------------------------

    def explain(
        self,
        text: str,
        question: str | None = None,
        embed: Callable[[list[str]], np.ndarray] | None = None,
        top: int = 5,
        *,
        tagged: Sequence[TaggedQuote] = (),
        me: str | None = None,
        show: Callable[[str], str] | None = None,
    ) -> Explanation:
        """Why this quote gets its proposal: the driving sentence, the nearest quotes people
        tagged (``tagged``, shown through ``show``; "you" for ``me``) and meaningful words
        (:func:`voice.classify._explain.explain`)."""
        check_is_fitted(self)
        return explain(self, text, question, embed, top, tagged=tagged, me=me, show=show)
