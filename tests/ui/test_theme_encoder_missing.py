"""The app without the second theme encoder installed: the Themes page says so and how to fix it."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_app import all_text, db, demo_home, demo_template, open_app  # noqa: F401  (fixtures)

from voice.embed import _mpnet
from voice.errors import ModelError
from voice.records import Quote


def test_the_themes_page_names_a_missing_theme_encoder_and_the_fix(
    demo_home: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = db(demo_home)
    store.add_quotes(  # a new quarter: texts no encoder has read, so all-mpnet-base-v2 is needed
        [Quote(text=f"My new social worker visits every week ({n}).", period="2031/32 Q1") for n in range(12)]
    )
    store.engine.dispose()

    def missing():
        raise ModelError(
            "the theme encoder all-mpnet-base-v2 is not installed (x): run bash scripts/install.sh"
        )

    monkeypatch.setattr(_mpnet, "_MODEL", [])
    monkeypatch.setattr(_mpnet, "load_mpnet", missing)
    at = open_app("themes")
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert any("Themes cannot be made on this machine" in e and "scripts/install.sh" in e for e in errors), (
        errors
    )
