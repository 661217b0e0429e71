"""Few-shot fine-tuning of the shipped encoder on a council's tags (issue #17 item 1, idea (e)).

The owner's check: a file of ~40 quotes, 20 (one half) tagged, the other half scored. Here,
for N random 40-quote subsets of ``--data`` (``--split``), each half in turn is the council's
tags; the shipped model's fine-tuned MiniLM is trained further on those 20 quotes alone
(class-balanced cross-entropy, the word embeddings frozen as in ``fine_tune``), put back into
the model, and the other half is scored: accuracy, reversed errors (good <-> not so good) and
the share of halves with accuracy >= 0.90 and at most 1 reversed, against the model as shipped.

    .venv/bin/python benchmarks/encoder_tags.py --settings 4:2e-5,8:2e-5,8:5e-5 [--embeddings F.npz]

A setting is ``epochs:learning_rate``. ``--embeddings`` is a cache of the texts' embeddings (written
when absent; ``children_training_cv._embeddings``). Uses a CUDA GPU when torch sees one.
"""

from __future__ import annotations

import argparse
import copy
import csv
import json
import sys
from pathlib import Path

import numpy as np
from children_training_cv import _embeddings  # this script's folder is on sys.path when run

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _tune(base_module, texts, labels, epochs: int, lr: float, seed: int):
    # A simplified voice.classify.fine_tune, kept on purpose: it continues from the shipped module
    # (fine_tune builds a fresh one) and drops the learning-rate schedule, length batching,
    # sample weights and questions, which 20 quotes do not need.
    import torch

    from voice.classify._finetune import FineTunedEncoder
    from voice.records import LABELS

    torch.manual_seed(seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    module = copy.deepcopy(base_module).to(device)
    enc = FineTunedEncoder(module)
    y = np.searchsorted(sorted(LABELS), labels)
    counts = np.bincount(y, minlength=3).astype(float)
    class_w = torch.tensor(len(y) / (3 * np.maximum(counts, 1)), dtype=torch.float32, device=device)
    opt = torch.optim.AdamW([p for p in module.parameters() if p.requires_grad], lr=lr, weight_decay=0.01)
    rng = np.random.default_rng(seed)
    module.train()
    for _ in range(epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), 8):
            b = order[start : start + 8]
            batch = {k: v.to(device) for k, v in enc._encode([texts[i] for i in b], [None] * len(b)).items()}
            target = torch.from_numpy(y[b]).to(device)
            loss = torch.nn.functional.cross_entropy(module(batch), target, weight=class_w)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return module.to("cpu").eval()


def _score(clf, texts, questions, emb, y) -> tuple[float, int]:
    pred = clf.decide(clf.predict_proba(texts, embeddings=emb, questions=questions))
    acc = float(np.mean([a == b for a, b in zip(y, pred, strict=True)]))
    rev = int(sum({a, b} == {"good", "not_so_good"} for a, b in zip(y, pred, strict=True)))
    return acc, rev


def main() -> None:
    from voice.classify import load_model, shipped_model_dir

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT / "corpus/children/quotes.csv")
    ap.add_argument("--split", default="dev")
    ap.add_argument("--halves", type=int, default=20)
    ap.add_argument("--subset", type=int, default=40)
    ap.add_argument("--settings", default="4:2e-5,8:2e-5,8:5e-5")
    ap.add_argument("--embeddings", type=Path)
    ap.add_argument("-o", "--output", type=Path)
    args = ap.parse_args()
    with args.data.open(newline="", encoding="utf-8-sig") as fh:
        rows = [r for r in csv.DictReader(fh) if not args.split or r.get("split") == args.split]
    texts = [r["text"] for r in rows]
    emb = _embeddings(texts, args.embeddings)
    model = load_model(shipped_model_dir())
    clf, encoder = model.classifier, model.classifier.encoder_
    base_module = encoder.module
    encoder.meta.pop("digest", None)  # logits computed afresh, never from the cache
    settings = [(int(e), float(r)) for e, r in (s.split(":") for s in args.settings.split(","))]
    results: dict[str, list[tuple[float, int]]] = {"shipped": []}
    results.update({f"{e} epochs, lr {r:g}": [] for e, r in settings})
    for s in range(args.halves):
        rng = np.random.default_rng(s)
        pick = rng.permutation(len(rows))[: args.subset]
        half = len(pick) // 2
        for tagged, scored in ((pick[:half], pick[half:]), (pick[half:], pick[:half])):
            sq = [rows[i].get("question") or None for i in scored]
            sy = [rows[i]["label"] for i in scored]
            encoder._module = base_module
            results["shipped"].append(_score(clf, [texts[i] for i in scored], sq, emb[scored], sy))
            for e, r in settings:
                encoder._module = _tune(
                    base_module, [texts[i] for i in tagged], [rows[i]["label"] for i in tagged], e, r, s
                )
                results[f"{e} epochs, lr {r:g}"].append(
                    _score(clf, [texts[i] for i in scored], sq, emb[scored], sy)
                )
        print(json.dumps({"split": s, **{k: v[-2:] for k, v in results.items()}}), flush=True)
    summary = {
        k: {
            "accuracy_mean": round(float(np.mean([a for a, _ in v])), 4),
            "reversed_mean": round(float(np.mean([r for _, r in v])), 3),
            "meets_share": round(float(np.mean([a >= 0.9 and r <= 1 for a, r in v])), 3),
            "halves": len(v),
        }
        for k, v in results.items()
    }
    print(json.dumps(summary, indent=1))
    if args.output:
        args.output.mkdir(parents=True, exist_ok=True)
        (args.output / "encoder_tags.json").write_text(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
