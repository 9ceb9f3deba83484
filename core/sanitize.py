"""The one place user HTML is cleaned. Called once, on the way in."""

import html
import re

import bleach

# Elements whose content is code, not text: dropped with their content before the allowlist runs.
_CODE_ELEMENTS = re.compile(
    r"<(script|style|template|noscript|iframe|object)\b[^>]*>.*?(</\1\s*>|$)", re.IGNORECASE | re.DOTALL
)

PROFILES = {
    # Rich text in comments, bios and introductions.
    "basic": {
        "tags": {"p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "a", "blockquote", "code"},
        "attributes": {"a": ["href", "title"]},
        "protocols": {"http", "https", "mailto"},
    },
    # Plain text: every tag removed.
    "text": {"tags": set(), "attributes": {}, "protocols": set()},
}


def sanitize_html(text: str, *, profile: str = "basic") -> str:
    rules = PROFILES[profile]
    return bleach.clean(
        _CODE_ELEMENTS.sub("", text or ""),
        tags=rules["tags"],
        attributes=rules["attributes"],
        protocols=rules["protocols"],
        strip=True,
        strip_comments=True,
    )


def plain_text(text: str) -> str:
    """Text with every tag removed, entities decoded: stored as plain text and escaped when shown."""
    return html.unescape(sanitize_html(text, profile="text")).strip()
