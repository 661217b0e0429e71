"""In a real browser: an officer opening the Tag page in demo mode sees the flagged quote first.

`streamlit run` headless on a demo store holding one disclosure, Chromium through Playwright
(as tests/test_browser.py). Skipped when Chromium is not installed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import test_browser
from test_browser import CHROMIUM, Served, _open, _settle, _shots_dir, serve

from voice.records import Quote

browser = test_browser.browser  # a headless Chromium for this module (fixture)
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium not installed: apt-get install -y chromium"),
]

DISCLOSURE = Quote(
    "My stepdad hits me when mum is out and says keep it a secret.",
    source="Children's Rights Service: Child Protection",
    period="2017/18 Q4",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The demo store with one disclosure stored but not yet screened, served in demo mode."""
    from voice.demo import ensure_demo
    from voice.store import Store

    home = tmp_path_factory.mktemp("concern-home")
    store = Store(f"sqlite:///{home / 'demo.db'}")
    ensure_demo(store)
    from voice.embed import default_embedder
    from voice.safeguarding import review_flag, screen_store
    from voice.store import flagged_quotes

    screen_store(store, embedder=default_embedder())  # the demo set's own flags were read already
    for item in flagged_quotes(store):
        review_flag(store, item.quote.id, "not a concern", "earlier officer")
    store.add_quotes([DISCLOSURE])  # as a path that stored it before screening existed
    store.close()
    yield from serve(home)


def test_the_officer_sees_the_concern_first_and_records_a_review(
    server: Served,
    browser,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    from voice.store import Store, flagged_quotes

    page = _open(browser, f"{server}/tag")
    page.get_by_role("heading", name="Tag quotes").first.wait_for(timeout=300_000)
    _settle(page)
    main = page.get_by_test_id("stMain")
    headings = [h.strip() for h in main.get_by_role("heading").all_inner_texts() if h.strip()]
    assert headings[:2] == ["Tag quotes", "Concerns: 1 not yet reviewed"], headings
    assert DISCLOSURE.text in main.get_by_text("“").first.inner_text()  # the first quote shown
    assert main.get_by_text("physical abuse:").first.is_visible()
    page.screenshot(path=str(_shots_dir(tmp_path) / "tag-concern.png"), full_page=True)
    main.get_by_role("button", name="Not a concern").click()
    store = Store(f"sqlite:///{server.home / 'demo.db'}")
    for _ in range(120):
        page.wait_for_timeout(500)
        item = flagged_quotes(store, DISCLOSURE.id)
        if item and item[0].review is not None:
            break
    review = flagged_quotes(store, DISCLOSURE.id)[0].review
    assert review is not None and (review.outcome, review.who) == ("not a concern", "demo user (officer)")
    _settle(page)
    assert main.get_by_text("Concerns:").count() == 0
    page.close()
