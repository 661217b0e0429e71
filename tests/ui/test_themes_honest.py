"""Issue #18: honest theme charts, the indicator panel's quotes and counts, and the scope of a rename.

AppTest on the real app, demo store, redactor and embedder, for each role that sees these pages.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
import test_app
from streamlit.testing.v1 import AppTest
from test_app import all_text, db, open_app

from voice.privacy import redact_texts
from voice.store import same_label, stored_themes, theme_quote_ids

demo_template = test_app.demo_template  # fixtures: the demo store, built once and copied per test
demo_home = test_app.demo_home
ROLES = ("officer", "report_writer", "scrutiny")


def charts(at: AppTest) -> list[tuple[dict, pd.DataFrame]]:
    """Every Altair chart on the page: its Vega-Lite spec and its data."""
    out = []
    for el in at.get("vega_lite_chart"):
        frames = [pa.ipc.open_stream(d.data.data).read_pandas() for d in el.proto.datasets]
        out.append((json.loads(el.proto.spec), frames[0] if frames else pd.DataFrame()))
    return out


def listed(at: AppTest) -> dict[str, str]:
    """Theme label -> its count as the list writes it ("16", "<5")."""
    out = {}
    for e in at.expander:
        label, rest = e.label.replace("\\", "").split(" — ", 1)
        out[label.removesuffix(" (pinned)")] = rest.split(" quote")[0]
    return out


@pytest.mark.parametrize("role", ROLES)
def test_overview_charts_and_list_agree(demo_home: Path, role: str) -> None:
    at = open_app("themes", role=role)
    empties = []
    for period in at.selectbox(key="themes_period").options[:2]:  # both have pinned themes with no quotes
        at.selectbox(key="themes_period").set_value(period).run()
        assert not at.exception, at.exception
        text, themes = all_text(at), listed(at)
        said = re.search(r"fell into (\d+) themes?\.", text)
        assert said and int(said.group(1)) == len(themes) > 0, (said, themes)
        assert "0" not in themes.values()  # no theme listed with 0 quotes
        empty = [c.value for c in at.caption if c.value.startswith("No quotes in")]
        empties += empty
        for caption in empty:  # officers and report writers: the themes with no quotes, apart
            assert not set(caption.split(": ", 1)[1].replace(" (pinned)", "").split(", ")) & set(themes)

        (split_spec, split), (trend_spec, trend) = [(s, d) for s, d in charts(at) if "theme" in d.columns][:2]
        assert (split["quotes"] > 0).all() and split["theme"].astype(bool).all()
        y, x = split_spec["encoding"]["y"], split_spec["encoding"]["x"]
        assert y["axis"]["labelLimit"] >= 200 and y["axis"]["labelOverlap"] is False
        assert x["axis"]["format"] == "d" and y["sort"]["order"] == "descending"
        for theme, bars in split.groupby("theme"):
            assert themes[theme] == str(bars["quotes"].sum()) == str(bars["total"].iloc[0])  # bar = list
        note = " ".join(c.value.replace("\\", "") for c in at.caption if "Not charted" in c.value)
        assert not note or ". Classes with fewer" in note  # two sentences, not "(5+).Classes"
        for theme, count in themes.items():  # every listed theme is charted or named as not charted
            assert theme in set(split["theme"]) or f"{theme} ({count})" in note, (theme, count, note)
        if role != "officer":  # report writers and scrutiny members: the small-number rule
            assert all(themes[t] != "<5" for t in split["theme"])
            shown = trend.dropna(subset=["quotes"])
            assert not ((shown["quotes"] > 0) & (shown["quotes"] < 5)).any()
            assert trend.loc[trend["hidden"], "quotes"].isna().all()
        else:
            assert not trend["hidden"].any() and trend["quotes"].notna().all()
        assert "facet" in trend_spec and set(trend["quarter"]) <= set(
            at.selectbox(key="themes_period").options
        )
    # only officers see themes with no quotes: everyone else reads the scrutiny view (no empty theme,
    # none under the small-number threshold)
    assert bool(empties) == (role == "officer")


def _cards(at: AppTest) -> list[tuple[str, list[str]]]:
    """The indicator panel: each theme line with the quote texts shown under it."""
    out: list[tuple[str, list[str]]] = []
    for m in (m.value.replace("\\", "") for m in at.markdown):
        if m.startswith("**") and "** — " in m:
            out.append((m, []))
        elif out and m.startswith("“"):
            out[-1][1].append(m[1:].split("”")[0])
    return out


@pytest.mark.parametrize("role", ["officer", "scrutiny"])
def test_indicator_panel_shows_only_linked_quotes_and_counts_what_it_shows(
    demo_home: Path, role: str
) -> None:
    at = open_app(role=role)
    at.selectbox(key="dashboard_period").set_value("2017/18 Q1").run()
    assert not at.exception, at.exception
    linked = next(c.value for c in at.caption if c.value.startswith("Linked quotes: ")).replace("\\", "")
    sources = linked.removeprefix("Linked quotes: ").split(", ")
    quotes = db(demo_home).quotes(period="2017/18 Q1")
    source_of = dict(zip(redact_texts([q.text for q in quotes]), [q.source for q in quotes], strict=True))
    cards = _cards(at)
    assert cards
    for line, texts in cards:
        count = re.search(r"— (<5|\d+) quotes?(?: \((\d+) shown\)| \(none shown\))?$", line)
        assert count, line
        n, shown = count.group(1), count.group(2)
        assert len(texts) == (int(shown) if shown else 0 if "none shown" in line else int(n)), line
        assert n != "<5" or shown or "none shown" in line  # a hidden count says how many are shown
        for t in texts:
            assert source_of[t] in sources, (t, source_of[t])


def _rename(at: AppTest, label: str, *, scope: str = "every", keep: bool = False) -> AppTest:
    at.text_input(key="rename_label").set_value(label)
    at.radio(key="rename_scope").set_value(scope)
    at.checkbox(key="rename_keep_both").set_value(keep)
    next(b for b in at.form_submit_button if b.label == "Rename").click().run()
    assert not at.exception, at.exception
    return at


def test_rename_warns_on_a_name_in_use_and_saves_nothing(demo_home: Path) -> None:
    at = open_app("themes", role="report_writer")
    at.selectbox(key="rename_id").select_index(0).run()
    store = db(demo_home)
    chosen = same_label(store, at.selectbox(key="rename_id").value)
    other = next(t for t in stored_themes(store) if t.pinned and t.id != chosen.id)
    assert "in every quarter unless you pick this quarter only" in all_text(at)
    _rename(at, other.label.upper())
    assert "already called" in " ".join(w.value for w in at.warning)
    assert same_label(store, chosen.label, except_id=other.id) == chosen  # nothing renamed
    _rename(at, other.label.upper(), keep=True)
    assert [t.label for t in stored_themes(store) if t.id == chosen.id] == [other.label.upper()]


def test_rename_this_quarter_only_leaves_the_other_quarters(demo_home: Path) -> None:
    at = open_app("themes", role="report_writer")
    period = at.selectbox(key="themes_period").value
    store = db(demo_home)
    chosen = same_label(store, at.selectbox(key="rename_id").value)
    here, everywhere = theme_quote_ids(store, chosen.id, period), theme_quote_ids(store, chosen.id)
    assert here and len(everywhere) > len(here)  # it has quotes in other quarters too
    _rename(at, "said this quarter", scope="period")
    new = same_label(store, "said this quarter")
    assert new is not None and new.id != chosen.id
    assert sorted(theme_quote_ids(store, new.id)) == sorted(here)
    assert sorted(theme_quote_ids(store, chosen.id)) == sorted(set(everywhere) - set(here))
    assert same_label(store, chosen.label).id == chosen.id  # the old name stays in the other quarters
    assert "said this quarter" in listed(at)


def test_merge_under_a_name_in_use_is_refused(demo_home: Path) -> None:
    at = open_app("themes", role="officer")
    store = db(demo_home)
    before = {t.id for t in stored_themes(store)}
    first, second = at.multiselect(key="merge_ids").options[:2]
    outside = next(t for t in stored_themes(store) if t.pinned and t.label not in (first, second))
    at.multiselect(key="merge_ids").set_value([first, second])
    label = next(t for t in at.text_input if t.label == "Label of the merged theme")
    label.set_value(outside.label)
    next(b for b in at.form_submit_button if b.label == "Merge").click().run()
    assert not at.exception, at.exception
    assert "already called" in " ".join(w.value for w in at.warning)
    assert {t.id for t in stored_themes(store)} == before  # nothing merged
