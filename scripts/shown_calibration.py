"""ECE of the proposals' confidence before and after the decision weights enter the shown probabilities.

One stratified fold of corpus/ (fold 0 of 5, seed 0, as ``voice evaluate``), the classifier without
fine-tuning (``voice evaluate --no-fine-tune``'s model; the fine-tuned one takes 30 minutes): trained
on the other four folds, scored on the held-out fold. "Before": the label's calibrated probability
as shown until now; "after": its probability in ``predict_proba`` (``FeedbackClassifier.weigh``).

Run: ``python scripts/shown_calibration.py``.
"""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import StratifiedKFold

from voice.classify import FeedbackClassifier, corpus_training_set, expected_calibration_error
from voice.embed import default_embedder


def main() -> None:
    data = corpus_training_set()
    y = np.asarray(data.labels)
    emb = default_embedder().embed(data.texts)
    tr, te = next(StratifiedKFold(5, shuffle=True, random_state=0).split(np.zeros(len(y)), y))
    clf = FeedbackClassifier().fit(
        [data.texts[i] for i in tr], y[tr], embeddings=emb[tr], questions=[data.questions[i] for i in tr]
    )
    args = ([data.texts[i] for i in te],)
    kw = {"embeddings": emb[te], "questions": [data.questions[i] for i in te]}
    raw = clf.predict_proba(*args, **kw, weighted=False)
    shown = clf.predict_proba(*args, **kw)
    label = np.argmax(shown, axis=1)
    right = clf.classes_[label] == y[te]
    rows = np.arange(len(te))
    before = expected_calibration_error(raw[rows, label], right)
    after = expected_calibration_error(shown[rows, label], right)
    disagree = float(np.mean(np.argmax(raw, axis=1) != label))
    print(f"decision weights {clf.decision_weights_.tolist()}; {len(te)} held-out quotes")
    print(f"label is not the most probable raw class: {disagree:.1%} of quotes")
    print(f"ECE before (label's calibrated probability): {before:.4f}")
    print(f"ECE after (shown, weighted + renormalised): {after:.4f}")
    print(
        f"mean confidence before {raw[rows, label].mean():.3f}, after {shown[rows, label].mean():.3f}, "
        f"accuracy {right.mean():.3f}"
    )


if __name__ == "__main__":
    main()
