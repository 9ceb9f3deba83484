"""Helpers shared by the browser journeys."""

import email
import re
from email import policy
from pathlib import Path

DEMO_PASSWORD = "demo12345"  # the public demo password of seed_demo


def log_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the allauth form and wait for the workspace."""
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("form.form-login [type=submit]").click()
    page.wait_for_url(re.compile(r"/me/$"))


WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page, axe_path: str) -> list[dict]:
    """Run axe-core on the current page (WCAG 2.0/2.1 A and AA rules) and return its violations.

    The portal's CSP allows scripts from its own origin only, so axe is served from a same-origin address that the
    browser context answers with the file (an inline script would be refused — as it should)."""
    page.route("**/__axe.min.js", lambda route: route.fulfill(path=axe_path, content_type="application/javascript"))
    page.add_script_tag(url="/__axe.min.js")
    return page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => ({target: n.target, summary: n.failureSummary})),
            }));
        }""",
        WCAG_AA_TAGS,
    )


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}: {summary[:300]}")
    return "\n".join(lines)


MAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"


def mail_to(folder: Path, recipient: str) -> list:
    """The messages the portal wrote for one recipient, oldest first (Django's file-based mail backend)."""
    messages = []
    for path in sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime):
        for chunk in path.read_bytes().split(MAIL_SEPARATOR):
            if chunk.strip():
                message = email.message_from_bytes(chunk, policy=policy.default)
                if recipient in str(message["To"]):
                    messages.append(message)
    return messages
