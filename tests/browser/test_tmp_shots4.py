import pytest

from tests.browser.helpers import axe_violations, format_violations, log_in

pytestmark = pytest.mark.browser


def test_import(page, axe_path):
    log_in(page, "lighting@demo.local")
    page.goto("/me/members/")
    page.locator("#id_file").set_input_files("/tmp/import.csv")
    page.locator("#id_dry_run").check()
    page.locator("section[aria-labelledby=import-heading] button[type=submit]").click()
    page.wait_for_load_state()
    page.locator("#import-heading").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/import.png", full_page=False)
    with open("/tmp/axe-extra.txt", "a") as f:
        f.write("IMPORT " + format_violations(axe_violations(page, axe_path)) + "\n")
    page.goto("/no-such/")
    page.screenshot(path="/tmp/404.png")
