"""Issue #18 in a real browser at 1024 px: the Themes page (its overview, the class-split chart and
the themes-over-quarters chart) and the dashboard's indicator panel, as an officer and as a
scrutiny member. Screenshots go to the test's tmp folder (or ``$VOICE_SCREENSHOTS``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from test_browser import CHROMIUM, Served, _open, _settle, _shots_dir, serve
from test_browser import browser as browser

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Chromium not installed: apt-get install -y chromium to run browser tests"
)
WIDTH = 1024
ROLE_NAMES = {"officer": None, "scrutiny": "Scrutiny committee member"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    yield from serve(tmp_path_factory.mktemp("browser-themes-home"))


def _as(page, role: str) -> None:  # type: ignore[no-untyped-def]
    if ROLE_NAMES[role]:
        page.get_by_test_id("stSidebar").get_by_role("combobox").first.click()
        page.get_by_role("option", name=ROLE_NAMES[role]).click()
        _settle(page)


def _on_screen(page) -> None:  # type: ignore[no-untyped-def]
    """Every chart on the page fits the 1024 px window: nothing cut off on the right."""
    charts = page.get_by_test_id("stVegaLiteChart")
    charts.first.wait_for(state="attached", timeout=120_000)  # Vega draws after the script run settles
    assert charts.count() >= 1
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        if box and box["width"]:  # charts of hidden tabs have no box
            assert box["x"] + box["width"] <= WIDTH, box


@pytest.mark.parametrize("role", list(ROLE_NAMES))
def test_themes_page_at_1024(server: Served, browser, tmp_path: Path, role: str) -> None:  # type: ignore[no-untyped-def]
    page = _open(browser, f"{server}/", width=WIDTH, height=1400)
    page.get_by_role("heading", name="Performance dashboard").first.wait_for(timeout=120_000)
    _settle(page)
    _as(page, role)
    page.get_by_test_id("stSidebar").get_by_text("Themes").first.click()
    page.get_by_role("heading", name="Themes").first.wait_for(timeout=120_000)
    _settle(page)
    overview = page.locator("p", has_text="In a minute.").first.inner_text()
    said = re.search(r"fell into (\d+) themes?\.", overview)
    assert said and int(said.group(1)) == page.get_by_test_id("stExpander").count()
    assert " — 0 quotes" not in page.content()
    assert (page.get_by_text(re.compile("^No quotes in ")).count() > 0) == (
        role == "officer"
    ) or role == "officer"
    _on_screen(page)
    page.screenshot(path=str(_shots_dir(tmp_path) / f"themes-{role}-1024.png"))
    page.get_by_role("tab", name="Over quarters").click()
    _settle(page)
    page.get_by_text("Quotes in each pinned theme per quarter").first.wait_for(timeout=120_000)
    _on_screen(page)
    page.screenshot(path=str(_shots_dir(tmp_path) / f"themes-over-quarters-{role}-1024.png"))
    page.close()


@pytest.mark.parametrize("role", list(ROLE_NAMES))
def test_indicator_panel_at_1024(server: Served, browser, tmp_path: Path, role: str) -> None:  # type: ignore[no-untyped-def]
    page = _open(browser, f"{server}/", width=WIDTH, height=1400)
    page.get_by_role("heading", name="Performance dashboard").first.wait_for(timeout=120_000)
    _settle(page)
    _as(page, role)
    page.get_by_test_id("stMain").get_by_role("combobox").first.click()
    page.get_by_role("option", name="2017/18 Q1", exact=True).click()
    _settle(page)
    heading = "What children and families say about an indicator"
    page.get_by_text(heading).first.wait_for(timeout=120_000)
    _settle(page)
    for _ in range(5):  # a late re-run of the script can replace the element under us
        try:
            page.get_by_text(heading).first.scroll_into_view_if_needed(timeout=10_000)
            break
        except PlaywrightError:
            _settle(page)
    assert page.get_by_text(re.compile(r"quotes from these sources in 2017/18 Q1")).count() == 1
    lines = page.get_by_text(re.compile(r" — (<5|\d+) quotes?( \(\d+ shown\)| \(none shown\))?$")).count()
    assert lines >= 1 and page.get_by_text("of these quotes").count() == 0
    page.screenshot(path=str(_shots_dir(tmp_path) / f"dashboard-indicator-{role}-1024.png"))
    page.close()
