"""The real app in a real browser: `streamlit run` headless, Chromium through Playwright.

Each page is opened, its key text checked and a screenshot saved (to the test's tmp folder, or
to ``$VOICE_SCREENSHOTS`` when set: `scripts/screenshots.sh` uses that to refresh docs/).
Skipped with a clear message when Chromium is not installed (`apt-get install chromium`).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Chromium not installed: apt-get install -y chromium to run browser tests"
)

PAGES = {
    "": "Performance dashboard",  # the dashboard is the default page, served at /
    "tag": "Tag quotes",
    "themes": "Themes",
    "report": "Report builder",
    "audit": "Audit log",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError("streamlit did not become healthy")


@dataclass(frozen=True)
class Served:
    """The running app: its address (what ``str()`` gives) and its VOICE_HOME."""

    url: str
    home: Path

    def __str__(self) -> str:
        return self.url


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    yield from serve(tmp_path_factory.mktemp("browser-home"))


def serve(home: Path) -> Iterator[Served]:
    """``streamlit run app.py`` headless in demo mode on ``home``, until the generator is closed."""
    port = _free_port()
    env = {**os.environ, "VOICE_HOME": str(home), "VOICE_DEMO": "1", "HF_HUB_OFFLINE": "1"}
    env.pop("VOICE_DB_URL", None)
    log = (home / "streamlit.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
            "--server.headless", "true", "--server.port", str(port),
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
        ],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield Served(url, home)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield b
        b.close()


def _settle(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until the script run has finished (Streamlit's running indicator is gone)."""
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=120_000)


def _shots_dir(tmp_path: Path) -> Path:
    target = Path(os.environ.get("VOICE_SCREENSHOTS") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    return target


def _open(browser, url: str, width: int = 1280, height: int = 800):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(url, timeout=120_000)
    return page


def _a_person_tagged_the_latest_quarter(server: Served, browser) -> None:  # type: ignore[no-untyped-def]
    """The Report builder opens on the latest quarter, which the demo leaves untagged (its
    tagging queue): give it one person's tag, as an officer would, so there is a quote to export
    (whichever quote the keyboard test tagged, the queue's order decides)."""
    from voice.records import HUMAN, Tag
    from voice.store import Store

    store = Store(f"sqlite:///{server.home / 'demo.db'}")
    if not store.quotes():  # the demo is loaded by the first page anyone opens
        page = _open(browser, str(server))
        page.get_by_role("heading", name="Performance dashboard").first.wait_for(timeout=180_000)
        _settle(page)
        page.close()
    latest = max({q.period for q in store.quotes() if q.period})
    quotes = [q for q in store.quotes() if q.period == latest]
    if not any(t.quote_id in {q.id for q in quotes} for t in store.all_tags(origin="human")):
        store.add_tag(Tag(quotes[0].id, "good", who="demo user (officer)", origin=HUMAN))
    store.engine.dispose()


@pytest.mark.parametrize("slug", list(PAGES))
def test_each_page_opens_with_its_key_text(server: str, browser, slug: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = _open(browser, f"{server}/{slug}")
    page.get_by_role("heading", name=PAGES[slug]).first.wait_for(timeout=120_000)
    _settle(page)
    assert page.get_by_text("Demo mode").first.is_visible()
    assert page.get_by_text("Page not found").count() == 0
    assert "Traceback" not in page.content()
    shot = _shots_dir(tmp_path) / f"{slug or 'dashboard'}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    page.close()


def test_dashboard_shows_seed_indicators_and_voice_row(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = _open(browser, f"{server}/")
    page.get_by_text("Feedback from children and families").first.wait_for(timeout=120_000)
    _settle(page)  # it opens on the newest quarter with indicators (2022/23 Q2 in the demo)
    assert page.get_by_test_id("stTable").first.is_visible()
    assert page.get_by_text("Trend to 2022/23 Q2").first.is_visible()
    page.close()


def test_narrow_laptop_screen_still_shows_the_page(server: str, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = _open(browser, f"{server}/", width=1024, height=640)
    page.get_by_role("heading", name=PAGES[""]).first.wait_for(timeout=120_000)
    _settle(page)
    page.screenshot(path=str(_shots_dir(tmp_path) / "dashboard-narrow.png"))
    page.close()


def test_scrutiny_role_has_no_tagging_page(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = _open(browser, f"{server}/")
    page.get_by_role("heading", name=PAGES[""]).first.wait_for(timeout=120_000)
    page.wait_for_load_state("networkidle")
    sidebar = page.get_by_test_id("stSidebar")
    assert sidebar.get_by_text("Tag quotes").count() == 1
    sidebar.get_by_role("combobox").first.click()
    page.get_by_role("option", name="Scrutiny committee member").click()
    page.get_by_role("heading", name=PAGES[""]).first.wait_for(timeout=120_000)
    page.wait_for_timeout(1500)
    assert sidebar.get_by_text("Tag quotes").count() == 0
    assert sidebar.get_by_text("Audit log").count() == 0
    page.close()


def test_tagging_by_keyboard_stores_the_tag_and_moves_on(server: Served, browser) -> None:  # type: ignore[no-untyped-def]
    from voice.store import Store

    page = _open(browser, f"{server}/tag")
    page.get_by_role("heading", name="Tag quotes").first.wait_for(timeout=120_000)
    _settle(page)
    store = Store(f"sqlite:///{server.home / 'demo.db'}")
    before = {t.quote_id for t in store.all_tags(origin="human")}
    shown = page.get_by_text("“").all_inner_texts()  # a concern to review may stand above the card
    page.get_by_role("heading", name="Tag quotes").first.click()  # focus the page, not a widget
    page.keyboard.press("3")  # "What's not so good?"
    for _ in range(120):
        page.wait_for_timeout(500)
        new = [t for t in store.all_tags(origin="human") if t.quote_id not in before]
        if new:
            break
    assert len(new) == 1 and new[0].label == "not_so_good" and new[0].who == "demo user (officer)"
    _settle(page)
    tagged = store.get_quote(new[0].quote_id)
    assert tagged is not None and any(tagged.text[:40] in t for t in shown)  # it was on screen
    card = f"“{tagged.text[:40]}"  # the tagged quote's card (the undo bar quotes it in ‘…’)
    assert any(t.startswith(card) for t in shown)  # as it was shown before the key
    for _ in range(60):  # the page re-runs once the tag is stored (slower on a busy machine)
        now = page.get_by_text("“").all_inner_texts()
        if not any(t.startswith(card) for t in now):
            break
        page.wait_for_timeout(1000)
    assert not any(t.startswith(card) for t in now)  # the tagged quote has left the screen
    assert page.get_by_text("Proposal:").count() >= 1  # and the next quote is proposed
    page.close()


def test_report_page_serves_no_file_before_the_audited_click(server: Served, browser) -> None:  # type: ignore[no-untyped-def]
    """Audit first: no /media/ download exists until "Prepare download" has written the audit row."""
    import re

    from voice.store import Store

    media = re.compile(rb"/media/[0-9a-f]{16,}\.[a-z]+")
    frames: list[bytes] = []

    def watch(ws) -> None:  # type: ignore[no-untyped-def]
        ws.on("framereceived", lambda p: frames.append(p if isinstance(p, bytes) else p.encode()))

    _a_person_tagged_the_latest_quarter(server, browser)
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.on("websocket", watch)
    page.goto(f"{server}/report", timeout=120_000)
    page.get_by_role("heading", name="Report builder").first.wait_for(timeout=120_000)
    page.get_by_role("button", name="Prepare download").wait_for(timeout=120_000)
    _settle(page)
    seen = {m.decode() for f in frames for m in media.findall(f)} | set(
        re.findall(r"/media/[0-9a-f]{16,}\.[a-z]+", page.content())
    )
    assert not any(u.endswith((".docx", ".md", ".csv", ".xlsx")) for u in seen), seen
    for url in seen:  # whatever media the page holds, none is an export
        try:
            with urllib.request.urlopen(f"{server}{url}", timeout=10) as r:
                assert "attachment" not in (r.headers.get("Content-Disposition") or "")
        except urllib.error.HTTPError as exc:
            assert exc.code == 404
    assert page.get_by_role("button", name=re.compile("^Download (Word|Markdown|Quotes)")).count() == 0
    store = Store(f"sqlite:///{server.home / 'demo.db'}")
    before = len([e for e in store.audit_log() if e["action"] == "export"])

    page.get_by_role("button", name="Prepare download").click()
    page.get_by_role("button", name=re.compile("^Download (Word|Markdown|Quotes)")).wait_for(timeout=120_000)
    _settle(page)
    exports = [e for e in store.audit_log() if e["action"] == "export"]
    assert len(exports) == before + 1 and exports[0]["who"] == "demo user (officer)"
    after = {m.decode() for f in frames for m in media.findall(f)}
    files = [u for u in after if u.endswith(".docx")]
    assert files, "the prepared file is served once audited"  # the check above can see a file
    with urllib.request.urlopen(f"{server}{files[0]}", timeout=10) as r:
        assert r.read(2) == b"PK"  # a DOCX (zip)
    page.close()


def test_tables_offer_no_unaudited_csv_download(server: Served, browser) -> None:  # type: ignore[no-untyped-def]
    _a_person_tagged_the_latest_quarter(server, browser)
    page = _open(browser, f"{server}/report")
    page.get_by_role("button", name="Prepare download").wait_for(timeout=120_000)
    _settle(page)
    page.get_by_test_id("stDataFrame").first.hover()
    page.wait_for_timeout(500)
    assert page.get_by_role("button", name="Download as CSV").count() == 0
    page.close()


def test_no_request_leaves_the_machine(server: Served, browser) -> None:  # type: ignore[no-untyped-def]
    """Voice promises no network use: every request each page makes goes to the app itself
    (the favicon included: a ":material/..." page icon is fetched from fonts.gstatic.com)."""
    from urllib.parse import urlparse

    requests: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.on("request", lambda request: requests.append(request.url))
    for slug, heading in PAGES.items():
        page = context.new_page()
        page.goto(f"{server}/{slug}", timeout=120_000)
        page.get_by_role("heading", name=heading).first.wait_for(timeout=120_000)
        _settle(page)
        page.close()
    context.close()
    assert any("/media/" in url for url in requests), "the page icon is served by the app"
    outside = sorted(
        {
            url
            for url in requests
            if urlparse(url).scheme not in ("data", "blob")
            and urlparse(url).hostname not in ("127.0.0.1", "localhost")
        }
    )
    assert outside == []


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1280, 800)])
def test_scrutiny_dashboard_rag_trend_and_you_said_we_did(
    server: str, browser, tmp_path: Path, width: int, height: int
) -> None:  # type: ignore[no-untyped-def]
    """Issue #19: a scrutiny member at 1024 px sees the RAG beside the value, trends that end at
    the chosen quarter, and "You said, we did"."""
    page = _open(browser, f"{server}/", width=width, height=height)
    page.get_by_role("heading", name=PAGES[""]).first.wait_for(timeout=120_000)
    _settle(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("combobox").first.click()
    page.get_by_role("option", name="Scrutiny committee member").click()
    _settle(page)
    page.get_by_test_id("stMain").get_by_role("combobox").first.click()
    page.get_by_role("option", name="2017/18 Q1").click()
    _settle(page)
    page.get_by_text("Trend to 2017/18 Q1").first.wait_for(timeout=120_000)
    rag = page.get_by_role("columnheader", name="RAG").first
    rag.scroll_into_view_if_needed()
    box = rag.bounding_box()
    assert box is not None and box["x"] + box["width"] <= width  # on screen, not scrolled off
    assert page.get_by_text("G Green").first.is_visible()
    tables = " ".join(page.get_by_test_id("stTable").all_inner_texts())
    assert "2017/18 Q2" not in tables and "None" not in tables
    assert page.get_by_text("You said, we did").first.is_visible()
    assert page.get_by_text("Tag page").count() == 0 and page.get_by_text("docs/").count() == 0
    page.get_by_role("heading", name=PAGES[""]).first.scroll_into_view_if_needed()
    page.screenshot(path=str(_shots_dir(tmp_path) / f"dashboard-scrutiny-{width}.png"), full_page=True)
    page.close()


def test_search_retag_and_see_the_history(server: Served, browser) -> None:  # type: ignore[no-untyped-def]
    from voice.records import HUMAN
    from voice.store import Store

    store = Store(f"sqlite:///{server.home / 'demo.db'}")
    current = store.current_tags()
    quotes = store.quotes()
    target = next(q for q in quotes if q.id in current and len(q.text.split()) >= 8)
    words = " ".join(target.text.split()[:6])
    assert sum(words.lower() in q.text.lower() for q in quotes) == 1  # the search finds it alone
    new_label = "good" if current[target.id].label != "good" else "not_so_good"
    page = _open(browser, f"{server}/tag")
    page.get_by_role("heading", name="Tag quotes").first.wait_for(timeout=120_000)
    _settle(page)
    page.get_by_role("tab", name="Find and re-tag").click()
    box = page.get_by_label("Search quotes")
    box.fill(words)
    box.press("Enter")
    _settle(page)
    page.locator(f".st-key-retag_{new_label} button").click()
    for _ in range(120):
        page.wait_for_timeout(500)
        history = store.tag_history(target.id)
        if history[-1].note == "re-tagged from the search":
            break
    assert (history[-1].label, history[-1].origin, history[-1].who) == (
        new_label,
        HUMAN,
        "demo user (officer)",
    )
    _settle(page)
    page.get_by_role("tab", name="Find and re-tag").click()
    table = page.locator(".st-key-retag_history")
    table.wait_for(timeout=120_000)
    assert len(history) >= 2  # the earlier tag and the new one are both kept
    page.close()
