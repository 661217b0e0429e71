"""``voice evaluate-adaptation``: how fast the model learns a new domain from people's tags.

scikit-learn, numpy and matplotlib are imported inside the command, so that ``voice --help``
starts quickly.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Annotated

import typer

from voice import config
from voice.cli._util import (
    Format,
    app,
    console,
    err,
    print_rows,
    progress_bar,
    progress_callback,
    user_errors,
)
from voice.errors import InputError
from voice.files import private_dir, write_private_bytes, write_private_text

KS = "0,10,20,50,100"


@app.command("evaluate-adaptation")
def evaluate_adaptation(
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help="A labelled CSV (text, label, optional question). Default: the NHS corpus, one service "
            "left out at a time.",
        ),
    ] = None,
    by_column: Annotated[
        str | None,
        typer.Option(
            "--by-column",
            help="Leave each value of this column out in turn, training a base model (no fine-tuning) on "
            "the other rows. Without it (with --data) the file is one domain scored by the active model.",
        ),
    ] = None,
    split: Annotated[
        str | None, typer.Option(help="Only rows whose 'split' column is this (e.g. dev, holdout).")
    ] = None,
    ks: Annotated[str, typer.Option("--ks", help="Numbers of corrections, comma-separated.")] = KS,
    min_rows: Annotated[int, typer.Option(help="Leave out only groups with at least this many rows.")] = 150,
    in_domain_folds: Annotated[
        int,
        typer.Option(help="Folds of the in-domain reference (models trained on every group); 0 skips it."),
    ] = 5,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Folder for curve.json, curve.csv and curve.png.")
    ] = None,
    halves_n: Annotated[
        int,
        typer.Option(
            "--halves",
            help="Instead of the curve (with --data, no --by-column): N random splits of the file in two "
            "halves; k tags drawn at random from one half, the other half scored, both ways.",
        ),
    ] = 0,
    subset: Annotated[
        int | None,
        typer.Option(help="With --halves: split a random subset of this many quotes (e.g. 40: 20 / 20)."),
    ] = None,
) -> None:
    """Learning curve: feed k corrections from a domain in tagging-queue order, score the rest.

    For each k: accuracy, macro-F1 and reversed errors (good <-> not so good) on the quotes not
    yet tagged, beside the base model's on the same quotes; mean and spread over domains. With
    the NHS corpus, also the 9 seed children's quotes, each scored with the other 8 as tags.
    With --halves: mean and min accuracy on the other half, reversed errors, and the share of
    halves with accuracy >= 0.90 and at most 1 reversed error.
    """
    import numpy as np

    from voice.classify._curve import (
        Domain,
        base_models,
        learning_curve,
        read_rows,
        summarise,
    )
    from voice.classify._estimator import CLASSES
    from voice.embed import default_embedder, unit_rows

    with user_errors():
        k_values = sorted({int(k) for k in ks.split(",") if k.strip()})
        if not k_values or min(k_values) < 0:
            raise InputError("--ks takes numbers of corrections, e.g. 0,10,20,50,100")
        if data is None:
            data, by_column = config.CORPUS_DIR / "nhs_fft_labelled.csv", by_column or "service"
        if not data.exists():
            raise InputError(f"{data}: no such file")
        if halves_n and by_column:
            raise InputError("--halves takes one file (--data without --by-column)")
        if halves_n < 0 or (subset is not None and not halves_n):
            raise InputError("--halves takes a number of splits (and --subset only goes with it)")
        rows = read_rows(data, by_column, split)
        emb = default_embedder().embed(rows.texts)
        seed_report = None
        memory = None
        if by_column:
            seed = read_rows(config.CORPUS_DIR / "seed_quotes.csv")
            seed_emb = default_embedder().embed(seed.texts)
            with progress_bar("base models") as bar:
                task = bar.add_task("fitting base models (about 90 s each)", total=None)
                domains, seed_probas = base_models(
                    rows,
                    emb,
                    min_rows,
                    in_domain_folds,
                    progress_callback(bar, task),
                    extra=(seed.texts, seed.questions, seed_emb),
                )
            if seed_probas:
                seed_report = _seed_report(seed, seed_emb, seed_probas, unit_rows(emb).mean(axis=0))
        else:
            from voice.classify import load_model

            model = load_model()
            memory = model.classifier
            base = memory.base_proba(rows.texts, embeddings=emb, questions=rows.questions)
            y = np.searchsorted(CLASSES, np.array(rows.labels))
            center = unit_rows(model.train_embeddings).mean(axis=0)
            domains = [Domain(data.stem, y, emb, base, center=center)]
        if halves_n:
            _halves(domains[0], halves_n, k_values, memory, subset, output)
            return
        with progress_bar("learning curves") as bar:
            task = bar.add_task("feeding corrections", total=len(domains))
            curve = []
            for i, d in enumerate(domains):
                curve += learning_curve(d, k_values, memory=memory)
                bar.update(task, completed=i + 1)
        summary = summarise(curve)
        shown = curve_table(summary)
        print_rows(shown, list(shown[0]), Format.table, title="learning curve (mean over domains)")
        if len(domains) > 1:
            per = [
                {
                    "domain": r["domain"],
                    "tags": r["k"],
                    "scored": r["rest"],
                    "accuracy": f"{r['accuracy']:.3f}",
                    "acc., no tags": f"{r['base_accuracy']:.3f}",
                    "reversed": r["reversed"],
                    "rev., no tags": r["base_reversed"],
                }
                for r in curve
            ]
            print_rows(per, list(per[0]), Format.table, title="per domain (accuracy and reversed errors)")
        if seed_report:
            console.print(
                "seed children's quotes, each with the other 8 as tags: "
                f"accuracy {seed_report['accuracy_k0']} -> {seed_report['accuracy_k8']}, "
                f"reversed {seed_report['reversed_k0']} -> {seed_report['reversed_k8']}"
            )
        if output:
            _write(output, data, by_column, split, summary, curve, seed_report)


def halves_table(summary: list[dict]) -> list[dict]:
    """The halves check's summary with headers a person reads (halves.json keeps every field)."""
    return [
        {
            "tags": s["k"],
            "halves": f"{s['halves']} x {s['scored']}",
            "accuracy": f"{s['accuracy_mean']:.3f}",
            "lowest": f"{s['accuracy_min']:.2f}",
            "reversed": f"{s['reversed_mean']:.2f}",
            "most": s["reversed_max"],
            "meet target": f"{round(s['meets_share'] * s['halves'])} of {s['halves']}",
        }
        for s in summary
    ]


def curve_table(summary: list[dict]) -> list[dict]:
    """The learning curve's summary with headers a person reads (curve.json keeps every field)."""
    out = []
    for s in summary:
        row = {
            "tags": s["k"],
            "domains": s["domains"],
            "accuracy": f"{s['accuracy_mean']:.3f} ± {s['accuracy_sd']:.3f}",
            "gain": f"{s['gain_mean']:+.3f}",
            "gain range": f"{s['gain_min']:+.3f} to {s['gain_max']:+.3f}",
            "macro-F1": f"{s['macro_f1_mean']:.3f}",
            "reversed": f"{s['reversed_mean']:.2f} (no tags {s['base_reversed_mean']:.2f})",
        }
        if "gap_to_in_domain_mean" in s:
            row["gap to in-domain"] = f"{s['gap_to_in_domain_mean']:.3f}"
        out.append(row)
    return out


def _halves(domain, splits: int, ks: list[int], memory, subset: int | None, output: Path | None) -> None:
    """Print (and write, with ``output``) the halves check: see :func:`voice.classify._curve.halves`."""
    from voice.classify._curve import halves, summarise_halves

    rows = halves(domain, splits, ks, memory=memory, size=subset)
    if not rows:
        raise InputError("no k fits in a half: give smaller --ks")
    summary = summarise_halves(rows)
    shown = halves_table(summary)
    title = (
        f"{splits} random splits in two halves: tags from one half, the other half scored "
        "(halves x quotes scored; accuracy and reversed errors per half: mean, lowest, most; "
        "target: at least 0.90 and at most 1 reversed)"
    )
    print_rows(shown, list(shown[0]), Format.table, title=title)
    if output:
        directory = private_dir(output)
        report = {"splits": splits, "subset": subset, "summary": summary, "halves": rows}
        write_private_text(directory / "halves.json", json.dumps(report, indent=2))
        console.print(f"wrote {directory / 'halves.json'}")


def _seed_report(seed, seed_emb, seed_probas, center) -> dict:
    """The seed quotes scored by the in-domain fold models (mean probabilities), without and
    with the other 8 seed quotes as tags."""
    import numpy as np

    from voice.classify._curve import _score, leave_one_out_rest
    from voice.classify._estimator import CLASSES

    y = np.searchsorted(CLASSES, np.array(seed.labels))
    base = np.mean(seed_probas, axis=0)
    adapted = np.mean([leave_one_out_rest(p, seed_emb, y, center=center) for p in seed_probas], axis=0)
    acc0, rev0 = _score(y, base.argmax(axis=1))
    acc8, rev8 = _score(y, adapted.argmax(axis=1))
    return {
        "n": len(y),
        "accuracy_k0": round(acc0, 4),
        "reversed_k0": rev0,
        "accuracy_k8": round(acc8, 4),
        "reversed_k8": rev8,
        "predictions": [
            {"text": t, "label": lab, "k0": str(CLASSES[a]), "k8": str(CLASSES[b])}
            for t, lab, a, b in zip(seed.texts, seed.labels, base.argmax(1), adapted.argmax(1), strict=True)
        ],
    }


def _write(output: Path, data: Path, by_column, split, summary, curve, seed_report) -> None:
    directory = private_dir(output)
    report = {
        "data": str(data),
        "by_column": by_column,
        "split": split,
        "summary": summary,
        "curve": curve,
        "seed_children_quotes": seed_report,
    }
    write_private_text(directory / "curve.json", json.dumps(report, indent=2))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(curve[0].keys()))
    writer.writeheader()
    writer.writerows(curve)
    write_private_text(directory / "curve.csv", buf.getvalue())
    try:
        write_private_bytes(directory / "curve.png", _plot(summary, curve, data.stem))
    except ImportError:
        err.print("warning: no curve.png: matplotlib is not installed (run scripts/install.sh)")
        console.print(f"wrote {directory / 'curve.json'} and curve.csv")
        return
    console.print(f"wrote {directory / 'curve.json'}, curve.csv and curve.png")


def _plot(summary: list[dict], curve: list[dict], title: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=110)
    for name in dict.fromkeys(r["domain"] for r in curve):
        at = [r for r in curve if r["domain"] == name]
        ax.plot([r["k"] for r in at], [r["accuracy"] for r in at], color="0.75", lw=1, marker=".")
    ks = [r["k"] for r in summary]
    ax.plot(
        ks, [r["accuracy_mean"] for r in summary], color="C0", lw=2, marker="o", label="with the local head"
    )
    base = [r["accuracy_mean"] - r["gain_mean"] for r in summary]
    ax.plot(ks, base, color="C1", lw=2, ls="--", marker="o", label="base model, same quotes")
    if all("gap_to_in_domain_mean" in r for r in summary):
        ind = [r["accuracy_mean"] + r["gap_to_in_domain_mean"] for r in summary]
        ax.plot(ks, ind, color="C2", lw=1.5, ls=":", marker="o", label="in-domain model, same quotes")
    ax.set_xlabel("corrections tagged (tagging-queue order)")
    ax.set_ylabel("accuracy on the rest of the domain")
    ax.set_title(f"Learning a new domain from corrections ({title})")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()
