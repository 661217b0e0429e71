"""``voice train | classify | evaluate | queue | benchmark classify``: the classifier commands.

scikit-learn, torch and numpy are imported inside the commands, so that ``voice --help`` and the
commands that need no model start quickly.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from voice import config
from voice.cli._util import (
    Format,
    app,
    benchmark_app,
    console,
    err,
    open_store,
    print_rows,
    progress_bar,
    progress_callback,
    propose_store_labels,
    screen_and_say,
    user_errors,
    warn_file_concerns,
)
from voice.errors import InputError
from voice.files import write_private_text
from voice.ingest.quote_file import QuoteFileError, RowError, iter_rows


@app.command("train")
def train(
    name: Annotated[str, typer.Option(help="Model name: writes models/<name>/.")] = config.DEFAULT_MODEL_NAME,
    out: Annotated[Path | None, typer.Option(help="Output folder (default models/<name>).")] = None,
    with_store: Annotated[
        bool, typer.Option("--with-store/--corpus-only", help="Add the human tags in the store.")
    ] = True,
    fine_tune: Annotated[
        bool,
        typer.Option(
            "--fine-tune/--no-fine-tune",
            help="Also fine-tune MiniLM end to end (5 to 10 minutes on 2 cores; the shipped model is).",
        ),
    ] = True,
) -> None:
    """Train the classifier on corpus/ plus every human tag in the store; write models/<name>/."""
    from voice.classify import combine, corpus_training_set, human_corrections, save_model, train_model

    with user_errors():
        data = corpus_training_set()
        if with_store:
            data = combine(data, human_corrections(open_store(), data))
        with progress_bar("training") as bar:
            task = bar.add_task("embedding training texts", total=len(data))
            tune = bar.add_task("fine-tuning MiniLM", total=None, visible=fine_tune)
            model = train_model(
                data,
                name=name,
                progress=progress_callback(bar, task),
                fine_tune=fine_tune,
                fine_tune_progress=progress_callback(bar, tune),
            )
        target = save_model(model, out or config.MODELS_DIR / name)
        counts = model.meta["rows_per_class"]
        console.print(f"trained {model.version} on {len(data)} rows {counts}; wrote {target}")


@app.command("train-children-reader")
def train_children_reader(
    model_dir: Annotated[
        Path | None,
        typer.Option("--model", help="Model folder to add it to (default: the shipped models/<name>/)."),
    ] = None,
    remove: Annotated[
        bool, typer.Option("--remove", help="Take the reader out of the model instead.")
    ] = False,
) -> None:
    """Fit the children's reader from a model's own training rows and save it into the model.

    The reader reads children's words with all-mpnet-base-v2 (a regression over the children's
    training quotes) and a gate that tells them from NHS comments; each quote's proposal mixes
    it in by the gate (docs/CLASSIFIER.md). `voice train` fits it too; this adds it to a model
    already trained, leaving every other weight as it was.
    """
    from voice.classify import add_childrens_reader, load_model, save_model, set_childrens_reader

    target = model_dir or config.MODELS_DIR / config.DEFAULT_MODEL_NAME
    with user_errors():
        model = load_model(target)
        if remove:
            set_childrens_reader(model, None)
        else:
            with progress_bar("children's reader") as bar:
                task = bar.add_task("embedding children's quotes with mpnet", total=None)
                add_childrens_reader(model, progress=progress_callback(bar, task))
            if model.classifier.children_reader_ is None:
                raise InputError(
                    f"{target}: its training rows have no children's quotes of every label beside NHS "
                    "comments, so there is nothing to fit a children's reader on"
                )
        save_model(model, target)
    state = "removed from" if remove else "added to"
    console.print(f"children's reader {state} {target}")


def _read_input(path: Path) -> tuple[list[dict], list[str]]:
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    rows = list(iter_rows(path))
    if not rows:
        raise QuoteFileError([RowError(path.name, 0, "", "the file has a header but no rows")])
    return rows, list(rows[0].keys())


def _learned_every_tag(store_exists: bool) -> None:
    """Learn the people's tags the council's model has not learned yet (a `voice tag` learner
    may still be running in the background), so that proposals never come from an older model."""
    from voice.cli import _learning

    if not store_exists and not config.settings().store_exists:
        return  # classifying a file on a machine with no store: nothing was tagged
    if _learning.ensure_learned(open_store()):
        err.print("learned the latest tags first")


@app.command("classify")
def classify(
    input: Annotated[
        Path | None, typer.Argument(help="CSV/XLSX with a 'text' column (optional 'question').")
    ] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Output CSV/XLSX/JSON.")] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Add the words/sentence that decided each label.")
    ] = False,
) -> None:
    """Classify a file (with -o), or the quotes in the store that no person has tagged.

    The output keeps every input column and adds label, p_good, p_unsure, p_not_so_good and
    model_version. Empty text gets no label and a warning.
    """
    from voice.classify import load_model
    from voice.report import write_table

    with user_errors():
        _learned_every_tag(input is None)
        model = load_model()
        if input is None:
            store = open_store()
            screen_and_say(store)  # quotes stored before screening existed are read now
            propose_store_labels(store, model)
            return
        if output is None:
            raise InputError("give -o OUTPUT when classifying a file (or no INPUT to classify the store)")
        rows, columns = _read_input(input)
        if "label" in columns:  # the input's own label is kept beside the prediction
            columns = ["input_label" if c == "label" else c for c in columns]
            for r in rows:
                r["input_label"] = r.pop("label", "")
        texts = [str(r.get("text") or "").strip() for r in rows]
        questions = [str(r.get("question") or "").strip() or None for r in rows]
        keep = [i for i, t in enumerate(texts) if t]
        warn_file_concerns(texts, input.name)
        for i, t in enumerate(texts):
            if not t:
                err.print(f"warning: {input.name}, row {i + 2}: empty text, no label given")
        with progress_bar("classifying") as bar:
            task = bar.add_task(f"classifying {len(keep)} quotes", total=len(keep))
            labels, proba = model.classify(
                [texts[i] for i in keep], [questions[i] for i in keep], progress_callback(bar, task)
            )
        extra = ["label", "p_good", "p_unsure", "p_not_so_good", "model_version"] + (
            ["explanation"] if explain else []
        )
        for r in rows:
            r.update({c: "" for c in extra})
        for j, i in enumerate(keep):
            p = dict(zip(model.classifier.classes_, proba[j], strict=True))
            rows[i].update(
                label=str(labels[j]),
                p_good=round(float(p["good"]), 4),
                p_unsure=round(float(p["unsure"]), 4),
                p_not_so_good=round(float(p["not_so_good"]), 4),
                model_version=model.version,
            )
            if explain:
                e = model.classifier.explain(texts[i], questions[i])
                rows[i]["explanation"] = e.reason
        write_table(rows, output, [*columns, *extra])
        counts = {str(c): int((labels == c).sum()) for c in model.classifier.classes_}
        console.print(f"classified {len(keep)} quotes with {model.version}: {counts}; wrote {output}")


@app.command("queue")
def queue(
    limit: Annotated[int, typer.Option(help="How many quotes to list.")] = 20,
    period: Annotated[str | None, typer.Option(help="Only this period.")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table, csv or json.")] = Format.table,
) -> None:
    """Quotes no person has tagged yet, most useful to tag first (smallest margin first)."""
    from voice.classify import load_model, tagging_queue

    with user_errors():
        _learned_every_tag(True)
        items = tagging_queue(open_store(), load_model(), period=period)[:limit]
        rows = [
            {
                "id": i.quote.id,
                "text": i.quote.text,
                "proposal": i.label,
                "confidence": round(i.confidence, 3),
                "margin": round(i.margin, 3),
            }
            for i in items
        ]
        if not rows and fmt is Format.table:
            console.print("the queue is empty: every quote has a human tag")
            return
        print_rows(rows, ["id", "text", "proposal", "confidence", "margin"], fmt, title="tag these first")


@app.command("evaluate")
def evaluate(
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Evaluate the shipped model on this labelled CSV (text, label)."),
    ] = None,
    folds: Annotated[int, typer.Option(help="Cross-validation folds.")] = 5,
    fine_tune: Annotated[
        bool,
        typer.Option(
            "--fine-tune/--no-fine-tune",
            help="Evaluate the model as shipped, with fine-tuned MiniLM (15 to 30 minutes on 2 cores), "
            "or without (about a minute).",
        ),
    ] = True,
    holdout: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=0.5,
            help="Share of each training fold kept out of fine-tuning to calibrate it; 0 fine-tunes on "
            "everything with a fixed temperature and blend (docs/CLASSIFIER.md).",
        ),
    ] = config.FINE_TUNE_HOLDOUT,
    question_dropout: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=1.0,
            help="Share of training quotes the encoder sees without their question (0: always with it).",
        ),
    ] = config.FINE_TUNE_QUESTION_DROPOUT,
    children_reader: Annotated[
        bool,
        typer.Option(
            "--children-reader/--no-children-reader",
            help="Give every fold's model the children's reader, as shipped (docs/CLASSIFIER.md).",
        ),
    ] = True,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write the JSON here (default models/<name>/metrics.json)."),
    ] = None,
) -> None:
    """Cross-validate the classifier against TF-IDF and majority baselines on the corpus.

    Every fold's Voice model also learns from the children's training quotes, as the shipped
    model does (never scored), and gets the children's reader fitted on them (its gate against
    the fold's own NHS rows; --no-children-reader leaves it out). Also reports the 9 seed
    children's quotes, predicted by each fold's model (trained without them): labels by majority
    vote, probabilities averaged; and the Voice model's test quotes given again without their
    question, as a report's quotes come.
    """
    import numpy as np

    from voice.classify import (
        children_training_set,
        cross_validate,
        load_model,
        majority_baseline,
        metrics,
        read_labelled_csv,
        tfidf_baseline,
        voice_candidate,
    )

    with user_errors():
        if data is not None:
            model = load_model()
            ts = read_labelled_csv(data, "file")
            if not len(ts):
                raise InputError(f"{data}: no rows with text and a label (good / unsure / not_so_good)")
            labels, proba = model.classify(ts.texts, ts.questions)
            result = {"data": str(data), "model": model.version, **metrics(ts.labels, labels, proba)}
            _print_metrics({model.version: result})
            if output:
                write_private_text(output, json.dumps(result, indent=2))
            return
        from voice.embed import default_embedder

        corpus = read_labelled_csv(config.CORPUS_DIR / "nhs_fft_labelled.csv", "corpus")
        with progress_bar("embedding") as bar:
            task = bar.add_task("embedding corpus", total=len(corpus))
            emb = default_embedder().embed(corpus.texts, progress=progress_callback(bar, task))
        seed = read_labelled_csv(config.CORPUS_DIR / "seed_quotes.csv", "seed")
        seed_emb = default_embedder().embed(seed.texts)
        kids = children_training_set()  # joins every fold's training data, as shipped; never scored
        # no training file: no rows, as wide as the corpus embeddings (the embedder's width)
        kids_emb = (
            default_embedder().embed(kids.texts) if len(kids) else np.zeros((0, emb.shape[1]), emb.dtype)
        )
        with progress_bar("cross-validating") as bar:
            tune = bar.add_task("fine-tuning (this fold)", total=None, visible=fine_tune)
            voice = voice_candidate(
                corpus.texts,
                corpus.labels,
                corpus.questions,
                emb,
                fine_tune=fine_tune,
                holdout=holdout,
                question_dropout=question_dropout,
                extra=(seed.texts, seed.questions, seed_emb),
                fine_tune_progress=progress_callback(bar, tune),
                always_train=(kids.texts, kids.labels, kids.questions, kids_emb, np.array(kids.weights)),
                children_reader=children_reader,
            )
            cands = [voice, tfidf_baseline(corpus.texts, corpus.labels), majority_baseline(corpus.labels)]
            task = bar.add_task("cross-validating", total=folds * len(cands))
            results = cross_validate(
                corpus.labels, cands, folds=folds, progress=lambda _n, _k: bar.advance(task)
            )
        seed_proba = np.mean([p for _, p in voice.extra], axis=0)
        votes = zip(*(lab for lab, _ in voice.extra), strict=True)
        seed_pred = [Counter(col).most_common(1)[0][0] for col in votes]
        seed_result = metrics(seed.labels, seed_pred, seed_proba)
        seed_result["predictions"] = [
            {"text": t, "label": lab, "predicted": str(p)}
            for t, lab, p in zip(seed.texts, seed.labels, seed_pred, strict=True)
        ]
        report = {
            "data": "corpus/nhs_fft_labelled.csv",
            "folds": folds,
            "rows": len(corpus),
            "children_training_rows": {"rows": len(kids), "weight": config.CHILDREN_TRAINING_WEIGHT},
            "children_reader": children_reader,
            "cross_validation": results,
            "seed_children_quotes": seed_result,
        }
        if fine_tune:
            report["fine_tuning"] = {"holdout": holdout, "question_dropout": question_dropout}
        unasked = voice.no_question_metrics(corpus.labels)
        if unasked is not None:
            report["cross_validation_without_question"] = {voice.name: unasked}
        _print_metrics(results)
        if unasked is not None:
            console.print(
                "the same test quotes given without their question: "
                f"macro-F1 {unasked['macro_f1']}, unsure F1 {unasked['per_class']['unsure']['f1']}, "
                f"accuracy {unasked['accuracy']}, ECE {unasked.get('ece', '')}"
            )
        console.print(
            "seed children's quotes (each fold's model, trained without them; majority vote): "
            f"accuracy {seed_result['accuracy']}, "
            f"macro-F1 {seed_result['macro_f1']} on {seed_result['n']} quotes"
        )
        target = output or config.MODELS_DIR / config.DEFAULT_MODEL_NAME / "metrics.json"
        write_private_text(target, json.dumps(report, indent=2))
        console.print(f"wrote {target}")


def _print_metrics(results: dict[str, dict]) -> None:
    rows = []
    for name, m in results.items():
        pc = m["per_class"]
        rows.append(
            {
                "model": name,
                "accuracy": m["accuracy"],
                "macro_f1": m["macro_f1"],
                "f1_good": pc["good"]["f1"],
                "f1_unsure": pc["unsure"]["f1"],
                "f1_not_so_good": pc["not_so_good"]["f1"],
                "ece": m.get("ece", ""),
            }
        )
    print_rows(rows, list(rows[0].keys()), Format.table, title="classifier evaluation")


@benchmark_app.command("classify")
def benchmark_classify(
    sizes: Annotated[str, typer.Option(help="Comma-separated numbers of quotes.")] = "1000,10000",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the JSON here.")] = None,
) -> None:
    """Quotes per second cold (model load + embed) and warm (cached), and peak memory."""
    import resource
    import tempfile

    from voice.benchmark_data import synthetic_quotes
    from voice.classify import load_model

    with user_errors():
        results = []
        for n in [int(s) for s in sizes.split(",")]:
            texts = synthetic_quotes(n, seed=n)
            with tempfile.TemporaryDirectory() as tmp:
                import voice.embed as embed_module
                from voice.embed import CachedEmbedder, EmbeddingCache

                embed_module._DEFAULT = CachedEmbedder(cache=EmbeddingCache(Path(tmp) / "e.sqlite"))
                t0 = time.perf_counter()
                model = load_model()
                load_s = time.perf_counter() - t0
                t1 = time.perf_counter()
                model.classify(texts)
                cold = time.perf_counter() - t0
                embed_cold = time.perf_counter() - t1
                t2 = time.perf_counter()
                model.classify(texts)
                warm = time.perf_counter() - t2
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            results.append(
                {
                    "quotes": n,
                    "model_load_s": round(load_s, 2),
                    "cold_s": round(cold, 2),
                    "cold_quotes_per_s": round(n / cold, 1),
                    "embed_and_classify_s": round(embed_cold, 2),
                    "warm_s": round(warm, 2),
                    "warm_quotes_per_s": round(n / warm, 1),
                    "peak_rss_mb": round(peak_mb),
                }
            )
            console.print(results[-1])
        if output:
            write_private_text(output, json.dumps(results, indent=2))
        print_rows(results, list(results[0].keys()), Format.table, title="classify benchmark")


@benchmark_app.command("learn")
def benchmark_learn(
    corrections: Annotated[int, typer.Option(help="How many corrections to learn.")] = 10,
) -> None:
    """Seconds to learn corrections into the full-corpus model (the local correction head)."""
    import numpy as np

    from voice.classify import TrainingSet, load_model

    with user_errors():
        model = load_model()
        ts = TrainingSet()
        for i in range(corrections):
            ts.add(f"my social worker never calls me back {i}", "not_so_good", None, 5.0, "bench")
        model.learn(TrainingSet(ts.texts[:1], ts.labels[:1], [None], [5.0], ["bench"]))  # embed model warm
        times = []
        for _ in range(3):
            t = time.perf_counter()
            model.learn(ts)
            times.append(time.perf_counter() - t)
        console.print(
            f"learned {corrections} corrections into {len(model.train)} corpus rows: "
            f"median {float(np.median(times)):.2f} s (runs: {', '.join(f'{x:.2f}' for x in times)})"
        )
