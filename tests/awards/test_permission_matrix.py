"""Every award URL against every role. The URL list comes from the resolver: a new URL of the awards app without a
row here fails ``test_every_award_url_is_in_the_matrix``.

Public pages and the API are open (drafts excepted); entries are for the entrant firm's users and the staff of its
associations (404 for anyone else); judging is for the campaign's judges (403 for people who judge nothing, 404 for
another panel's round); the console is for committee staff and the organising association's staff (403 for people
who manage nothing, 404 for another organisation's campaign); only committee staff draw judges."""

from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from awards import services
from awards.models import CampaignState, EntryFile, Objection, RoundEntry, Winner
from core.models import AuditEntry
from tests.factories import AssociationFactory, UserFactory, association_staff, committee_user, firm_user
from tests.url_matrix import statuses, url_names_under

from .helpers import eligible_entries, judges, judging_round, make_campaign

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "public", "firm", "organiser", "other_staff", "judge", "editor")
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


@dataclass
class World:
    users: dict
    campaign: object
    done: object
    entry: object
    file: object
    round: object
    round_entry: object
    criterion: object
    category: object
    objection: object
    winner: object


@pytest.fixture
def world():
    organiser_association = AssociationFactory()
    campaign = make_campaign(state=CampaignState.JUDGING, organiser=organiser_association)
    entry = eligible_entries(campaign, 1)[0]
    stored = EntryFile(entry=entry, kind="image", name="门头.png", content_type="png", size=len(PNG))
    stored.file.save("x.png", ContentFile(PNG), save=False)
    stored.save()
    rnd = judging_round(campaign)
    editor = committee_user(admin=False)
    services.round_open(actor=editor, round=rnd)
    judge = judges(campaign, 1)[0]
    done = make_campaign(state=CampaignState.FINISHED, organiser=organiser_association, finished_at=timezone.now())
    done_entry = eligible_entries(done, 1)[0]
    winner = Winner.objects.create(campaign=done, category=done_entry.category, entry=done_entry, rank=1, score=90)
    objection = Objection.objects.create(campaign=done, name="张先生", contact="13800000000",
                                         reason="异议理由十个字以上。")
    users = {"anonymous": None, "public": UserFactory(), "firm": firm_user(entry.firm),
             "organiser": association_staff(organiser_association),
             "other_staff": association_staff(AssociationFactory()), "judge": judge.expert.user, "editor": editor}
    return World(users, campaign, done, entry, stored, rnd, RoundEntry.objects.get(round=rnd),
                 rnd.criteria.first(), campaign.categories.first(), objection, winner)


def _all(status):
    return dict.fromkeys(ROLES, status)


def _roles(default, **overrides):
    return {**_all(default), **overrides}


OPEN = _all(200)
SIGNED_IN = _roles(200, anonymous=302)
CONSOLE = _roles(404, anonymous=302, public=403, firm=403, judge=403, organiser=200, editor=200)
CONSOLE_INDEX = {**CONSOLE, "other_staff": 200}
JUDGING = _roles(403, anonymous=302, judge=200)
JUDGE_OBJECT = _roles(404, anonymous=302, judge=200)
ENTRANT = _roles(404, anonymous=302, firm=200)


def _campaign(w):
    return {"pk": w.campaign.pk}


MATRIX = {
    "awards:index": ("get", lambda w: {}, OPEN),
    "awards:detail": ("get", _campaign, OPEN),
    "awards:objection": ("post", lambda w: {"pk": w.done.pk}, _roles(200, anonymous=302)),
    "awards:certificate": ("get", lambda w: {"pk": w.done.pk, "winner": w.winner.pk}, OPEN),
    "awards_api:list": ("get", lambda w: {}, OPEN),
    "awards_api:detail": ("get", _campaign, OPEN),
    "awards_workspace:index": ("get", lambda w: {}, SIGNED_IN),
    # Only people who act for a firm may enter (here only the entrant's user; the staff's associations have no
    # member firms in this world).
    "awards_workspace:entry_new": ("get", lambda w: {"campaign_id": w.campaign.pk}, _roles(403, anonymous=302,
                                                                                            firm=200)),
    "awards_workspace:entry": ("get", lambda w: {"pk": w.entry.pk}, ENTRANT),
    "awards_workspace:entry_submit": ("post", lambda w: {"pk": w.entry.pk}, {**ENTRANT, "firm": 302}),
    "awards_workspace:entry_withdraw": ("post", lambda w: {"pk": w.entry.pk}, {**ENTRANT, "firm": 302}),
    "awards_workspace:entry_file_add": ("post", lambda w: {"pk": w.entry.pk}, {**ENTRANT, "firm": 302}),
    "awards_workspace:entry_file": ("get", lambda w: {"pk": w.file.pk},
                                    {**ENTRANT, "organiser": 200, "editor": 200}),
    "judging:index": ("get", lambda w: {}, JUDGING),
    "judging:round": ("get", lambda w: {"round_id": w.round.pk}, JUDGE_OBJECT),
    "judging:entry": ("get", lambda w: {"pk": w.round_entry.pk}, JUDGE_OBJECT),
    "judging:recuse": ("post", lambda w: {"pk": w.round_entry.pk}, {**JUDGE_OBJECT, "judge": 302}),
    "judging:file": ("get", lambda w: {"pk": w.file.pk}, JUDGE_OBJECT),
    "awards_manage:index": ("get", lambda w: {}, CONSOLE_INDEX),
    "awards_manage:campaign_add": ("get", lambda w: {}, CONSOLE_INDEX),
    "awards_manage:campaign": ("get", _campaign, CONSOLE),
    "awards_manage:campaign_edit": ("get", _campaign, CONSOLE),
    "awards_manage:category_add": ("get", _campaign, {**CONSOLE, "organiser": 302, "editor": 302}),
    "awards_manage:category_edit": ("get", lambda w: {"pk": w.campaign.pk, "category_id": w.category.pk},
                                    {**CONSOLE, "organiser": 302, "editor": 302}),
    "awards_manage:campaign_action": ("post", lambda w: {"pk": w.campaign.pk, "action": "open"},
                                      {**CONSOLE, "organiser": 302, "editor": 302}),
    "awards_manage:entries": ("get", _campaign, CONSOLE),
    "awards_manage:entry": ("get", lambda w: {"entry_id": w.entry.pk}, CONSOLE),
    "awards_manage:panel": ("get", _campaign, CONSOLE),
    "awards_manage:objections": ("get", lambda w: {"pk": w.done.pk}, CONSOLE),
    "awards_manage:objection": ("get", lambda w: {"objection_id": w.objection.pk}, CONSOLE),
    "awards_manage:objection_evidence": ("get", lambda w: {"objection_id": w.objection.pk},
                                         {**CONSOLE, "organiser": 404, "editor": 404}),
    "awards_manage:round_add": ("get", _campaign, CONSOLE),
    "awards_manage:round": ("get", lambda w: {"round_id": w.round.pk}, CONSOLE),
    "awards_manage:round_edit": ("get", lambda w: {"round_id": w.round.pk},
                                 {**CONSOLE, "organiser": 302, "editor": 302}),
    "awards_manage:criterion_add": ("get", lambda w: {"round_id": w.round.pk},
                                    {**CONSOLE, "organiser": 302, "editor": 302}),
    "awards_manage:criterion_edit": ("get", lambda w: {"round_id": w.round.pk, "criterion_id": w.criterion.pk},
                                     {**CONSOLE, "organiser": 302, "editor": 302}),
    "awards_manage:round_action": ("post", lambda w: {"round_id": w.round.pk, "action": "open"},
                                   {**CONSOLE, "organiser": 302, "editor": 302}),
    "awards_manage:results_xlsx": ("get", _campaign, CONSOLE),
}


def test_every_award_url_is_in_the_matrix():
    ours = {name for name in url_names_under("") if name.split(":")[0] in
            ("awards", "awards_api", "awards_workspace", "judging", "awards_manage")}
    missing = ours - set(MATRIX)
    assert not missing, f"award URLs without a permission-matrix row: {sorted(missing)}"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_what_it_should(client, world, name):
    method, kwargs, expected = MATRIX[name]
    assert statuses(client, world.users, method, reverse(name, kwargs=kwargs(world))) == expected


def test_drafts_are_public_nowhere(client, world):
    draft = make_campaign(state=CampaignState.DRAFT, name="尚未批准的评比草稿")
    for url in (reverse("awards:detail", args=[draft.pk]), reverse("awards_api:detail", args=[draft.pk])):
        assert statuses(client, {r: world.users[r] for r in ("anonymous", "public", "firm")}, "get", url) == {
            "anonymous": 404, "public": 404, "firm": 404}
    assert "尚未批准" not in client.get(reverse("awards:index")).content.decode()


def test_refused_posts_change_nothing(client, world):
    before = AuditEntry.objects.count()
    posts = [
        (reverse("awards_workspace:entry_withdraw", args=[world.entry.pk]), {}),
        (reverse("awards_manage:campaign_action", args=[world.campaign.pk, "publicity"]), {}),
        (reverse("awards_manage:round_action", args=[world.round.pk, "close"]), {}),
        (reverse("judging:recuse", args=[world.round_entry.pk]), {"recuse-reason": "利害关系"}),
    ]
    for role in ("anonymous", "public", "other_staff"):
        for url, data in posts:
            statuses(client, {role: world.users[role]}, "post", url, data)
    world.entry.refresh_from_db()
    world.round.refresh_from_db()
    assert world.entry.state == "eligible" and world.round.state == "open"
    assert AuditEntry.objects.count() == before
