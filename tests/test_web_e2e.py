"""The web page in headless Chromium (Debian's `chromium`, driven by Playwright) against the real server.

`foedus serve` runs in a subprocess on a free 127.0.0.1 port over a copy of the test database. The server's
clock is pinned (FOEDUS_TODAY=2025-06-01), so "today" is a fixed day. The tests land on the map, switch views,
carry the date and view in the URL, give the page bad URL state, open states, dyads, organizations, triads,
scenarios and the sanctions pages, load /docs, run axe-core (tests/assets/axe.min.js) and fail on any
request to a host other than the loopback server; screenshots go to test-artifacts/. Without
/usr/bin/chromium or the playwright package they fail with the install command, never skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
AXE = Path(__file__).resolve().parent / "assets" / "axe.min.js"
TODAY = "2025-06-01"  # the server's pinned clock
LOCAL = {"127.0.0.1", "localhost", "::1"}


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
    env["FOEDUS_TODAY"] = TODAY
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


def open_page(browser, url: str, viewport=(1400, 900)):
    """A page on `url` that records script errors and every request to a host other than the server."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    problems: list[str] = []
    outside: list[str] = []

    def check(route):
        host = urlparse(route.request.url).hostname
        if host in LOCAL or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", check)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    expected = "status of 422"  # bad input the page shows as a message (the browser logs the response too)
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" and expected not in message.text else None)
    page.goto(url)
    return context, page, problems, outside


@pytest.fixture()
def page(browser, server):
    context, page, problems, outside = open_page(browser, server)
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    yield page
    context.close()
    assert not outside, f"requests left the machine: {outside}"
    assert not problems, problems


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


def arc_class(page, a: int, b: int) -> str | None:
    return page.evaluate("(id) => { const el = document.getElementById(id); return el && el.getAttribute('class'); }",
                         f"arc-{min(a, b)}-{max(a, b)}")


def move_date(page, year: int) -> None:
    page.locator("#date-slider").fill(str(year))
    page.wait_for_selector(f"body[data-on='{year}-01-01']", timeout=30_000)
    page.wait_for_function(f"document.querySelector('#status').textContent.startsWith('{year}-01-01:')")


def go_to(page, iso: str) -> None:
    page.locator("#date-input").fill(iso)
    page.locator("#date-input").dispatch_event("change")
    page.wait_for_function(f"document.querySelector('#status').textContent.startsWith('{iso}:')")


def click_svg(page, element_id: str) -> None:
    """A click on a drawn state or arc (arcs are thin curves: the event is dispatched on the element)."""
    page.locator(f"#{element_id}").dispatch_event("click", {"bubbles": True})


def test_the_map_lands_on_today_with_the_three_ties_distinguished(page):
    assert "foedus" in page.title()
    assert page.evaluate("document.body.dataset.on") == TODAY
    assert page.evaluate("document.body.dataset.view") == "map"
    assert f"on={TODAY}" in page.url and "view=map" in page.url
    assert page.locator("#status").inner_text().startswith(f"{TODAY}: ")
    assert page.locator("#arcs .arc").count() > 1000
    rus_prk, chn_prk, rus_chn = arc_class(page, 365, 731), arc_class(page, 710, 731), arc_class(page, 365, 710)
    assert "ob-defense" in rus_prk and "ob-defense" in chn_prk  # the 2024 treaty and the 1961 treaty
    assert "ob-nonaggression" in rus_chn  # the 2001 treaty: no defence clause
    assert "tier-confirmed" in rus_prk
    colours = page.evaluate("['arc-365-731', 'arc-365-710'].map(id => "
                            "document.getElementById(id).getAttribute('stroke'))")
    assert colours[0] != colours[1]
    # the strongest tie is drawn on top: every defence arc comes after every non-aggression arc
    order = page.evaluate("[...document.querySelectorAll('#arcs .arc')].map(a => a.classList.contains('ob-defense'))")
    assert order.index(True) > len(order) - order[::-1].index(False) - 1
    assert page.locator("#legend").is_visible() and "defense" in page.locator("#legend").inner_text()
    page.locator("#tier-rule summary").click()
    assert "dashed" in page.locator("#tier-rules").inner_text()
    assert page.locator("#date-slider").input_value() == "2025"
    assert "2000" in page.locator("#ticks").inner_text()  # year ticks


def test_screenshots_at_three_sizes(browser, server):
    for width, height in ((1400, 900), (1024, 640), (360, 740)):
        context, page, problems, outside = open_page(browser, server, (width, height))
        page.wait_for_selector("body[data-ready=true]", timeout=30_000)
        assert page.locator("#arc-365-731").count() == 1
        legend = page.locator("#legend").bounding_box()
        assert legend and legend["width"] > 0 and legend["x"] >= 0  # the legend is on the page
        if width == 360:  # the panels stack under the map
            stage, panels = page.locator(".stage").bounding_box(), page.locator("aside").bounding_box()
            assert panels["y"] >= stage["y"] + stage["height"] - 1
        shot(page, f"web_map_{width}x{height}.png")
        context.close()
        assert not outside and not problems, (outside, problems)


def test_tabs_and_the_url_carry_date_and_view(browser, server):
    context, page, problems, outside = open_page(browser, server + "?on=1914-01-01&view=network")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    assert page.evaluate("document.body.dataset.on") == "1914-01-01"
    page.wait_for_function("window.foedusGraph && window.foedusGraph.edges().length > 10")
    assert 10 < page.evaluate("window.foedusGraph.edges().length") < 100
    assert page.locator("#view-map").is_hidden()
    page.locator("#view-map-tab").click()
    assert page.locator("#view-map").is_visible() and "view=map" in page.url and "on=1914-01-01" in page.url
    move_date(page, 1950)
    assert "on=1950-01-01" in page.url
    page.locator("#view-map-tab").press("ArrowRight")  # keyboard between the views
    page.wait_for_selector("body[data-view=network]")
    assert "view=network" in page.url
    page.locator("#year-next").click()
    page.wait_for_selector("body[data-on='1951-01-01']")
    context.close()
    assert not outside and not problems, (outside, problems)


def test_bad_url_state_gives_a_message_and_the_page_works(browser, server):
    context, page, problems, outside = open_page(browser, server + "?on=2025-13-45&view=globe")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    message = page.locator("#message")
    assert message.is_visible()
    assert "2025-13-45" in message.inner_text() and "globe" in message.inner_text()
    assert page.evaluate("document.body.dataset.on") == TODAY and page.locator("#arcs .arc").count() > 1000
    go_to(page, "1800-01-01")
    assert "start on 1 January 1816" in message.inner_text()
    assert "before the data" in page.locator("#status").inner_text()
    move_date(page, 1914)
    assert page.locator("#message").is_hidden() and page.locator("#arcs .arc").count() > 10
    context.close()
    assert not outside and not problems, (outside, problems)


def test_docs_work_offline(browser, server):
    context, page, problems, outside = open_page(browser, server + "docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    assert page.locator(".swagger-ui .opblock").count() > 20
    assert "/api/map" in page.locator(".swagger-ui").inner_text()
    context.close()
    assert not outside, outside


def test_no_serious_accessibility_violations(page):
    def serious():
        page.add_script_tag(path=str(AXE))
        found = page.evaluate("""async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations.filter(v => ['serious', 'critical'].includes(v.impact))
              .map(v => `${v.id}: ${v.help} (${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')})`);
        }""")
        return found
    assert serious() == []
    page.locator("#tab-scenario-btn").click()
    assert serious() == []
    click_svg(page, "state-365")
    page.locator("#state-panel h2", has_text="Russia").wait_for()
    assert serious() == []


def test_a_state_then_a_dyad_with_history_and_readings(page):
    click_svg(page, "state-731")
    panel = page.locator("#state-panel")
    panel.locator("h2", has_text="North Korea").wait_for()
    rows = panel.locator("tr[data-partner]")
    first_two = {rows.nth(0).get_attribute("data-partner"), rows.nth(1).get_attribute("data-partner")}
    assert first_two == {"365", "710"}  # defence partners first, named
    assert rows.nth(0).get_attribute("data-strongest") == "defense"
    assert "Russia" in panel.inner_text() and "China" in panel.inner_text()
    panel.locator("tr[data-partner='365']").click()
    dyad = page.locator("#dyad-panel")
    dyad.locator("#history .lane").first.wait_for()
    text = dyad.text_content()
    assert "Comprehensive Strategic Partnership" in text and "register russia-dprk-2024" in text
    assert "1961-07-06" in text and "defense" in text
    assert "1995-09-07" in dyad.locator("#readings").text_content()  # Gibler's competing end date of the 1961 treaty
    assert page.evaluate("document.getElementById('arc-365-731').classList.contains('picked')")
    shot(page, "web_dyad_rus_prk.png")


def test_a_dyad_in_1914_by_clicking_its_arc(page):
    move_date(page, 1914)
    click_svg(page, "arc-255-300")
    dyad = page.locator("#dyad-panel")
    dyad.locator("h2", has_text="Austria-Hungary").wait_for()
    text = dyad.text_content()
    assert "Germany owes Austria-Hungary" in text and "ATOP 4.01" in text and "1879-10-07" in text
    assert dyad.locator("#history .now").count() >= 2  # the date is marked


def test_organization_search_shows_the_freeze_date(page):
    page.locator("#search").fill("CSTO")
    page.locator("#search-form button[type=submit]").click()
    org = page.locator("#org-panel")
    org.locator("h2", has_text="CSTO").wait_for()
    armenia = org.locator("tr[data-member='371']").inner_text()
    assert "frozen since 2024-02-22" in armenia
    assert "1992-05-15" in armenia  # the membership date, in its own column
    page.locator("#search").fill("Armenia")
    page.locator("#search-form button[type=submit]").click()
    page.locator("#state-panel h2", has_text="Armenia").wait_for()
    assert "frozen since 2024-02-22" in page.locator("#memberships").inner_text()


def test_scenario_marks_stay_on_the_scenario_tab(page):
    page.locator("#tab-scenario-btn").click()
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
    assert "United States of America attacks North Korea" in text and "China" in text and "ATOP" in text
    page.wait_for_selector("body[data-on='2010-06-01']")
    page.wait_for_selector("#state-710.joins-target")
    assert page.locator("#state-2.attacker").count() == 1 and page.locator("#state-731.target").count() == 1
    assert page.locator("#role-legend").is_visible()
    shot(page, "web_scenario.png")
    page.locator("#tab-triads-btn").click()
    assert page.locator("#states .joins-target, #states .attacker").count() == 0  # the marks go with the tab
    assert "Scenario" not in page.locator("#status").inner_text()
    page.locator("#tab-scenario-btn").click()
    page.wait_for_selector("#state-710.joins-target")


def test_open_triads_are_named_and_drawn(page):
    move_date(page, 2010)
    page.locator("#tab-triads-btn").click()
    first = page.locator("#triads-list li[data-i] button").first
    first.wait_for()
    assert page.locator("#triads-list li[data-i]").count() == 25
    assert "open triad pivoting on" in first.inner_text()
    assert not any(ch.isdigit() for ch in first.locator("b").inner_text())  # names, not codes
    first.click()
    assert page.locator("#overlay .triad-side").count() == 3 and page.locator("#overlay .triad-side.open").count() >= 1
    shot(page, "web_triads_2010.png")


def test_sanctions_check_and_permitted(page):
    page.locator("#tab-sanctions-btn").click()
    form = page.locator("#sanctions-form")
    form.locator("[name=hs]").fill("2709")
    form.locator("button[type=submit]").click()
    page.locator("#verdict").wait_for()
    assert "conditional" in page.locator("#verdict").inner_text()
    assert "S/RES/2397" in page.locator("#sanctions-result").inner_text()
    page.locator("#permitted-button").click()
    page.locator("#permitted").wait_for()
    assert page.locator("#permitted tbody tr").count() > 90
    assert "prohibited" in page.locator("#permitted").inner_text()
