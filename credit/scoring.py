"""Scores as of any date: base + the points of the events effective that day, capped per category.

Pure functions over plain rows, so that one firm's explanation page and the bulk computation of a round share
the arithmetic. ``score_firm`` reads the events of one firm (one query); ``score_rows`` does the arithmetic.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .models import Category, CreditEvent, CreditScheme

ROW_FIELDS = ("id", "number", "firm_id", "points", "effective_from", "expires_on", "repaired_on",
              "repaired_at", "indicator__code", "indicator__name", "indicator__category",
              "indicator__severity")


@dataclass
class Contribution:
    event_id: int
    number: str
    code: str
    name: str
    category: str
    severity: str
    points: str
    effective_from: str
    counts_until: str  # the last day it counts: expiry, or the day before a repair already known


@dataclass
class CategoryTotal:
    category: str
    raw: str
    counted: str
    cap: str | None
    capped: bool


@dataclass
class Score:
    on: str
    base: str
    score: Decimal
    level: str
    categories: list[CategoryTotal] = field(default_factory=list)
    contributions: list[Contribution] = field(default_factory=list)

    def as_json(self) -> dict:
        # What dataclasses.asdict gives, built directly: asdict deep-copies every value and took most of the
        # time of a 10,000-firm round (every field here is a str, bool or None, or a list of such dataclasses).
        data = dict(vars(self), score=str(self.score))
        data["categories"] = [dict(vars(c)) for c in self.categories]
        data["contributions"] = [dict(vars(c)) for c in self.contributions]
        return data


class LevelTable:
    """The scheme's levels, highest minimum first; a score below every minimum gets the lowest level."""

    def __init__(self, levels):
        self.rows = sorted(((Decimal(lv.min_score), lv.name) for lv in levels), reverse=True)

    def level_for(self, score: Decimal) -> str:
        for minimum, name in self.rows:
            if score >= minimum:
                return name
        return self.rows[-1][1] if self.rows else ""

    @property
    def top(self) -> str:
        return self.rows[0][1] if self.rows else ""


def num(value) -> str:
    """A number without trailing zeros: Decimal("-4.00") → "-4", Decimal("2.50") → "2.5"."""
    return format(Decimal(value).normalize(), "f")


def caps_of(scheme: CreditScheme) -> dict[str, Decimal | None]:
    return {Category.BASIC: scheme.basic_cap, Category.GOOD: scheme.good_cap, Category.BAD: scheme.bad_cap}


def _counts_until(row, known_at) -> date:
    repaired_on = row["repaired_on"]
    if repaired_on and (known_at is None or (row["repaired_at"] and row["repaired_at"] <= known_at)):
        return min(row["expires_on"], date.fromordinal(repaired_on.toordinal() - 1))
    return row["expires_on"]


def score_rows(*, base: Decimal, caps: dict, levels: LevelTable, rows, on: date, known_at=None) -> Score:
    """The score from rows already filtered to the events effective on `on` (see ROW_FIELDS)."""
    raw = {Category.BASIC: Decimal(0), Category.GOOD: Decimal(0), Category.BAD: Decimal(0)}
    contributions = []
    for row in sorted(rows, key=lambda r: (r["indicator__category"], r["effective_from"], r["id"])):
        points = Decimal(row["points"])
        raw[row["indicator__category"]] += points
        contributions.append(Contribution(
            event_id=row["id"], number=row["number"], code=row["indicator__code"], name=row["indicator__name"],
            category=row["indicator__category"], severity=row["indicator__severity"], points=num(points),
            effective_from=row["effective_from"].isoformat(),
            counts_until=_counts_until(row, known_at).isoformat()))
    total = Decimal(base)
    categories = []
    for category, value in raw.items():
        cap = caps.get(category)
        counted = value
        if cap is not None:
            counted = max(value, -Decimal(cap)) if category == Category.BAD else min(value, Decimal(cap))
        total += counted
        categories.append(CategoryTotal(category=category, raw=num(value), counted=num(counted),
                                        cap=None if cap is None else num(cap), capped=counted != value))
    total = total.quantize(Decimal("0.01"))
    return Score(on=on.isoformat(), base=num(base), score=total, level=levels.level_for(total),
                 categories=categories, contributions=contributions)


def family_events(scheme: CreditScheme):
    """Events recorded under any version of the scheme (indicator codes carry over between versions)."""
    return CreditEvent.objects.filter(indicator__scheme__family=scheme.family)


def score_firm(*, scheme: CreditScheme, firm, on: date, known_at=None) -> Score:
    """The firm's score on `on`, as the records were known at `known_at` (default now). Three queries."""
    rows = family_events(scheme).filter(firm=firm).effective_on(on, known_at).values(*ROW_FIELDS)
    return score_rows(base=scheme.base_score, caps=caps_of(scheme), levels=LevelTable(scheme.levels.all()),
                      rows=list(rows), on=on, known_at=known_at)
