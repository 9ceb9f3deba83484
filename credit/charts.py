"""A firm's level and score over final rating rounds as an inline SVG, rendered on the server.

No script and no CDN: the SVG is plain markup with a <title> and a <desc> (read by screen readers through
aria-labelledby), one labelled point per round, and grid lines at the level thresholds of the latest scheme. The
page shows the same data as a table next to it. Every piece of text goes through format_html (escaped); colours
come from credit.css through classes (no style attributes).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from .scoring import num

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 72, 24, 28, 44
INSET = 36  # between the axis and the first and last points
STEP = Decimal(10)
FULL_DATES = 6  # up to this many rounds, the x axis shows full dates; more show Y-m


@dataclass
class ChartPoint:
    x: float
    y: float
    label: str  # x-axis label: the rating date
    level: str
    score: str
    text: str  # the full sentence for <desc> and the point's tooltip


def _round_to_step(value: Decimal, *, up: bool) -> Decimal:
    steps = (value / STEP).to_integral_value(rounding="ROUND_CEILING" if up else "ROUND_FLOOR")
    return steps * STEP


class Scale:
    """Maps scores to y and round positions to x inside the plot area."""

    def __init__(self, values: list[Decimal], count: int):
        self.top = _round_to_step(max([Decimal(100), *values]), up=True)
        self.bottom = _round_to_step(min(values) - STEP, up=False)
        self.count = count
        self.plot_w = WIDTH - LEFT - RIGHT - 2 * INSET
        self.plot_h = HEIGHT - TOP - BOTTOM

    def y(self, value: Decimal) -> float:
        share = (self.top - Decimal(value)) / (self.top - self.bottom)
        return round(TOP + float(share) * self.plot_h, 1)

    def x(self, index: int) -> float:
        if self.count == 1:
            return round(LEFT + INSET + self.plot_w / 2, 1)
        return round(LEFT + INSET + index * self.plot_w / (self.count - 1), 1)


def chart_points(history) -> tuple[list[ChartPoint], Scale, list[tuple[str, Decimal]]]:
    """Points of ``history`` (final ratings, oldest first) and the level thresholds of the latest scheme."""
    levels = list(history[-1].round.scheme.levels.all())
    thresholds = sorted(((lv.name, Decimal(lv.min_score)) for lv in levels if lv.min_score > 0),
                        key=lambda item: item[1])
    scale = Scale([Decimal(r.score) for r in history] + [m for _n, m in thresholds], len(history))
    points = []
    date_format = "%Y-%m-%d" if len(history) <= FULL_DATES else "%Y-%m"
    for i, rating in enumerate(history):
        rating_round = rating.round
        text = _("%(date)s %(round)s: level %(level)s, score %(score)s") % {
            "date": rating_round.as_of.isoformat(), "round": rating_round.name, "level": rating.level,
            "score": num(rating.score)}
        points.append(ChartPoint(x=scale.x(i), y=scale.y(rating.score), label=rating_round.as_of.strftime(date_format),
                                 level=rating.level, score=num(rating.score), text=text))
    return points, scale, thresholds


def rating_chart(history, *, chart_id: str = "credit-chart") -> SafeString | str:
    """The inline SVG for ``history`` (final ratings, oldest first; schemes' levels prefetched); "" when empty."""
    if not history:
        return ""
    points, scale, thresholds = chart_points(history)
    right, base = WIDTH - RIGHT, HEIGHT - BOTTOM
    grid = format_html_join("", (
        '<line class="chart-grid" x1="{0}" y1="{1}" x2="{2}" y2="{1}"/>'
        '<text class="chart-axis" x="{3}" y="{4}" text-anchor="end">{5} ≥{6}</text>'),
        ((LEFT, scale.y(minimum), right, LEFT - 6, scale.y(minimum) + 4, name, num(minimum))
         for name, minimum in thresholds))
    line = format_html('<polyline class="chart-line" fill="none" points="{}"/>',
                       " ".join(f"{p.x},{p.y}" for p in points)) if len(points) > 1 else ""
    marks = format_html_join("", (
        '<g class="chart-mark"><circle class="chart-point" cx="{0}" cy="{1}" r="5"><title>{2}</title></circle>'
        '<text class="chart-value" x="{0}" y="{3}" text-anchor="middle">{4} · {5}</text>'
        '<text class="chart-axis" x="{0}" y="{6}" text-anchor="middle">{7}</text></g>'),
        ((p.x, p.y, p.text, p.y - 10, p.level, p.score, base + 20, p.label) for p in points))
    return format_html(
        '<svg class="credit-chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-title {id}-desc" '
        'focusable="false" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        '<line class="chart-axis-line" x1="{left}" y1="{top}" x2="{left}" y2="{base}"/>'
        '<line class="chart-axis-line" x1="{left}" y1="{base}" x2="{right}" y2="{base}"/>'
        '{grid}{line}{marks}</svg>',
        w=WIDTH, h=HEIGHT, id=chart_id, title=_("Credit level and score by rating round"),
        desc="; ".join(p.text for p in points), left=LEFT, top=TOP, base=base, right=right,
        grid=grid, line=line, marks=marks)
