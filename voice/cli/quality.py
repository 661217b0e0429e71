"""``voice evaluate-themes | train-themes | benchmark themes``: theme quality, the theme guide, speed."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from voice import config
from voice.cli._util import (
    Format,
    app,
    benchmark_app,
    console,
    err,
    print_rows,
    progress_bar,
    progress_callback,
    user_errors,
)
from voice.cli.themes import Grouping, GroupingOption, Scheme, SchemeOption
from voice.errors import InputError
from voice.files import write_private_text
from voice.records import Quote

# -- evaluate and benchmark ------------------------------------------------------------------------

CodedData = Annotated[
    Path, typer.Option("--data", help="CSV with text and categories (';'-separated; the first counts).")
]
CODED_CORPUS = config.CORPUS_DIR / "nhs_fft_labelled.csv"


def _metrics_target(output: Path | None) -> Path:
    """Where evaluate-themes writes: -o, else $VOICE_HOME/themes-metrics.json (never the repository)."""
    return output or config.settings().home / "themes-metrics.json"


@app.command("evaluate-themes")
def evaluate_themes_cmd(
    data: CodedData = CODED_CORPUS,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            "--json-out",
            help="Write the JSON here (default $VOICE_HOME/themes-metrics.json).",
        ),
    ] = None,
    halves: Annotated[
        bool, typer.Option("--halves/--no-halves", help="Also report the tuning and held-out halves.")
    ] = True,
    guided: Annotated[
        bool,
        typer.Option(
            "--guide/--no-guide",
            help="Theme with guides learned from the other folds' categories (the default engine).",
        ),
    ] = True,
    topic_column: Annotated[
        str | None,
        typer.Option(
            "--topic-column",
            help="Score what `voice themes FILE` does against this column (e.g. topic) instead of "
            "retraining guides on 'categories'.",
        ),
    ] = None,
    split: Annotated[
        str | None, typer.Option("--split", help="With --topic-column: only rows whose 'split' is this.")
    ] = None,
    scheme: SchemeOption = Scheme.auto,
    group_by: GroupingOption = Grouping.framework,
) -> None:
    """Theme quality: AMI against coders' first category, vs TF-IDF + k-means with as many groups.

    The default engine uses a theme guide learned from coders' categories; here every split
    is themed with guides trained on other comments only (5-fold out-of-fold for the whole
    file, the other half for each half), and the engine without a guide is shown beside it.
    Also shows plain MiniLM + k-means (same number of groups) for context. Baselines are the
    mean over k-means seeds 0, 1, 2.

    With --topic-column (e.g. a children's set with hand-assigned topics): the file is themed as
    `voice themes FILE -o OUT --scheme SCHEME` does, and scored against that column.
    Writes the JSON to -o, or $VOICE_HOME/themes-metrics.json; never into the repository.
    """
    from voice.embed import default_embedder
    from voice.themes import evaluate_themes
    from voice.themes._evaluate import evaluate_scheme, read_categorised

    def step(text: str) -> None:
        err.print(f"[evaluate-themes] {text}")

    with user_errors():
        target = _metrics_target(output)
        if topic_column is None and (
            split is not None or scheme is not Scheme.auto or group_by is not Grouping.framework
        ):
            raise InputError("--split, --scheme and --group-by go with --topic-column")
        if topic_column is not None:
            rows_in = read_categorised(data, topic_column, split)
            name = split or "all"
            step(
                f"{name}: theming {len(rows_in.texts)} quotes (scheme {scheme.value}, grouped by "
                f"{group_by.value}), then the baselines"
            )
            with progress_bar("embedding") as bar:
                task = bar.add_task("embedding", total=None)
                result = evaluate_scheme(
                    rows_in,
                    default_embedder(),
                    scheme.value,
                    progress=progress_callback(bar, task),
                    group_by=group_by.value,
                )
            report: dict[str, Any] = {
                "data": data.name,
                "topic_column": topic_column,
                "split": split,
                "baseline_seeds": [0, 1, 2],
                "splits": {name: result},
            }
            rows = [
                {
                    "split": n,
                    "rows": r["rows"],
                    "topics": r["categories"],
                    "scheme": r["scheme"],
                    "themes": r["themes"],
                    "groups": r["groups"],
                    "smallest": r["smallest_theme"],
                    "AMI voice": r["ami_voice"],
                    "AMI TF-IDF+k-means": r["ami_tfidf_kmeans"],
                    "AMI MiniLM+k-means": r["ami_minilm_kmeans"],
                    "voice ÷ TF-IDF": r["ratio_vs_tfidf"],
                    "other": f"{r['other_share']:.1%}",
                    "seconds": r["seconds"],
                }
                for n, r in report["splits"].items()
            ]
        else:
            with progress_bar("embedding") as bar:
                task = bar.add_task("embedding", total=None)
                report = evaluate_themes(
                    data,
                    default_embedder(),
                    halves=halves,
                    guided=guided,
                    progress=progress_callback(bar, task),
                    on_step=step,
                )
            rows = [
                {
                    "split": name,
                    "rows": r["rows"],
                    "groups": r["groups"],
                    "AMI voice": r["ami_voice"],
                    "AMI no guide": r["ami_voice_without_guide"],
                    "AMI TF-IDF+k-means": r["ami_tfidf_kmeans"],
                    "AMI MiniLM+k-means": r["ami_minilm_kmeans"],
                    "voice ÷ TF-IDF": r["ratio_vs_tfidf"],
                    "MiniLM ÷ TF-IDF": r["ratio_minilm_vs_tfidf"],
                    "other": f"{r['other_share']:.1%}",
                    "non-answers": r["non_answers"],
                    "seconds": r["seconds"],
                }
                for name, r in report["splits"].items()
            ]
        print_rows(rows, list(rows[0].keys()), Format.table, title=f"theme quality on {data.name}")
        target.parent.mkdir(parents=True, exist_ok=True)
        write_private_text(target, json.dumps(report, indent=2))
        console.print(f"wrote {target}")


@app.command("train-themes")
def train_themes_cmd(
    data: CodedData = CODED_CORPUS,
    out: Annotated[
        Path, typer.Option("--out", help="Directory for guide.npz and guide.json.")
    ] = config.THEME_GUIDE_DIR,
) -> None:
    """Train the theme guide: coders' categories learned from sentence embeddings.

    The theme engine clusters in the guide's topic space (docs/THEMES.md). The shipped guide
    is trained on the labelled corpus; retrain it on a council's own coded feedback with
    --data.
    """
    from voice.embed import default_embedder, unit_rows
    from voice.themes import CategoryGuide, read_categorised

    with user_errors():
        rows = read_categorised(data)
        with progress_bar("embedding") as bar:
            task = bar.add_task("embedding", total=None)
            emb = unit_rows(default_embedder().embed(rows.texts, progress=progress_callback(bar, task)))
        guide = CategoryGuide.fit(emb, rows.categories)
        guide.meta["data"] = data.name
        guide.meta["data_sha256"] = hashlib.sha256(data.read_bytes()).hexdigest()
        guide.meta["embedding"] = default_embedder().version
        guide.save(out)
        left_out = len(guide.meta["left_out_categories"])
        console.print(
            f"wrote {out}: {len(guide.categories)} categories from {guide.meta['rows']} comments"
            + (f" ({left_out} rare categories left out)" if left_out else "")
        )


@app.command("train-scheme-chooser")
def train_scheme_chooser_cmd(
    nhs: CodedData = CODED_CORPUS,
    children: Annotated[
        list[Path] | None,
        typer.Option(
            "--children",
            help="Labelled CSV of children's quotes (text, label); repeat. Default: the training sets.",
        ),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", help="Directory for the chooser's guide.npz and guide.json.")
    ] = config.THEME_SCHEME_DIR,
) -> None:
    """Train the scheme chooser `voice themes --scheme auto` reads: children's words or NHS comments.

    A logistic regression over sentence embeddings (balanced classes) of the children's
    training quotes (config.CHILDREN_TRAINING_FILES; rows with a label) against the coded NHS
    comments (--data); never the children's test sets (docs/THEMES.md).
    """
    from voice.embed import default_embedder, unit_rows
    from voice.themes import is_non_answer, read_categorised, train_scheme_chooser

    files = children or [f for f in config.CHILDREN_TRAINING_FILES if f.exists()]
    with user_errors():
        texts: dict[str, list[str]] = {}
        for name, paths, column in (("children", files, "label"), ("nhs", [nhs], "categories")):
            rows = [t for p in paths for t in read_categorised(p, column).texts if not is_non_answer(t)]
            if not rows:
                raise InputError(f"no {name} quotes to learn from in {', '.join(p.name for p in paths)}")
            texts[name] = rows
        embedder = default_embedder()
        emb = {}
        with progress_bar("embedding") as bar:
            for name, rows in texts.items():
                task = bar.add_task(f"embedding {name}", total=len(rows))
                emb[name] = unit_rows(embedder.embed(rows, progress=progress_callback(bar, task)))
        chooser = train_scheme_chooser(emb["children"], emb["nhs"], embedder)
        chooser.meta["data"] = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in [*files, nhs]}
        chooser.save(out)
    console.print(
        f"wrote {out}: {len(texts['children'])} children's quotes, {len(texts['nhs'])} NHS comments"
    )


@benchmark_app.command("themes")
def benchmark_themes(
    small: Annotated[int, typer.Option(help="Quotes themed cold (embedding included).")] = 300,
    large: Annotated[int, typer.Option(help="Quotes themed with cached embeddings.")] = 10_000,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the JSON here.")] = None,
) -> None:
    """Seconds to theme a typical quarter cold and a large set with cached embeddings.

    Synthetic quote-like texts (voice/benchmark_data.py) and a fresh embedding cache. Each run
    shows the seconds spent loading the embedding model, embedding the quotes and theming them
    (lemmas, the lemma vocabulary's embeddings, clustering, labels, representatives). "small,
    first" is the first call in the process (model and spaCy loaded inside it); "small, again"
    has new texts with everything loaded; "large, cached" has every quote embedded beforehand;
    "large, warm" is a second run.
    """
    import resource
    import tempfile

    from voice.benchmark_data import synthetic_quotes
    from voice.embed import CachedEmbedder, EmbeddingCache, load_sentence_transformer
    from voice.themes import build_themes

    with user_errors(), tempfile.TemporaryDirectory() as tmp:
        embedder = CachedEmbedder(cache=EmbeddingCache(Path(tmp) / "e.sqlite"))
        results = []

        def run(name: str, texts: list[str], load: bool = False) -> None:
            quotes = [Quote(text=t) for t in texts]
            t0 = time.perf_counter()
            if load:
                load_sentence_transformer()
            t1 = time.perf_counter()
            embedder.embed(texts)
            t2 = time.perf_counter()
            r = build_themes(quotes, embedder)
            t3 = time.perf_counter()
            results.append(
                {
                    "run": name,
                    "quotes": len(texts),
                    "load_s": round(t1 - t0, 2),
                    "embed_s": round(t2 - t1, 2),
                    "themes_s": round(t3 - t2, 2),
                    "total_s": round(t3 - t0, 2),
                    "themes": len(r.themes),
                    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                }
            )
            console.print(results[-1])

        run("small, first", synthetic_quotes(small, seed=1), load=True)
        run("small, again", synthetic_quotes(small, seed=2))
        big = synthetic_quotes(large, seed=3)
        with progress_bar("embedding") as bar:
            task = bar.add_task(f"embedding {large} quotes (not timed)", total=large)
            embedder.embed(big, progress=progress_callback(bar, task))
        run("large, cached", big)
        run("large, warm", big)
        if output:
            write_private_text(output, json.dumps(results, indent=2))
        print_rows(results, list(results[0].keys()), Format.table, title="themes benchmark")
