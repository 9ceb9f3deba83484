"""The firm's entries at /me/awards/: drafts, files (type checked from the bytes), submit (frozen), withdraw;
association staff entering for a member firm; eligibility shown up front and enforced; 404 for others' entries and
files; fixed query counts; the 评比表彰 links on the dashboard."""

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from awards import services
from awards.models import CampaignState, Entry, EntryFile, EntryState
from tests.factories import AssociationFactory, UserFactory, association_staff, committee_user, firm_user

from .helpers import black_list, eligible_entries, make_campaign, member_firm

pytestmark = pytest.mark.django_db

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9aw"
                       "AAAABJRU5ErkJggg==")


def url(name, *args):
    return reverse(f"awards_workspace:{name}", args=args)


def _entry_data(campaign, firm=None, **over):
    data = {"category": campaign.categories.first().pk, "title": "春熙路示范街招牌", "description": "统一风格",
            "f0": "锦江区春熙路"}
    if firm is not None:
        data["firm"] = firm.pk
    data.update(over)
    return data


def _draft(campaign, firm, user, title="作品"):
    return services.entry_save(actor=user, campaign=campaign, firm=firm, category=campaign.categories.first(),
                               title=title, description="说明", answers={"f0": "地点"})


def test_firm_user_drafts_uploads_submits_and_withdraws(client):
    campaign = make_campaign()
    firm = member_firm()
    user = firm_user(firm)
    client.force_login(user)
    page = client.get(url("entry_new", campaign.pk))
    assert page.status_code == 200 and page.context["firm"] == firm and not page.context["problems"]
    # a missing required question: the form again, nothing saved
    response = client.post(url("entry_new", campaign.pk), _entry_data(campaign, firm, f0=""))
    assert response.status_code == 200 and response.context["form"].errors and not Entry.objects.exists()
    response = client.post(url("entry_new", campaign.pk), _entry_data(campaign, firm))
    entry = Entry.objects.get()
    assert response.status_code == 302 and response.url == url("entry", entry.pk)
    assert entry.firm == firm and entry.state == EntryState.DRAFT and entry.answers == {"f0": "锦江区春熙路"}
    # edit the draft
    response = client.post(url("entry", entry.pk), _entry_data(campaign, title="春熙路示范街招牌（改）"))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.title == "春熙路示范街招牌（改）"
    # a real PNG is accepted, a text file renamed .png is not
    response = client.post(url("entry_file_add", entry.pk),
                           {"file-kind": "image", "file-upload": SimpleUploadedFile("sign.png", PNG, "image/png")})
    assert response.status_code == 302
    stored = EntryFile.objects.get()
    assert stored.content_type == "png" or "png" in stored.content_type
    response = client.post(url("entry_file_add", entry.pk), {
        "file-kind": "image", "file-upload": SimpleUploadedFile("fake.png", b"just text, not an image", "image/png")})
    assert response.status_code == 200 and response.context["file_form"].errors["upload"]
    assert "fake.png" in response.content.decode() and EntryFile.objects.count() == 1
    # the file is served as an attachment to the firm's user
    download = client.get(url("entry_file", stored.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert "attachment" in download["Content-Disposition"]
    # submit: numbered, fingerprinted, frozen
    assert "entry_submit" not in client.get(url("entry", entry.pk)).content.decode()
    response = client.post(url("entry_submit", entry.pk))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.state == EntryState.SUBMITTED and entry.number
    html = client.get(url("entry", entry.pk)).content.decode()
    assert entry.number in html and entry.fingerprint[:12] in html and entry.fingerprint not in html
    response = client.post(url("entry", entry.pk), _entry_data(campaign, title="提交后再改"), follow=True)
    entry.refresh_from_db()
    assert entry.title == "春熙路示范街招牌（改）" and response.status_code == 200
    response = client.post(url("entry_file_add", entry.pk),
                           {"file-kind": "image", "file-upload": SimpleUploadedFile("b.png", PNG, "image/png")})
    assert response.status_code == 302 and EntryFile.objects.count() == 1
    assert client.post(url("entry_submit", entry.pk)).status_code == 302  # twice: a message, not a 500
    # the list shows it with its number
    index = client.get(url("index")).content.decode()
    assert entry.number in index and campaign.name in index
    # withdraw
    response = client.post(url("entry_withdraw", entry.pk), {"reason": "改期参评"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.state == EntryState.WITHDRAWN


def test_association_staff_enter_for_a_member_firm(client):
    association = AssociationFactory()
    firm_a, firm_b = member_firm(association), member_firm(association)
    staff = association_staff(association)
    campaign = make_campaign()
    client.force_login(staff)
    page = client.get(url("entry_new", campaign.pk))  # two firms: choose one first
    assert page.status_code == 200 and page.context["pick_form"] is not None
    assert 'name="title"' not in page.content.decode()
    page = client.get(url("entry_new", campaign.pk), {"firm": firm_b.pk})
    assert page.context["firm"] == firm_b
    response = client.post(url("entry_new", campaign.pk), _entry_data(campaign, firm_b))
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert entry.firm == firm_b and entry.created_by == staff
    assert client.get(url("entry", entry.pk)).status_code == 200
    assert firm_a.pk != firm_b.pk
    # a firm outside the staff's associations is not among the choices
    outsider = member_firm()
    response = client.post(url("entry_new", campaign.pk), _entry_data(campaign, outsider))
    assert response.status_code == 200 and Entry.objects.count() == 1


def test_non_member_and_black_listed_firms_see_the_reason_and_are_refused(client, association):
    from associations.models import Firm

    campaign = make_campaign()
    campaign.associations.add(association)
    outsider = member_firm()  # a member of another association
    client.force_login(firm_user(outsider))
    page = client.get(url("entry_new", campaign.pk))
    assert page.context["problems"] and "eligibility-problems" in page.content.decode()
    assert 'name="title"' not in page.content.decode()
    response = client.post(url("entry_new", campaign.pk), _entry_data(campaign, outsider))
    assert response.status_code == 200 and not Entry.objects.exists()

    listed = member_firm(association)
    black_list(listed)
    client.force_login(firm_user(listed))
    html = client.get(url("entry_new", campaign.pk)).content.decode()
    assert "发生重大安全生产事故" in html
    response = client.post(url("entry_new", campaign.pk), _entry_data(campaign, listed))
    assert response.status_code == 200 and not Entry.objects.exists()
    assert Firm.objects.filter(pk=listed.pk).exists()


def test_closed_campaign_shows_a_message_and_no_form(client):
    campaign = make_campaign(state=CampaignState.JUDGING)
    firm = member_firm()
    client.force_login(firm_user(firm))
    page = client.get(url("entry_new", campaign.pk))
    assert page.status_code == 200 and "campaign-closed" in page.content.decode()
    assert 'name="title"' not in page.content.decode()
    assert client.post(url("entry_new", campaign.pk), _entry_data(campaign, firm)).status_code == 200
    assert not Entry.objects.exists()
    draft = make_campaign(state=CampaignState.DRAFT)
    assert client.get(url("entry_new", draft.pk)).status_code == 404


def test_others_entries_and_files_are_404_organisers_download(client):
    campaign = make_campaign()
    firm = member_firm()
    owner = firm_user(firm)
    entry = _draft(campaign, firm, owner)
    stored = services.entry_add_file(actor=owner, entry=entry, upload=SimpleUploadedFile("a.png", PNG), kind="image")
    client.force_login(firm_user(member_firm()))
    assert client.get(url("entry", entry.pk)).status_code == 404
    assert client.get(url("entry_file", stored.pk)).status_code == 404
    assert client.post(url("entry_submit", entry.pk)).status_code == 404
    assert client.post(url("entry_withdraw", entry.pk)).status_code == 404
    assert client.post(url("entry_file_add", entry.pk), {}).status_code == 404
    assert client.get(url("entry_file", 999999)).status_code == 404
    assert client.get("/me/awards/entries/abc/").status_code == 404
    entry.refresh_from_db()
    assert entry.state == EntryState.DRAFT
    client.force_login(committee_user())  # an organiser downloads the file
    assert client.get(url("entry_file", stored.pk)).status_code == 200
    assert client.get(url("entry", entry.pk)).status_code == 404  # the console is elsewhere
    client.logout()
    assert client.get(url("entry_file", stored.pk)).status_code == 302  # to the login page


def test_user_without_a_firm_cannot_enter(client):
    campaign = make_campaign()
    client.force_login(UserFactory())
    assert client.get(url("entry_new", campaign.pk)).status_code == 403
    response = client.get(url("index"))
    assert response.status_code == 200 and not response.context["groups"]


def _bulk_for(firm, n):
    entries = []
    for i in range(n):
        campaign = make_campaign()
        entries.append(Entry(campaign=campaign, category=campaign.categories.first(), firm=firm, title=f"作品{i}",
                             description="说明", state=EntryState.SUBMITTED if i % 2 else EntryState.DRAFT,
                             number=f"PB-2026-{i:04d}" if i % 2 else ""))
    Entry.objects.bulk_create(entries)


def test_index_query_count_is_fixed(client, django_assert_num_queries):
    association = AssociationFactory()
    firm = member_firm(association)
    user = firm_user(firm)
    _bulk_for(firm, 2)
    client.force_login(user)
    client.get(url("index"))
    with django_assert_num_queries(4):  # session, user, the entries (with campaign, category, firm), open campaigns
        client.get(url("index"))
    _bulk_for(firm, 28)
    eligible_entries(make_campaign(), 5)  # other firms' entries are not shown
    with django_assert_num_queries(4):
        response = client.get(url("index"))
    assert sum(len(g["entries"]) for g in response.context["groups"]) == 30
    staff = association_staff(association)  # association staff see the member firm's entries
    client.force_login(staff)
    with django_assert_num_queries(4):
        response = client.get(url("index"))
    assert sum(len(g["entries"]) for g in response.context["groups"]) == 30


def test_entry_page_query_count_is_fixed(client, django_assert_num_queries):
    campaign = make_campaign()
    firm = member_firm()
    user = firm_user(firm)
    few, many = _draft(campaign, firm, user, "少"), None
    other = make_campaign(max_images=30)
    many = _draft(other, firm, user, "多")
    services.entry_add_file(actor=user, entry=few, upload=SimpleUploadedFile("a.png", PNG), kind="image")
    for i in range(20):
        services.entry_add_file(actor=user, entry=many, upload=SimpleUploadedFile(f"{i}.png", PNG), kind="image")
    client.force_login(user)
    client.get(url("entry", few.pk))
    with django_assert_num_queries(QUERIES_ENTRY):
        client.get(url("entry", few.pk))
    with django_assert_num_queries(QUERIES_ENTRY):
        assert "19.png" in client.get(url("entry", many.pk)).content.decode()


QUERIES_ENTRY = 5  # session, user, the entry (with campaign, category, firm), its files, the form's categories


def test_dashboard_links(client, association):
    from tests.experts.helpers import make_expert

    MINE, JUDGING, MANAGE = (f'href="{reverse(name)}"' for name in
                             ("awards_workspace:index", "judging:index", "awards_manage:index"))
    firm = member_firm(association)
    html = _dashboard(client, firm_user(firm))
    assert MINE in html and JUDGING not in html and MANAGE not in html
    html = _dashboard(client, association_staff(association))
    assert MINE in html and MANAGE in html
    html = _dashboard(client, committee_user())
    assert MANAGE in html and MINE not in html
    expert_user = UserFactory()
    make_expert("评委甲", user=expert_user)
    html = _dashboard(client, expert_user)
    assert JUDGING in html and MINE not in html
    assert 'id="awards-heading"' not in _dashboard(client, UserFactory())


def _dashboard(client, user):
    client.force_login(user)
    response = client.get("/me/")
    assert response.status_code == 200
    return response.content.decode()
