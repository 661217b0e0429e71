"""A file whose ``label`` column is not Voice's (a safeguarding set's concern / none) imports untagged."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from voice.cli import app
from voice.ingest._label_column import foreign_label_values
from voice.ingest.quote_file import QuoteFileError, read_quote_file
from voice.store import Store

runner = CliRunner()


def _csv(path: Path, rows: list[tuple[str, str]]) -> Path:
    lines = ["text,label"] + [f'"{t}",{lab}' for t, lab in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_column_without_one_feedback_label_is_foreign() -> None:
    assert foreign_label_values(["concern", "none", "", "concern"]) == ["concern", "none"]
    assert foreign_label_values(["concern", "good", "none"]) is None  # one real label: typos, refused
    assert foreign_label_values(["What's not so good?"]) is None
    assert foreign_label_values(["", " "]) is None


def test_foreign_labels_are_set_aside_with_a_warning(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "concerns.csv",
        [("Nobody listens to me at home.", "concern"), ("Youth club is fun.", "none")],
    )
    parsed = read_quote_file(path)
    assert len(parsed.quotes) == 2 and parsed.tags == []
    assert any("column 'label' holds no feedback label" in w and "'concern'" in w for w in parsed.warnings)


def test_a_mix_of_labels_and_typos_is_still_refused_by_row(tmp_path: Path) -> None:
    path = _csv(tmp_path / "typos.csv", [("Staff were kind.", "good"), ("The wait was long.", "not so god")])
    with pytest.raises(QuoteFileError) as exc:
        read_quote_file(path)
    assert "typos.csv, row 3, column 'label'" in str(exc.value)


def test_voice_import_stores_the_quotes_untagged_and_says_why(voice_home: Path, tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "sg.csv",
        [("I like my foster carers.", "none"), ("My dad hits me when he is drunk.", "concern")],
    )
    first = runner.invoke(app, ["import", str(path)])
    assert first.exit_code == 0, first.output
    assert "holds no feedback label" in first.output
    assert "added 2 quotes and 0 tags" in first.output
    again = runner.invoke(app, ["import", str(path)])
    assert "added 0 quotes and 0 tags (2 already stored)" in again.output
    store = Store(f"sqlite:///{voice_home / 'voice.db'}")
    assert store.count_quotes() == 2 and store.all_tags() == []
