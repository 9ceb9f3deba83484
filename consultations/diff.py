"""Redline between two versions of a draft, article by article.

Articles are compared by `key`, a stable identity that survives renumbering: `match_keys` decides which
article of the new version continues which article of the old one, `diff_articles` then marks what changed.
Pure Python: works on any objects with `key`, `label` and `text` attributes.
"""

import heapq
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

STATUSES = ("unchanged", "changed", "added", "removed")
# Above this many characters (old + new) an article is compared line by line first, then character by character
# only inside changed blocks that are small enough: SequenceMatcher is quadratic in the worst case.
CHAR_DIFF_LIMIT = 20_000
# Equal runs this short between two edits are folded into the edit: "应当在五日内" → "必须在十日内" reads better as
# one replacement than as a confetti of single characters.
SHORT_EQUAL_RUN = 1
# match_keys compares each new article in full with this many old ones at most: those sharing the most bigrams.
CANDIDATES = 4
# …and only when their bigram similarity (Dice) reaches this share of the threshold: edited articles that keep half
# their text score ≥ 0.35 on bigrams, unrelated articles of one regulation mostly below 0.3.
DICE_FLOOR = 0.6


@dataclass
class ArticleDiff:
    key: str
    status: str  # "unchanged" | "changed" | "added" | "removed"
    renumbered: bool  # same article, different label (第五条 → 第六条)
    old_label: str | None
    new_label: str | None
    html: SafeString  # the text with <del>/<ins> marks, escaped, lines separated by <br>
    old_text: str = ""
    new_text: str = ""
    old: object | None = field(default=None, repr=False)
    new: object | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        return self.new_label or self.old_label or ""


def diff_articles(old: list, new: list) -> list[ArticleDiff]:
    """Compare two versions. Result follows the new order; removed articles come after their old predecessor."""
    old_by_key = _by_key(old)
    new_keys = {article.key for article in _by_key(new).values()}
    diffs = []
    for article in new:
        before = old_by_key.get(article.key)
        if before is None:
            diffs.append(_diff(article.key, "added", None, article))
        else:
            status = "unchanged" if before.text == article.text else "changed"
            diffs.append(_diff(article.key, status, before, article))

    # Removed articles: after the nearest preceding old article that survives (or at the start).
    after: dict[str | None, list[ArticleDiff]] = {}
    anchor = None
    for article in old:
        if article.key in new_keys:
            anchor = article.key
        else:
            after.setdefault(anchor, []).append(_diff(article.key, "removed", article, None))
    result = after.get(None, [])[:]
    for item in diffs:
        result.append(item)
        result.extend(after.get(item.key, []))
    return result


def summary(diffs: list[ArticleDiff]) -> dict[str, int]:
    counts = Counter(item.status for item in diffs)
    return {status: counts.get(status, 0) for status in STATUSES} | {
        "renumbered": sum(1 for item in diffs if item.renumbered)
    }


def _by_key(articles) -> dict:
    by_key = {}
    for article in articles:
        if article.key in by_key:
            raise ValueError(f"duplicate article key {article.key!r}")
        by_key[article.key] = article
    return by_key


def _diff(key, status, old, new) -> ArticleDiff:
    old_text, new_text = (old.text if old else ""), (new.text if new else "")
    if status == "unchanged":
        html = _equal(new_text)
    elif status == "added":
        html = _ins(new_text)
    elif status == "removed":
        html = _del(old_text, "<br>")
    else:
        html = redline(old_text, new_text)
    old_label, new_label = (old.label if old else None), (new.label if new else None)
    return ArticleDiff(
        key=key,
        status=status,
        renumbered=bool(old and new and old_label != new_label),
        old_label=old_label,
        new_label=new_label,
        html=mark_safe(html),  # every piece of text went through escape()
        old_text=old_text,
        new_text=new_text,
        old=old,
        new=new,
    )


def redline(old: str, new: str) -> SafeString:
    """The new text, escaped, with removed characters in <del> and added ones in <ins>."""
    if len(old) + len(new) <= CHAR_DIFF_LIMIT:
        return mark_safe(_char_redline(old, new))  # escaped piece by piece
    old_lines, new_lines = old.split("\n"), new.split("\n")
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    parts = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        a, b = "\n".join(old_lines[i1:i2]), "\n".join(new_lines[j1:j2])
        if tag == "equal":
            parts.append(_equal(b))
        elif tag == "replace" and len(a) + len(b) <= CHAR_DIFF_LIMIT:
            parts.append(_char_redline(a, b))
        else:
            parts.append(_del(a, "<br>") + ("<br>" if a and b else "") + _ins(b))
    return mark_safe("<br>".join(part for part in parts if part))  # escaped piece by piece


def _char_redline(old: str, new: str) -> str:
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    chunks = []  # [tag, old piece, new piece], short equal runs folded into the edits around them
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        chunks.append([tag, old[i1:i2], new[j1:j2]])
    merged: list[list[str]] = []
    for index, chunk in enumerate(chunks):
        tag, a, b = chunk
        fold = (
            tag == "equal"
            and len(a) <= SHORT_EQUAL_RUN
            and "\n" not in a
            and 0 < index < len(chunks) - 1
            and merged
            and merged[-1][0] != "equal"
        )
        if fold or (tag != "equal" and merged and merged[-1][0] != "equal"):
            merged[-1] = ["replace", merged[-1][1] + a, merged[-1][2] + b]
        else:
            merged.append(chunk)
    parts = []
    for tag, a, b in merged:
        parts.append(_equal(b) if tag == "equal" else _del(a) + _ins(b))
    return "".join(parts)


def _equal(text: str) -> str:
    return str(escape(text)).replace("\n", "<br>")


def _del(text: str, newline: str = "¶") -> str:
    # Inside a line, a removed line break is shown as ¶: the new text has no break there.
    return f"<del>{escape(text).replace(chr(10), newline)}</del>" if text else ""


def _ins(text: str) -> str:
    return f"<ins>{escape(text).replace(chr(10), '<br>')}</ins>" if text else ""


def match_keys(old: list[tuple[str, str]], new_texts: list[str], *, threshold: float = 0.5) -> list[str | None]:
    """For each new article, the key of the old article it continues, or None for a new article.

    1. identical texts (first unused old article with that text);
    2. among the rest, the order-keeping matching (like an LCS) with the largest total similarity ≥ threshold;
    3. among what is still left, the most similar pairs ≥ threshold (articles moved elsewhere).
    Each old key is used at most once. O(n·m) cheap bigram comparisons, O(n) SequenceMatcher ratios.
    """
    result: list[str | None] = [None] * len(new_texts)
    used: set[int] = set()
    by_text: dict[str, list[int]] = {}
    for i, (_key, text) in enumerate(old):
        by_text.setdefault(text, []).append(i)
    for j, text in enumerate(new_texts):
        candidates = by_text.get(text)
        if candidates:
            i = candidates.pop(0)
            used.add(i)
            result[j] = old[i][0]

    old_left = [i for i in range(len(old)) if i not in used]
    new_left = [j for j in range(len(new_texts)) if result[j] is None]
    scores = _similarities([old[i][1] for i in old_left], [new_texts[j] for j in new_left], threshold)
    for a, b in _monotone_matching(scores, len(old_left), len(new_left)):
        result[new_left[b]] = old[old_left[a]][0]
        used.add(old_left[a])
    for (a, b), _score in sorted(scores.items(), key=lambda item: (-item[1], abs(item[0][0] - item[0][1]))):
        if old_left[a] not in used and result[new_left[b]] is None:
            result[new_left[b]] = old[old_left[a]][0]
            used.add(old_left[a])
    return result


def _similarities(old_texts: list[str], new_texts: list[str], threshold: float) -> dict[tuple[int, int], float]:
    """SequenceMatcher ratios ≥ threshold, computed only for the few most promising old articles per new one.

    Articles of one regulation share most of their characters ("应当", "餐厨垃圾" …), so quick_ratio() rarely rules a
    pair out and ratio() on all n·m pairs takes tens of seconds. Character-bigram overlap (set operations, in C)
    picks the candidates; ratio() decides.
    """
    scores = {}
    old_grams = [_bigrams(text) for text in old_texts]
    floor = threshold * DICE_FLOOR
    matcher = SequenceMatcher(None, autojunk=False)
    for b, new_text in enumerate(new_texts):
        grams = _bigrams(new_text)
        # Ties (articles with the same wording) go to the old article nearest in relative position.
        where = b * len(old_texts) / max(len(new_texts), 1)
        dices = (
            (2 * len(grams & old) / (len(grams) + len(old)), -abs(a - where), a) for a, old in enumerate(old_grams)
        )
        candidates = heapq.nlargest(CANDIDATES, (item for item in dices if item[0] >= floor))
        matcher.set_seq2(new_text)
        for dice, _distance, a in candidates:
            if dice < candidates[0][0] * 0.75:  # far behind the best: not worth a ratio()
                break
            matcher.set_seq1(old_texts[a])
            if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
                continue
            # On very long texts ratio() could take seconds: the bigram similarity has to do.
            score = dice if len(old_texts[a]) + len(new_text) > CHAR_DIFF_LIMIT else matcher.ratio()
            if score >= threshold:
                scores[(a, b)] = score
    return scores


def _bigrams(text: str) -> set[str]:
    padded = f"\0{text}\0"
    return {padded[i : i + 2] for i in range(len(padded) - 1)}


def _monotone_matching(scores: dict[tuple[int, int], float], n: int, m: int) -> list[tuple[int, int]]:
    """Pairs (a, b), increasing in both a and b, with the largest total score (dynamic programming)."""
    if not scores:
        return []
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for a in range(1, n + 1):
        row, prev = best[a], best[a - 1]
        for b in range(1, m + 1):
            row[b] = max(prev[b], row[b - 1], prev[b - 1] + scores.get((a - 1, b - 1), float("-inf")))
    pairs = []
    a, b = n, m
    while a and b:
        if best[a][b] == best[a - 1][b]:
            a -= 1
        elif best[a][b] == best[a][b - 1]:
            b -= 1
        else:
            pairs.append((a - 1, b - 1))
            a, b = a - 1, b - 1
    return pairs[::-1]
