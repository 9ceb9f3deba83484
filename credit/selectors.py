"""Public reads of credit ratings: the lookup, the firm page, the rounds in 公示, the lists, open data.

Only firm-level facts leave this module for the public: records come with their indicator and the evidence
document number and issuer, never the evidence file, who recorded them or the fact text. ``select_related`` and
``prefetch_related`` are decided here so that every public page reads a fixed number of queries.

"Current final rating" of a firm: the current version (not superseded) of its rating in a final round that no later
final round of the same scheme family and sector has superseded.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from associations.models import Firm
from core.params import single_line
from core.uscc import normalize_uscc, validate_uscc

from .models import (
    CreditEvent,
    CreditScheme,
    ListEntry,
    ListKind,
    Rating,
    RatingRound,
    RoundState,
    SchemeLevel,
    SchemeState,
)

MAX_QUERY = 100  # characters of a lookup query that are used
CODE_LENGTH = 18
CODE_HINT_LENGTH = 15  # a code-like query this long is checked as a code and answered with what is wrong
CODE_PREFIX_MIN = 4  # a code-like query this long also matches codes that start with it
CHART_ROUNDS = 12  # final rounds in the firm's history chart
HEAVY = ("explanation",)  # rating columns public pages never read (the explanation is for the firm and staff)
_PINYIN = re.compile(r"[a-z]+")
_SPACES = re.compile(r"\s+")


# --- ratings -------------------------------------------------------------------------------------------------
def current_final_ratings(*, valid_on=None) -> QuerySet:
    """Current versions of ratings in final rounds not superseded, with firm, round and scheme; with `valid_on`,
    only those whose validity covers that day (open data never lists a rating past its validity)."""
    ratings = (Rating.objects.current()
               .filter(round__state=RoundState.FINAL, round__superseded_by__isnull=True)
               .select_related("firm", "round__scheme"))
    if valid_on is not None:
        ratings = ratings.filter(round__valid_from__lte=valid_on, round__valid_until__gte=valid_on)
    return ratings


def notice_ratings() -> QuerySet:
    """Current versions of ratings in rounds in 公示 (published, not yet final)."""
    return Rating.objects.current().filter(round__state=RoundState.PUBLISHED).select_related("round__scheme")


def level_names() -> set[str]:
    """Every level name of any scheme (the open-data ``level`` filter)."""
    return set(SchemeLevel.objects.values_list("name", flat=True).distinct())


def schemes_in_force(*, with_levels: bool = False) -> list[CreditScheme]:
    schemes = CreditScheme.objects.filter(state=SchemeState.IN_FORCE).order_by("family", "-effective_from")
    return list(schemes.prefetch_related("levels") if with_levels else schemes)


# --- lookup --------------------------------------------------------------------------------------------------
@dataclass
class Lookup:
    """A lookup query taken apart: the text as typed (cleaned), and what it may be."""

    text: str = ""
    compact: str = ""  # without whitespace
    pinyin: str = ""  # lower-case letters only, when the query can be pinyin or initials
    code: str = ""  # normalised like a 统一社会信用代码 when the query looks like one (has a digit, ASCII only)
    valid_code: str = ""  # the code, when it passes validate_uscc
    problem: str = ""  # what is wrong with a code-like query (the validation message)

    @property
    def active(self) -> bool:
        return bool(self.text)


def parse_lookup(raw) -> Lookup:
    """Take a lookup query apart. Never raises: control characters are dropped, the length is bounded."""
    text = single_line(raw, limit=MAX_QUERY)
    if not text:
        return Lookup()
    lookup = Lookup(text=text, compact=_SPACES.sub("", text))
    letters = lookup.compact.replace("'", "").replace("’", "").lower()
    if _PINYIN.fullmatch(letters):
        lookup.pinyin = letters
    code = normalize_uscc(text)
    if code.isascii() and code.isalnum() and any(ch.isdigit() for ch in code):
        lookup.code = code
        if len(code) >= CODE_HINT_LENGTH:
            try:
                lookup.valid_code = validate_uscc(code)
            except ValidationError as exc:
                lookup.problem = " ".join(str(m) for m in exc.messages)
    return lookup


def firm_filter(lookup: Lookup, prefix: str = "") -> Q:
    """Firms matching the query by name, full pinyin, pinyin initials or (the start of) the code."""
    cond = Q(**{f"{prefix}name__icontains": lookup.text})
    if lookup.compact != lookup.text:
        cond |= Q(**{f"{prefix}name__icontains": lookup.compact})
    if lookup.pinyin:
        cond |= (Q(**{f"{prefix}name_pinyin__contains": lookup.pinyin})
                 | Q(**{f"{prefix}name_initials__startswith": lookup.pinyin}))
    if lookup.code:
        start = lookup.code[: CODE_LENGTH - 1] if len(lookup.code) >= CODE_LENGTH else lookup.code
        if len(start) >= CODE_PREFIX_MIN:
            cond |= Q(**{f"{prefix}uscc__startswith": start})
    return cond


def with_badges(firms: QuerySet) -> QuerySet:
    """Firms with ``final_ratings`` (latest round first) and ``active_lists`` prefetched: two queries a page."""
    ratings = (Rating.objects.current()
               .filter(round__state=RoundState.FINAL, round__superseded_by__isnull=True)
               .select_related("round__scheme").defer(*HEAVY).order_by("-round__finalised_at", "-id"))
    return firms.prefetch_related(
        Prefetch("ratings", queryset=ratings, to_attr="final_ratings"),
        Prefetch("credit_lists", queryset=ListEntry.objects.active().order_by("kind", "id"),
                 to_attr="active_lists"))


def firm_search(lookup: Lookup) -> QuerySet:
    return with_badges(Firm.objects.filter(firm_filter(lookup)).order_by("name_pinyin", "id"))


def firm_by_code(raw: str) -> Firm | None:
    """The firm with this 统一社会信用代码, written any way people write it (case, spaces, dashes, full width)."""
    code = normalize_uscc(raw)
    if not (code.isascii() and code.isalnum()):
        return None
    return Firm.objects.filter(uscc=code).first()


def lookup_intro() -> dict:
    """What the lookup page shows before a query: schemes in force, rounds in 公示, list sizes."""
    counts = dict(ListEntry.objects.active().order_by().values_list("kind").annotate(n=Count("id"))
                  .values_list("kind", "n"))
    return {
        "schemes": schemes_in_force(with_levels=True),
        "notice_rounds": list(RatingRound.objects.filter(state=RoundState.PUBLISHED)
                              .select_related("scheme").order_by("notice_ends_on", "id")[:20]),
        "red_count": counts.get(ListKind.RED, 0),
        "black_count": counts.get(ListKind.BLACK, 0),
    }


# --- firm page -----------------------------------------------------------------------------------------------
def public_records(firm: Firm, day: date) -> QuerySet:
    """Approved records the public sees on ``day`` (in notice or effective, not repaired, not expired)."""
    return CreditEvent.objects.public_on(day).filter(firm=firm).select_related("indicator")


@dataclass
class FirmCredit:
    firm: Firm
    today: date
    current: list = field(default_factory=list)  # current final ratings, latest round first
    notice: list = field(default_factory=list)  # ratings in 公示
    history: list = field(default_factory=list)  # final ratings, oldest round first (at most CHART_ROUNDS)
    lists: list = field(default_factory=list)  # active red and black list entries
    schemes: list = field(default_factory=list)  # the schemes that rate or can rate the firm

    @property
    def rating(self):
        return self.current[0] if self.current else None


def rating_history(firm: Firm) -> list[Rating]:
    """The firm's final ratings of the last CHART_ROUNDS rounds, oldest first, with the schemes' levels."""
    history = list(Rating.objects.current().filter(firm=firm, round__state=RoundState.FINAL).defer(*HEAVY)
                   .select_related("round__scheme").prefetch_related("round__scheme__levels")
                   .order_by("-round__as_of", "-round_id")[:CHART_ROUNDS])
    history.reverse()
    return history


def firm_credit_summary(firm: Firm, today: date | None = None, *, history: bool = True) -> FirmCredit:
    """Everything on the firm page but the records (paginated by the view): a fixed number of queries (six, or
    four without the history), whatever the data."""
    today = today or timezone.localdate()
    current = list(current_final_ratings().filter(firm=firm).defer(*HEAVY).order_by("-round__finalised_at", "-id"))
    notice = list(notice_ratings().filter(firm=firm).defer(*HEAVY).order_by("-round__published_at", "-id"))
    lists = list(ListEntry.objects.active().filter(firm=firm).select_related("scheme").order_by("kind", "-listed_on"))
    schemes = {}
    for rating in (*current, *notice):
        schemes.setdefault(rating.round.scheme.pk, rating.round.scheme)
    for scheme in schemes_in_force():
        if not scheme.sectors or firm.sector in scheme.sectors:
            schemes.setdefault(scheme.pk, scheme)
    return FirmCredit(firm=firm, today=today, current=current, notice=notice,
                      history=rating_history(firm) if history else [], lists=lists, schemes=list(schemes.values()))


def list_entry_counts(entry: ListEntry) -> dict:
    """The counts behind an automatic listing: {"by_severity": {...}, "since": "Y-m-d"} or {"rounds": n}."""
    counts = entry.counts or {}
    out = {}
    if isinstance(counts.get("by_severity"), dict):
        out["by_severity"] = {k: v for k, v in counts["by_severity"].items() if v}
        out["since"] = counts.get("since", "")
    if isinstance(counts.get("rounds"), list):
        out["rounds"] = len(counts["rounds"])
    return out


# --- rounds and lists ----------------------------------------------------------------------------------------
def public_rounds() -> QuerySet:
    return RatingRound.objects.public().select_related("scheme").order_by("-published_at", "-id")


def round_ratings(rating_round: RatingRound, *, level: str = "", lookup: Lookup | None = None) -> QuerySet:
    ratings = (rating_round.ratings.current().select_related("firm").defer(*HEAVY)
               .order_by("firm__name_pinyin", "firm_id"))
    if level:
        ratings = ratings.filter(level=level)
    if lookup is not None and lookup.active:
        ratings = ratings.filter(firm_filter(lookup, prefix="firm__"))
    return ratings


def level_distribution(rating_round: RatingRound, levels: list[str]) -> list[tuple[str, int]]:
    """(level, number of firms) in the order of the scheme's level table, then any other level seen."""
    counts = dict(rating_round.ratings.current().order_by().values_list("level").annotate(n=Count("id"))
                  .values_list("level", "n"))
    ordered = [(name, counts.pop(name, 0)) for name in levels]
    return ordered + sorted(counts.items())


def active_list_entries(kind: str = "") -> QuerySet:
    entries = ListEntry.objects.active().select_related("firm", "scheme").order_by("kind", "-listed_on", "-id")
    return entries.filter(kind=kind) if kind else entries
