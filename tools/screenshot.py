"""``make screenshot``: docs/widget.png, the widget mid-conversation.

Starts the real servers on free ports with throw-away databases, holds a short
conversation in headless chromium, saves the picture, and stops everything.
"""

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from bot.launcher import ServerConfig, running
from bot.paths import PROJECT_ROOT

OUT = PROJECT_ROOT / "docs" / "widget.png"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
]
CONVERSATION = [
    (
        "my mum is 84 and broke a bone in her back, what is vertebroplasty?",
        ".msg.sources",
    ),
    ("how long will she stay in hospital?", ".msg.sources >> nth=1"),
]


def main() -> int:
    """Takes the screenshot; returns the exit status."""
    with tempfile.TemporaryDirectory() as scratch:
        config = ServerConfig.isolated(Path(scratch), web=True)
        with running(config), sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=FLAGS
            )
            page = browser.new_page(viewport={"width": 900, "height": 1500})
            page.goto(config.web_url)
            expect(page.locator(".msg.bot").nth(1)).to_be_visible(timeout=30_000)
            for message, wait_for in CONVERSATION:
                page.fill("#chat-input", message)
                page.keyboard.press("Enter")
                expect(page.locator(wait_for)).to_be_visible(timeout=30_000)
            page.locator("[data-chat]").screenshot(path=str(OUT))
            browser.close()
    print(f"saved {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
