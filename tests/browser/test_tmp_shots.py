import pytest

from tests.browser.helpers import axe_violations, log_in

pytestmark = pytest.mark.browser


def test_axe_sanity(page, axe_path):
    page.goto("/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=x><input type=text>')")
    v = axe_violations(page, axe_path)
    print("SANITY", [x["id"] for x in v])
    assert v


@pytest.mark.parametrize("width", [1280, 390])
def test_shots(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    sfx = "" if width == 1280 else "-mobile"
    page.goto("/")
    page.screenshot(path=f"/tmp/home{sfx}.png", full_page=True)
    page.goto("/accounts/login/")
    page.screenshot(path=f"/tmp/login{sfx}.png", full_page=True)
    page.goto("/policies/")
    page.screenshot(path=f"/tmp/coming{sfx}.png", full_page=True)
    page.goto("/nope/")
    page.screenshot(path=f"/tmp/404{sfx}.png", full_page=True)
    page.goto("/accounts/signup/")
    page.screenshot(path=f"/tmp/signup{sfx}.png", full_page=True)
    page.goto("/accounts/password/reset/")
    page.screenshot(path=f"/tmp/reset{sfx}.png", full_page=True)
    page.goto("/accounts/login/code/")
    page.screenshot(path=f"/tmp/code{sfx}.png", full_page=True)
    log_in(page, "lighting@demo.local")
    page.screenshot(path=f"/tmp/me{sfx}.png", full_page=True)
    page.goto("/me/members/")
    page.screenshot(path=f"/tmp/members{sfx}.png", full_page=False)
    page.goto("/accounts/2fa/")
    page.screenshot(path=f"/tmp/2fa{sfx}.png", full_page=True)
    page.goto("/accounts/sessions/")
    page.screenshot(path=f"/tmp/sessions{sfx}.png", full_page=True)
    page.goto("/accounts/email/")
    page.screenshot(path=f"/tmp/email{sfx}.png", full_page=True)
    page.goto("/accounts/2fa/totp/activate/")
    page.screenshot(path=f"/tmp/totp{sfx}.png", full_page=True)
    page.locator("#reading-mode-toggle").click()
    page.goto("/me/")
    page.screenshot(path=f"/tmp/me-reading{sfx}.png", full_page=True)
    page.goto("/")
    page.screenshot(path=f"/tmp/home-reading{sfx}.png", full_page=True)
