"""The chat widget in a real browser (Debian's chromium, headless, Playwright),
against the real page, the real socket.io channel and the real servers.
"""

import os
import re
import subprocess
import sys

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from bot.launcher import ServerConfig, Servers
from bot.paths import PROJECT_ROOT

pytestmark = pytest.mark.e2e

MODEL = PROJECT_ROOT / "models" / "vertebroplasty.tar.gz"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
]
AXE = PROJECT_ROOT / "bot" / "web" / "node_modules" / "axe-core" / "axe.min.js"
ANSWER_TIMEOUT = 30_000


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first")
    config = ServerConfig.isolated(
        tmp_path_factory.mktemp("browser"), web=True, model=MODEL
    )
    started = Servers(config).start()
    yield started
    started.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, servers):
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    opened = context.new_page()
    opened.errors = []
    opened.on("pageerror", lambda error: opened.errors.append(str(error)))
    opened.on("dialog", lambda dialog: dialog.accept())
    opened.goto(servers.config.web_url)
    expect(opened.locator(".msg.bot").first).to_contain_text(
        "not personal medical advice", timeout=ANSWER_TIMEOUT
    )
    yield opened
    assert opened.errors == []
    context.close()


def ask(page: Page, text: str) -> None:
    page.fill("#chat-input", text)
    page.keyboard.press("Enter")


def bot_messages(page: Page):
    return page.locator(".msg.bot, .msg.emergency")


def wait_for_bot_count(page: Page, count: int) -> None:
    page.wait_for_function(
        "n => document.querySelectorAll('.msg.bot, .msg.emergency').length >= n",
        arg=count,
        timeout=ANSWER_TIMEOUT,
    )


def test_opening_shows_the_disclaimer_once_and_the_greeting(page):
    expect(page.locator(".msg.bot")).to_have_count(2, timeout=ANSWER_TIMEOUT)
    expect(page.locator(".msg.bot").nth(1)).to_contain_text(
        "What would you like to know?"
    )
    expect(page.locator(".replies button").first).to_be_visible()


def test_a_question_is_answered_with_its_source_in_smaller_text(page):
    ask(page, "how long does the procedure take?")
    answer = page.locator(".msg.bot").last
    expect(answer).to_contain_text("half an hour", timeout=ANSWER_TIMEOUT)
    sources = page.locator(".msg.sources").last
    expect(sources).to_have_text("Sources: hospital information page; overview")
    answer_size = answer.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    source_size = sources.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert source_size < answer_size


def test_a_follow_up_button_works_from_the_keyboard(page):
    ask(page, "what are the risks?")
    expect(page.locator(".msg.bot").last).to_contain_text(
        "less than 5%", timeout=ANSWER_TIMEOUT
    )
    button = page.get_by_role("button", name="Tell me more").last
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".msg.user").last).to_have_text(re.compile("Tell me more"))
    expect(page.locator(".msg.bot").last).to_contain_text(
        "sterile conditions", timeout=ANSWER_TIMEOUT
    )
    assert button.is_disabled()


def test_html_in_a_message_is_shown_as_text(page):
    injection = "<img src=x onerror=alert(1)>"
    ask(page, injection)
    expect(page.locator(".msg.user").last).to_contain_text(injection)
    wait_for_bot_count(page, 3)
    assert page.locator(".messages img").count() == 0
    # the assistant's reply is rendered as text too
    assert page.locator(".messages script").count() == 0


def test_emergency_messages_cannot_be_missed(page):
    ask(page, "my mum can't breathe since the procedure")
    emergency = page.locator(".msg.emergency")
    expect(emergency).to_contain_text("999", timeout=ANSWER_TIMEOUT)
    expect(emergency).to_have_attribute("role", "alert")
    border = emergency.evaluate("e => getComputedStyle(e).borderTopWidth")
    assert float(border.rstrip("px")) >= 3


def test_the_conversation_survives_a_reload(page):
    ask(page, "what is the recovery like?")
    expect(page.locator(".msg.bot").last).to_contain_text(
        "6-8 hours", timeout=ANSWER_TIMEOUT
    )
    expect(page.locator(".msg.sources")).to_have_count(1)  # the answer's last part
    before = page.locator(".msg").count()
    page.reload()
    expect(page.locator(".msg")).to_have_count(before)
    # same session on the server: a follow-up still knows the last topic
    ask(page, "how long does that take?")
    expect(page.locator(".msg.bot").last).to_contain_text(
        "lying flat", timeout=ANSWER_TIMEOUT
    )


def test_a_booking_is_completed_in_the_browser(page, servers):
    steps = [
        ("I'd like to book a consultation", "full name"),
        ("Grace Mbeki", "phone number or email"),
        ("07700 900777", "days or times"),
        ("Thursday afternoons", "would you like to discuss"),
    ]
    for message, expected in steps:
        count = bot_messages(page).count()
        ask(page, message)
        wait_for_bot_count(page, count + 1)
        expect(page.locator(".messages")).to_contain_text(expected)
    page.get_by_role("button", name="Skip").last.click()
    expect(page.locator(".messages")).to_contain_text(
        "Do you agree?", timeout=ANSWER_TIMEOUT
    )
    page.get_by_role("button", name="Yes, I agree").last.click()
    expect(page.locator(".messages")).to_contain_text(
        "Please check your details", timeout=ANSWER_TIMEOUT
    )
    page.get_by_role("button", name="Yes, send it").last.click()
    confirmation = page.locator(".msg.bot").last
    expect(confirmation).to_contain_text("Your reference is", timeout=ANSWER_TIMEOUT)
    reference = re.search(r"reference is (\w{8})", confirmation.inner_text()).group(1)
    shown = subprocess.run(
        [sys.executable, "-m", "bot", "requests", "show", reference],
        cwd=PROJECT_ROOT,
        env={**os.environ, "BOT_DB": servers.config.env["BOT_DB"]},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert re.search(r"full_name\s+Grace Mbeki", shown)
    assert re.search(r"contact\s+07700900777", shown)
    assert re.search(r"status\s+pending", shown)


def test_start_again_clears_the_conversation(page):
    ask(page, "what is vertebroplasty?")
    expect(page.locator(".msg.bot").last).to_contain_text(
        "minimally invasive", timeout=ANSWER_TIMEOUT
    )
    page.get_by_role("button", name="Start again").click()
    expect(page.locator(".msg.user")).to_have_count(0)
    expect(page.locator(".msg.bot").first).to_contain_text(
        "not personal medical advice", timeout=ANSWER_TIMEOUT
    )


def test_no_serious_or_critical_accessibility_violations(browser, servers):
    context = browser.new_context(bypass_csp=True)  # to inject axe-core
    page = context.new_page()
    page.goto(servers.config.web_url)
    expect(page.locator(".msg.bot").nth(1)).to_be_visible(timeout=ANSWER_TIMEOUT)
    ask(page, "what are the risks?")
    expect(page.locator(".msg.sources").last).to_be_visible(timeout=ANSWER_TIMEOUT)
    ask(page, "my legs went numb since the procedure")
    expect(page.locator(".msg.emergency")).to_be_visible(timeout=ANSWER_TIMEOUT)
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document)")
    context.close()
    serious = [
        (v["id"], v["impact"], len(v["nodes"]))
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], serious
    assert len(results["passes"]) > 10


def test_a_phone_sized_screen_has_no_horizontal_scrolling(browser, servers):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True
    )
    page = context.new_page()
    page.goto(servers.config.web_url)
    expect(page.locator(".msg.bot").nth(1)).to_be_visible(timeout=ANSWER_TIMEOUT)
    ask(page, "x" * 400)
    ask(
        page,
        "see https://example.com/a/long/path/that/never/breaks/anywhere/at/all",
    )
    ask(page, "what happens during the procedure?")
    expect(page.locator(".msg.bot").last).to_contain_text(
        "face down", timeout=ANSWER_TIMEOUT
    )
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth,"
        " document.documentElement.clientWidth]"
    )
    context.close()
    assert widths[0] <= widths[1], widths


def test_nothing_is_lost_while_the_assistant_restarts(page, servers):
    ask(page, "book a consultation")
    expect(page.locator(".msg.bot").last).to_contain_text(
        "full name", timeout=ANSWER_TIMEOUT
    )
    servers.stop("rasa")
    expect(page.locator("[data-status]")).to_contain_text(
        "Trying again", timeout=ANSWER_TIMEOUT
    )
    ask(page, "Peter Okonkwo")
    expect(page.locator(".msg.user.pending")).to_contain_text("Not sent yet")
    servers.start_rasa()
    # sent once the connection is back, and the form goes on where it was:
    # the conversation was kept in the tracker store across the restart
    expect(page.locator(".msg.user.pending")).to_have_count(0, timeout=60_000)
    expect(page.locator(".msg.bot").last).to_contain_text(
        "phone number or email", timeout=ANSWER_TIMEOUT
    )
