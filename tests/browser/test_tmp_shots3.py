from pathlib import Path

import pytest

from tests.browser.helpers import axe_violations, format_violations

pytestmark = pytest.mark.browser


def test_500_and_focus(page, axe_path):
    page.goto("/")
    page.keyboard.press("Tab")
    page.screenshot(path="/tmp/focus-skip.png", clip={"x": 0, "y": 0, "width": 1280, "height": 200})
    for _ in range(4):
        page.keyboard.press("Tab")
    page.screenshot(path="/tmp/focus-nav.png", clip={"x": 0, "y": 0, "width": 1280, "height": 200})
    for _ in range(9):
        page.keyboard.press("Tab")
    page.screenshot(path="/tmp/focus-card.png", full_page=False)
    page.set_content(Path("templates/500.html").read_text())
    page.wait_for_load_state("networkidle")
    page.screenshot(path="/tmp/500.png", full_page=True)
    with open("/tmp/axe-extra.txt", "a") as f:
        f.write("500 " + format_violations(axe_violations(page, axe_path)) + "\n")
