"""A key press tags the quote that was on screen, even when the queue is re-ranked before the page
runs again (the background learner finishing in between did that: a quote nobody saw was tagged
and the one on screen stayed, found with benchmarks/tagging_latency.py)."""

from __future__ import annotations

import pytest
from test_undo_own_tag import council, tagging_page  # noqa: F401  (the fixture and the page)

from voice.records import HUMAN
from voice.store import Store
from voice.ui import learning


def _shown(at) -> str:
    values = [m.value for m in at.markdown]
    start = next(i for i, v in enumerate(values) if v.startswith("#### Next quote"))
    return next(v for v in values[start:] if v.startswith("\u201c"))


@pytest.mark.parametrize("key", ["tag_good", "tag_not_so_good"])
def test_the_tag_goes_to_the_quote_on_screen_after_a_reorder(council: Store, key: str) -> None:  # noqa: F811
    at = tagging_page()
    shown = _shown(at)
    [first] = [q for q in council.quotes() if shown.startswith(f"\u201c{q.text[:30]}")]
    at.session_state["skipped"] = {first.id}  # the queue changes order before the key press is read
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    tagged = [t.quote_id for t in council.all_tags() if t.origin == HUMAN]
    assert tagged == [first.id]
    assert learning.wait_all(600)  # the learner the tag started ends inside the test
