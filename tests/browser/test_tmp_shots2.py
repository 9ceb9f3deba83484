import pytest

from tests.browser.helpers import axe_violations, format_violations, log_in

pytestmark = pytest.mark.browser


def out(*args):
    with open("/tmp/axe-extra.txt", "a") as f:
        f.write(" ".join(str(a) for a in args) + "\n")


def test_totp(page, axe_path):
    log_in(page, "lighting@demo.local")
    page.goto("/accounts/2fa/totp/activate/")
    out(format_violations(axe_violations(page, axe_path)))
    page.locator("#id_password").fill("demo12345")
    page.locator("main form [type=submit]").first.click()
    page.wait_for_url("**/totp/activate/")
    page.screenshot(path="/tmp/totp.png", full_page=True)
    out("TOTP", format_violations(axe_violations(page, axe_path)))
    page.locator("#id_code").fill("000000")
    page.locator("main form [type=submit]").first.click()
    page.screenshot(path="/tmp/totp-error.png", full_page=True)
    out("TOTP-ERR", format_violations(axe_violations(page, axe_path)))
    page.goto("/accounts/login/")
    page.screenshot(path="/tmp/login-loggedin.png", full_page=True)


def test_login_error(page, axe_path):
    page.goto("/accounts/login/")
    page.locator("#id_login").fill("lighting@demo.local")
    page.locator("#id_password").fill("wrong")
    page.locator("form.form-login [type=submit]").click()
    page.screenshot(path="/tmp/login-error.png", full_page=True)
    out("LOGIN-ERR", format_violations(axe_violations(page, axe_path)))
    page.goto("/accounts/signup/")
    page.locator("#id_email").fill("x")
    page.locator("main form [type=submit]").first.click()
    page.screenshot(path="/tmp/signup-error.png", full_page=True)
    out("SIGNUP-ERR", format_violations(axe_violations(page, axe_path)))
    page.goto("/accounts/login/code/")
    page.locator("#id_email").fill("lighting@demo.local")
    page.locator("main form [type=submit]").first.click()
    page.screenshot(path="/tmp/code-confirm.png", full_page=True)
    out("CODE-CONFIRM", page.url, format_violations(axe_violations(page, axe_path)))


def test_member_add_error(page, axe_path):
    log_in(page, "lighting@demo.local")
    page.goto("/me/members/")
    page.locator("#id_uscc").fill("123")
    page.locator("section[aria-labelledby=add-heading] button[type=submit]").click()
    page.locator("#add-heading").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/member-add-error.png", full_page=False)
    out("ADD-ERR", format_violations(axe_violations(page, axe_path)))
