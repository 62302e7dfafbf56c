"""The web page in headless Chromium (Debian's `chromium`, driven by Playwright) against the real server.

`foedus serve` runs in a subprocess on a free 127.0.0.1 port over a copy of the test database. The tests
move the date, open a state and a dyad (by clicking the drawn network), run a scenario and read the open
triads, asserting on what the page shows; screenshots go to test-artifacts/. Without /usr/bin/chromium or
the playwright package they fail with the install command, never skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(real_db_file, tmp_path_factory):
    """`foedus serve` on a copy of the database; yields its base URL."""
    db = tmp_path_factory.mktemp("web") / "foedus.duckdb"
    shutil.copy(real_db_file, db)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "FOEDUS_API_TOKEN"}
    command = [sys.executable, "-c", "from foedus.cli import main; main()", "serve", "--db", str(db),
               "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"foedus serve exited: {process.stdout.read()}")
            try:
                if httpx.get(base + "api/meta", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("foedus serve did not answer within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
                    "(apt-get install -y chromium chromium-driver)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the browser tests need the playwright package (pip install playwright); "
                    "never `playwright install`: they use /usr/bin/chromium")
    with sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 850})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    expected = "status of 422"  # bad input the page shows as a message (the browser logs the response too)
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" and expected not in message.text else None)
    page.goto(server)
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    yield page
    context.close()
    assert not problems, problems


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


def pairs_shown(page) -> int:
    return page.evaluate("window.foedusGraph.edges().length")


def click_element(page, element_id: str) -> None:
    """A real mouse click where the network draws a node (its centre) or an edge (its midpoint)."""
    x, y = page.evaluate(
        """(id) => {
            const el = window.foedusGraph.getElementById(id);
            const p = el.isNode() ? el.renderedPosition() : el.renderedMidpoint();
            const box = window.foedusGraph.container().getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""",
        element_id,
    )
    page.mouse.click(x, y)


def move_date(page, year: int) -> None:
    page.locator("#date-slider").fill(str(year))
    page.wait_for_selector(f"body[data-on='{year}-01-01']", timeout=30_000)


def test_page_loads_and_the_date_moves(page):
    assert "foedus" in page.title()
    first = page.locator("#status").inner_text()
    assert "pairs bound" in first and pairs_shown(page) > 1000  # the default date: the last year of ATOP
    assert "ATOP 4.01" in page.locator("#coverage").inner_text()
    move_date(page, 1914)
    assert "1914-01-01" in page.locator("#status").inner_text()
    assert page.locator("#date-input").input_value() == "1914-01-01"
    assert 10 < pairs_shown(page) < 100
    shot(page, "web_1914.png")
    page.locator("#types input[value=consultation]").uncheck()
    page.locator("#types input[value=nonaggression]").uncheck()
    page.locator("#types input[value=neutrality]").uncheck()
    page.wait_for_selector("body[data-types='defense,offense']")
    assert pairs_shown(page) < 25
    colors = page.evaluate("[...new Set(window.foedusGraph.edges().map(e => e.data('color')))]")
    assert set(colors) <= {"#c0392b", "#7d3c98"}  # defense and offense only


def test_click_a_state_then_an_edge(page):
    move_date(page, 1914)
    click_element(page, "255")  # Germany
    panel = page.locator("#state-panel")
    panel.locator("h2", has_text="Germany").wait_for()
    assert "Austria-Hungary" in panel.inner_text()
    panel.locator("tr[data-partner='300']").first.click()
    dyad = page.locator("#dyad-panel")
    dyad.locator("h2", has_text="Austria-Hungary").wait_for()
    text = dyad.text_content()  # as written: the headings are shown in capitals
    assert "Germany owes Austria-Hungary" in text and "defense" in text and "ATOP 4.01" in text
    assert "line" in text  # each commitment names its source line
    history = dyad.locator("#history")
    assert history.locator(".lane").count() >= 2 and history.locator(".now").count() >= 2  # the date is marked
    assert "1879-10-07" in history.text_content()  # the Dual Alliance, in the periods with their sources
    click_element(page, "200-740")  # the Anglo-Japanese alliance, drawn as one line
    dyad.locator("h2", has_text="Japan").wait_for()
    text = dyad.text_content()
    assert "United Kingdom owes Japan" in text and "Japan owes United Kingdom" in text and "defense" in text
    shot(page, "web_dyad_1914.png")


def test_register_history_after_the_datasets_end(page):
    """Past ATOP's coverage the register speaks: Russia–North Korea in 2025, the 2024 treaty in the history."""
    page.locator("#date-input").fill("2025-01-01")
    page.locator("#date-input").dispatch_event("change")
    page.wait_for_selector("body[data-on='2025-01-01']")
    click_element(page, "365-731")
    dyad = page.locator("#dyad-panel")
    dyad.locator("#history .lane").first.wait_for()
    text = dyad.text_content()
    assert "Comprehensive Strategic Partnership" in text and "reg:russia-dprk-2024" in text
    assert "register russia-dprk-2024" in text  # the source of the register period
    assert "1961-07-06" in text and "defense" in text
    shot(page, "web_history_rus_prk.png")
    click_element(page, "365")
    page.locator("#state-panel h2", has_text="Russia").wait_for()
    assert "CSTO" in page.locator("#memberships").text_content()


def test_scenario_highlights_joiners_and_explains(page):
    page.locator(".tabs button[data-tab=scenario]").click()
    form = page.locator("#scenario-form")
    form.locator("[name=attackers]").fill("USA")
    form.locator("[name=targets]").fill("North Korea")
    form.locator("[name=on]").fill("2010-06-01")
    form.locator("[name=rounds]").fill("2")
    form.locator("button[type=submit]").click()
    result = page.locator("#scenario-result")
    result.locator("#joiner-count").wait_for()
    assert int(result.locator("#joiner-count").inner_text()) >= 1
    text = result.inner_text()
    assert "United States of America attacks North Korea" in text and "obliged" in text
    assert "China" in text and "CHN" in text and "ATOP" in text  # the explanation names treaty and source
    page.wait_for_selector("body[data-on='2010-06-01']")
    joiners = page.evaluate("window.foedusGraph.nodes('.joins-target').map(n => n.data('abbr'))")
    assert "CHN" in joiners
    assert page.evaluate("window.foedusGraph.nodes('.attacker').map(n => n.data('abbr'))") == ["USA"]
    assert "Scenario on 2010-06-01" in page.locator("#status").inner_text()
    shot(page, "web_scenario.png")


def test_scenario_with_an_unknown_state_says_so(page):
    page.locator(".tabs button[data-tab=scenario]").click()
    form = page.locator("#scenario-form")
    form.locator("[name=attackers]").fill("Atlantis")
    form.locator("[name=targets]").fill("Prusia")
    form.locator("button[type=submit]").click()
    error = page.locator("#scenario-result .error")
    error.wait_for()
    assert "Unknown state 'Atlantis'" in error.inner_text()


def test_open_triads_list(page):
    move_date(page, 2010)
    page.locator(".tabs button[data-tab=triads]").click()
    first = page.locator("#triads-list li[data-i]").first
    first.wait_for()
    assert page.locator("#triads-list li[data-i]").count() == 25
    assert "open triad pivoting on" in first.inner_text()
    first.click()
    assert page.evaluate("window.foedusGraph.nodes('.picked').length") == 3
    shot(page, "web_triads_2010.png")
