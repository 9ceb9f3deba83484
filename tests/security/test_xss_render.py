"""Hostile text in every user-text field, rendered on every page that shows it: never markup, always text.

Each payload of tests/security/xss_corpus.py is stored through the services (event registrations, consultation
comments, award entries) or sent as a search query, and each page that shows it is parsed with html.parser:
no event-handler attribute, no dangerous URL scheme, no srcdoc/iframe/object/embed/base/meta-refresh, no inline
script or style carrying a payload — and the payloads do appear, as text (so the checks are not vacuous).
"""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from awards import services as award_services
from consultations import services as consultation_services
from tests.awards.helpers import make_campaign
from tests.awards.helpers import member_firm as award_firm
from tests.consultations.helpers import article, make_consultation
from tests.events.helpers import make_event, question, register
from tests.factories import AssociationFactory, UserFactory, association_staff, committee_user, firm_user

from .xss_corpus import PAYLOADS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """Hundreds of requests from one client: the rate limits (core.ratelimit) are not what is tested here."""
    settings.PORTAL_RATE_LIMITS_ENABLED = False

URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "background", "poster", "codebase"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "data:image/svg", "data:application")
FORBIDDEN_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet", "isindex", "keygen", "marquee"}
CONTROL = re.compile(r"[\x00-\x20\u2028\u2029\ufeff]+")
CHUNK = 10


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.raw_blocks: list[tuple[str, str]] = []  # (tag, content) of <script>/<style>
        self.text: list[str] = []
        self._open: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        self._open = tag if tag in ("script", "style") else None

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        self._open = None

    def handle_data(self, data):
        if self._open:
            self.raw_blocks.append((self._open, data))
        else:
            self.text.append(data)


def problems_in(page: str) -> list[str]:
    """Every way the page could run injected code (empty: safe)."""
    parser = _Collector()
    parser.feed(page)
    found = []
    for tag, attrs in parser.tags:
        if tag in FORBIDDEN_TAGS:
            found.append(f"<{tag}> element")
        if tag == "meta" and any(n == "http-equiv" and (v or "").lower() == "refresh" for n, v in attrs):
            found.append("<meta http-equiv=refresh>")
        for name, value in attrs:
            value = value or ""
            squeezed = CONTROL.sub("", value).lower()  # html.parser has already decoded the entities
            if name.startswith("on"):
                found.append(f"<{tag} {name}={value[:60]!r}>")
            elif name == "srcdoc":
                found.append(f"<{tag} srcdoc>")
            elif name in URL_ATTRS and squeezed.startswith(BAD_SCHEMES):
                found.append(f"<{tag} {name}={value[:60]!r}>")
            elif name == "style" and ("expression(" in squeezed or "javascript:" in squeezed):
                found.append(f"<{tag} style={value[:60]!r}>")
        if tag == "script" and any(n == "src" and not (v or "").startswith("/static/") for n, v in attrs):
            found.append(f"<script src> outside /static/: {attrs}")
    for tag, content in parser.raw_blocks:
        if "__xss" in content or "alert(" in content:
            found.append(f"<{tag}> block carries a payload: {content[:80]!r}")
    return found


def shown_as_text(page: str) -> str:
    parser = _Collector()
    parser.feed(page)
    return " ".join(parser.text)


def _visible(payload: str) -> bool:
    """Payloads a text field keeps whole (one line, no control characters, short)."""
    return "\n" not in payload and "\t" not in payload and "\x00" not in payload and len(payload) < 300


def assert_safe(client, url: str, expected: list[str] = ()):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    page = response.content.decode()
    found = problems_in(page)
    assert not found, f"{url}: " + "\n".join(found[:20])
    text = shown_as_text(page)
    missing = [p for p in expected if _visible(p) and p.strip() not in text]
    assert not missing, f"{url}: payloads not shown as text: {missing[:5]}"
    # template syntax is shown literally, never evaluated
    if any("{{ 7*7 }}" in p for p in expected):
        assert "{{ 7*7 }}" in text
    return page


def chunks():
    """The payloads in groups, as they can be stored: forms refuse NUL characters (Django's
    ProhibitNullCharactersValidator; tests/security/test_hostile_input.py checks it) and PostgreSQL cannot store one,
    so the few payloads hiding a NUL inside a tag are stored without it."""
    storable = [p.replace("\x00", "") for p in PAYLOADS]
    return [storable[i:i + CHUNK] for i in range(0, len(storable), CHUNK)]


# --- the checker itself ------------------------------------------------------------------------------------------
def test_the_checker_flags_each_kind_of_injection():
    hostile = ['<img src=x onerror=__xss(1)>', '<a href=" JaVa&#x09;script:x">x</a>', '<iframe srcdoc="x"></iframe>',
               '<meta http-equiv="Refresh" content="0">', '<script>__xss(2)</script>', '<p style="x:expression(1)">',
               '<form action="data:text/html,x">', '<script src="//evil.example/x.js"></script>']
    for snippet in hostile:
        assert problems_in(f"<p>{snippet}</p>"), snippet
    assert not problems_in('<a href="/x/">x</a><script src="/static/js/site.js"></script><p>&lt;script&gt;</p>')


# --- search --------------------------------------------------------------------------------------------------------
def test_search_results_page_escapes_every_query(client):
    make_consultation(title="成都市餐厨垃圾管理办法（征求意见稿）")
    url = reverse("search_index")
    for payload in PAYLOADS:
        for q in (payload, f"餐厨垃圾 {payload}"):
            response = client.get(url, {"q": q})
            assert response.status_code == 200, q
            found = problems_in(response.content.decode())
            assert not found, f"q={q!r}: {found[:5]}"


# --- events ----------------------------------------------------------------------------------------------------
def test_event_registrations_show_hostile_names_companies_and_answers_as_text(client):
    event = make_event(size=500)
    text = question(event, "备注", "text")
    registrations = []
    for chunk in chunks():
        user = UserFactory()
        registrations.append(register(event, user, name=chunk[0][:50], company=chunk[-1][:200],
                                      answers={text.field_name: "\n".join(chunk)[:500]}))
    staff = committee_user(admin=False)
    client.force_login(staff)
    assert_safe(client, reverse("events_manage:registrations", args=[event.pk]),
                [c[0] for c in chunks() if len(c[0]) <= 50])
    assert_safe(client, reverse("events_manage:event", args=[event.pk]))
    for registration, chunk in zip(registrations, chunks(), strict=True):
        assert_safe(client, reverse("events_manage:registration", args=[registration.pk]))
        client.force_login(registration.user)
        assert_safe(client, reverse("events_workspace:index"))
        assert_safe(client, reverse("events_workspace:registration", args=[registration.pk]),
                    [p for p in chunk if len(p) <= 50][:1])
        client.force_login(staff)


# --- consultations ---------------------------------------------------------------------------------------------
def test_consultation_comments_show_hostile_text_as_text(client):
    association = AssociationFactory()
    consultation = make_consultation(invited=[association])
    staff = association_staff(association)
    comments = []
    for n, chunk in enumerate(chunks()):
        # rich text (sanitize_html on the way in): each field keeps a marker so an emptied field is not refused
        comments.append(consultation_services.comment_submit(
            actor=staff, consultation=consultation, speaker=f"association:{association.pk}",
            article=article(consultation, "第五条"), problem=f"意见{n}：" + "\n".join(chunk),
            reason=f"理由{n}" + chunk[0], suggestion=f"建议{n}" + chunk[-1], contact=chunk[1][:200]))
    markers = [f"意见{n}：" for n in range(len(chunks()))]
    assert_safe(client, reverse("consultations:comments", args=[consultation.pk]), markers)
    assert_safe(client, reverse("consultations:detail", args=[consultation.pk]))
    client.force_login(staff)
    assert_safe(client, reverse("consultations_workspace:index"))
    assert_safe(client, reverse("consultations_workspace:comments", args=[consultation.pk]))
    for comment in comments:
        assert_safe(client, reverse("consultations:receipt", args=[comment.receipt_number]))


# --- awards ----------------------------------------------------------------------------------------------------
def test_award_entries_show_hostile_titles_descriptions_and_answers_as_text(client):
    campaign = make_campaign()
    category = campaign.categories.first()
    entries = []
    for chunk in chunks():
        firm = award_firm()
        user = firm_user(firm)
        entries.append((user, award_services.entry_save(
            actor=user, campaign=campaign, firm=firm, category=category, title=chunk[0][:200],
            description="\n".join(chunk), answers={"f0": chunk[-1]})))
    for user, entry in entries:
        client.force_login(user)
        assert_safe(client, reverse("awards_workspace:index"))
        assert_safe(client, reverse("awards_workspace:entry", args=[entry.pk]))
    client.force_login(committee_user())
    assert_safe(client, reverse("awards_manage:entries", args=[campaign.pk]))
    for _user, entry in entries:
        assert_safe(client, reverse("awards_manage:entry", args=[entry.pk]), [entry.title])
