"""Labelling quotes good / unsure / not so good: the ``FeedbackClassifier`` estimator, fine-tuning of
the encoder, model files and learning from corrections, the tagging queue and evaluation.

May import: ``voice.embed``, ``voice.store`` (types), ``voice.records``, ``voice.config``.
"""

from ._adapt import HeadSettings, LocalHead, fit_head
from ._calibration import fit_decision_weights, fit_temperature
from ._children import ChildrensReader
from ._curve import learning_curve
from ._estimator import (
    CLASSES,
    FeedbackClassifier,
    cue_features,
    question_kind,
    split_sentences,
)
from ._evaluate import (
    confusion,
    cross_validate,
    expected_calibration_error,
    majority_baseline,
    metrics,
    tfidf_baseline,
    voice_candidate,
)
from ._explain import Explanation, TaggedQuote, meaningful, stop_words
from ._finetune import ENCODER_FILES, FineTunedEncoder, fine_tune
from ._model import (
    ModelError,
    TrainingSet,
    VoiceModel,
    active_model_dir,
    add_childrens_reader,
    children_training_set,
    combine,
    corpus_training_set,
    human_corrections,
    learn_corrections,
    load_model,
    local_model_dir,
    propose_labels,
    read_labelled_csv,
    save_model,
    set_childrens_reader,
    shipped_model_dir,
    train_model,
)
from ._queue import QueueItem, tagging_queue

__all__ = [
    "CLASSES",
    "ENCODER_FILES",
    "ChildrensReader",
    "Explanation",
    "FeedbackClassifier",
    "FineTunedEncoder",
    "HeadSettings",
    "LocalHead",
    "ModelError",
    "QueueItem",
    "TaggedQuote",
    "TrainingSet",
    "VoiceModel",
    "active_model_dir",
    "add_childrens_reader",
    "children_training_set",
    "combine",
    "confusion",
    "corpus_training_set",
    "cross_validate",
    "cue_features",
    "expected_calibration_error",
    "fine_tune",
    "fit_decision_weights",
    "fit_head",
    "fit_temperature",
    "human_corrections",
    "learn_corrections",
    "learning_curve",
    "load_model",
    "local_model_dir",
    "majority_baseline",
    "meaningful",
    "metrics",
    "propose_labels",
    "question_kind",
    "read_labelled_csv",
    "save_model",
    "set_childrens_reader",
    "shipped_model_dir",
    "split_sentences",
    "stop_words",
    "tagging_queue",
    "tfidf_baseline",
    "train_model",
    "voice_candidate",
]
