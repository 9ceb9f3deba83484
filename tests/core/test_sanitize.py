import pytest

from core.sanitize import sanitize_html


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "<SCRIPT type='text/javascript'>alert(1)</SCRIPT >",
        "<script>alert(1)",
        "<style>body{display:none}</style>",
        "<iframe src='javascript:alert(1)'>alert(1)</iframe>",
    ],
)
def test_code_elements_are_dropped_with_their_content(payload):
    cleaned = sanitize_html(f"<p>意见</p>{payload}<p>理由</p>")
    assert "alert" not in cleaned and "display" not in cleaned
    assert "<p>意见</p>" in cleaned


def test_event_handlers_and_javascript_urls_are_removed():
    cleaned = sanitize_html('<a href="javascript:alert(1)" onclick="x()">链接</a><img src=x onerror=alert(1)>')
    assert "javascript" not in cleaned and "onclick" not in cleaned and "onerror" not in cleaned
    assert "链接" in cleaned


def test_allowed_markup_survives():
    html = '<p><strong>第五条</strong> 见 <a href="https://example.gov.cn/x" title="t">原文</a></p>'
    assert sanitize_html(html) == html


def test_text_profile_strips_every_tag():
    assert sanitize_html("<p><b>加粗</b></p>", profile="text") == "加粗"
