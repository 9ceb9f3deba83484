"""No template of the project (templates/ and <app>/templates/, not .venv) has an inline script, a style
attribute or an on…= event-handler attribute: the strict Content-Security-Policy would block them."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".venv", "node_modules", "var", ".git"}

# <script …> without a src attribute; data blocks (type="application/json") are not scripts and are allowed.
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
STYLE_ATTR = re.compile(r"""<[a-zA-Z][^>]*?\sstyle\s*=""", re.IGNORECASE)
STYLE_TAG = re.compile(r"<style\b", re.IGNORECASE)
HANDLER_ATTR = re.compile(r"""<[a-zA-Z][^>]*?\son[a-z]+\s*=""", re.IGNORECASE)


def project_templates() -> list[Path]:
    found = []
    for directory in [ROOT / "templates", *ROOT.glob("*/templates")]:
        if directory.parts[len(ROOT.parts)] in SKIP_DIRS:
            continue
        found += [p for p in directory.rglob("*") if p.is_file() and p.suffix in (".html", ".txt", ".xml", ".svg")]
    return sorted(found)


def offences(text: str) -> list[str]:
    found = []
    for match in SCRIPT_TAG.finditer(text):
        attrs = match.group(1)
        if not re.search(r"\ssrc\s*=", attrs) and not re.search(r"""type\s*=\s*["']application/(ld\+)?json""", attrs):
            found.append("inline <script>")
    if STYLE_ATTR.search(text):
        found.append('style="…" attribute')
    if STYLE_TAG.search(text):
        found.append("inline <style> block")
    if HANDLER_ATTR.search(text):
        found.append("on…= event handler")
    return found


def test_the_checker_finds_each_kind_of_offence():
    assert offences("<script>alert(1)</script>") == ["inline <script>"]
    assert offences('<div class="a"\n  style="color:red">') == ['style="…" attribute']
    assert offences('<img src="x" onerror="alert(1)">') == ["on…= event handler"]
    assert offences("<style>p{}</style>") == ["inline <style> block"]
    assert offences('<script src="/static/js/a.js" defer></script><script type="application/json">{}</script>') == []
    assert offences('<a href="/" data-online="1" class="button">') == []


def test_no_template_has_inline_script_style_or_event_handler():
    templates = project_templates()
    assert len(templates) >= 50, len(templates)
    bad = []
    for path in templates:
        for offence in offences(path.read_text(encoding="utf-8")):
            bad.append(f"{path.relative_to(ROOT)}: {offence}")
    assert not bad, "templates the strict CSP would break:\n" + "\n".join(bad)
