"""Does training on real children's words (corpus/children/train.csv) cost the NHS corpus anything?

Five-fold cross-validation over the NHS feedback set, the same stratified folds as ``voice
evaluate`` (seed 0), of the shipped recipe (regression + fine-tuned MiniLM), once per weight
given to the children's training rows, which join every fold's training data. Each fold's model
also scores the children's **dev** rows (never trained on). Prints and writes one JSON line per
fold and a summary per weight.

    .venv/bin/python benchmarks/children_training_cv.py --weights 0,4 [--embeddings FILE.npz] [-o DIR]

Fine-tuning uses a CUDA GPU when torch sees one (figures in docs/BENCHMARKS.md were produced on
one); each fold runs in its own process (``--jobs``).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


_SEP = "\x1e"


def _rows(path: Path, split: str | None = None) -> list[dict]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return [r for r in csv.DictReader(fh) if split is None or r.get("split") == split]


def _data():
    from voice import config
    from voice.classify._model import corpus_training_set

    nhs = corpus_training_set()
    keep = [i for i, o in enumerate(nhs.origins) if o == "corpus:nhs_fft"]
    kids = [r for f in config.CHILDREN_TRAINING_FILES for r in _rows(f)]
    dev = _rows(ROOT / "corpus/children/quotes.csv", "dev")
    return nhs, keep, kids, dev


def _embeddings(texts: list[str], path: Path | None) -> np.ndarray:
    if path is not None and path.exists():
        saved = np.load(path, allow_pickle=False)
        saved_texts = saved["texts"].tobytes().decode("utf-8").split(_SEP)
        index = {t: i for i, t in enumerate(saved_texts)}
        return saved["emb"][[index[t] for t in texts]]
    from voice.embed import default_embedder

    emb = default_embedder().embed(texts)
    if path is not None:
        np.savez(path, texts=np.frombuffer(_SEP.join(texts).encode("utf-8"), dtype=np.uint8), emb=emb)
    return emb


def _fold(job: tuple[float, int, list[int], list[int], str | None]) -> dict:
    from sklearn.metrics import f1_score

    from voice.classify._estimator import FeedbackClassifier

    weight, k, tr, te, emb_path = job
    nhs, keep, kids, dev = _data()
    texts = [nhs.texts[i] for i in keep] + [r["text"] for r in kids] + [r["text"] for r in dev]
    emb_all = _embeddings(texts, Path(emb_path) if emb_path else None)
    n, m = len(keep), len(kids)
    y = np.array([nhs.labels[i] for i in keep])
    q = [nhs.questions[i] for i in keep]
    train_idx = list(tr)
    t_texts = [texts[i] for i in train_idx] + [r["text"] for r in kids] * (weight > 0)
    t_y = list(y[train_idx]) + [r["label"] for r in kids] * (weight > 0)
    t_q = [q[i] for i in train_idx] + [r.get("question") or None for r in kids] * (weight > 0)
    t_w = [1.0] * len(train_idx) + [weight] * (m if weight > 0 else 0)
    t_emb = np.vstack([emb_all[train_idx]] + ([emb_all[n : n + m]] if weight > 0 else []))
    clf = FeedbackClassifier(fine_tune=True).fit(
        t_texts, t_y, embeddings=t_emb, questions=t_q, sample_weight=np.array(t_w)
    )
    te = list(te)
    pred = clf.decide(
        clf.predict_proba([texts[i] for i in te], embeddings=emb_all[te], questions=[q[i] for i in te])
    )
    d_pred = clf.decide(
        clf.predict_proba(
            [r["text"] for r in dev],
            embeddings=emb_all[n + m :],
            questions=[r["question"] or None for r in dev],
        )
    )
    d_y = [r["label"] for r in dev]
    return {
        "weight": weight,
        "fold": k,
        "nhs_macro_f1": float(f1_score(y[te], pred, average="macro")),
        "nhs_pred": [str(p) for p in pred],
        "nhs_index": te,
        "dev_accuracy": float(np.mean([a == b for a, b in zip(d_y, d_pred, strict=True)])),
        "dev_reversed": int(sum({a, b} == {"good", "not_so_good"} for a, b in zip(d_y, d_pred, strict=True))),
    }


def main() -> None:
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--weights", default="0,4", help="weights of the children's rows, comma-separated")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=int(os.environ.get("JOBS", "5")))
    ap.add_argument("--embeddings", type=Path, help="an .npz of texts and embeddings (made if missing)")
    ap.add_argument("-o", "--output", type=Path)
    args = ap.parse_args()
    nhs, keep, kids, dev = _data()
    texts = [nhs.texts[i] for i in keep] + [r["text"] for r in kids] + [r["text"] for r in dev]
    _embeddings(texts, args.embeddings)
    y = np.array([nhs.labels[i] for i in keep])
    splits = list(StratifiedKFold(args.folds, shuffle=True, random_state=0).split(np.zeros(len(y)), y))
    weights = [float(w) for w in args.weights.split(",")]
    jobs = [
        (w, k, tr.tolist(), te.tolist(), str(args.embeddings) if args.embeddings else None)
        for w in weights
        for k, (tr, te) in enumerate(splits)
    ]
    out = args.output
    if out:
        out.mkdir(parents=True, exist_ok=True)
    results = []
    with ProcessPoolExecutor(args.jobs) as pool:
        for r in pool.map(_fold, jobs):
            results.append(r)
            print(json.dumps({k: v for k, v in r.items() if k not in ("nhs_pred", "nhs_index")}), flush=True)
    summary = []
    for w in weights:
        mine = [r for r in results if r["weight"] == w]
        pred = np.empty(len(y), dtype=object)
        for r in mine:
            pred[r["nhs_index"]] = r["nhs_pred"]
        summary.append(
            {
                "weight": w,
                "nhs_cv_macro_f1": round(float(f1_score(y, pred.astype(str), average="macro")), 4),
                "dev_accuracy_mean": round(float(np.mean([r["dev_accuracy"] for r in mine])), 4),
                "dev_reversed_mean": round(float(np.mean([r["dev_reversed"] for r in mine])), 2),
            }
        )
        print(json.dumps(summary[-1]), flush=True)
    if out:
        (out / "children_training_cv.json").write_text(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
