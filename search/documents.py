"""Turn an indexed model instance into the fields of one Whoosh document (see ``search.store.make_schema``).

Every ``SearchField`` (also inside ``RelatedFields``) goes into the catch-all ``content`` field, one value per line
so that no n-gram spans two fields. Each field also has a *role* for ranking:

``title``   the field named ``title`` or ``name`` → ``title`` (strongest boost)
``number``  a 文号 field: named ``document_number``/``doc_number``, or any short value that *is* a 文号
            (成城管发〔2023〕12号) → its ``#`` terms go to ``docnum``, its text to ``head``
``head``    other plain-text model fields (CharField/TextField: summary, keywords, names) → ``head``
``body``    everything else (StreamField, RichTextField, related objects, callables) → ``content`` only

A model can set the role explicitly: ``index.SearchField("summary", role="head")`` (modelsearch keeps unknown
keyword arguments in ``field.kwargs``).

Which objects are indexed at all: :func:`is_indexable` — an object whose ``search_is_public`` is False never is
(non-page models, see docs/search.md "Non-page content"), a page only when live (unless ``INDEX_UNPUBLISHED``).

Freshness (ties go to the newer document): the model attribute ``search_date_field`` if set, otherwise the first
of ``date_published``, ``first_published_at``, ``last_published_at``, ``latest_revision_created_at``,
``published_at``, ``created_at``, ``created`` that has a value.
"""

from __future__ import annotations

import datetime
import html
import re

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.encoding import force_str
from django.utils.html import strip_tags
from modelsearch.backends.base import get_model_root
from modelsearch.index import AutocompleteField, RelatedFields, SearchField

from .analysis import docnum_terms, normalize

TITLE_NAMES = ("title", "name")
NUMBER_NAMES = ("document_number", "doc_number")
DATE_NAMES = (
    "date_published",
    "first_published_at",
    "last_published_at",
    "latest_revision_created_at",
    "published_at",
    "created_at",
    "created",
)
_DOCNUM_VALUE_RE = re.compile(r"^\S{0,20}[〔\[【(（]\s*(?:19|20)\d\d\s*[〕\]】)）]\s*第?\d{1,5}号$")


def model_label(model) -> str:
    return model._meta.label_lower


def document_key(obj) -> str:
    return f"{model_label(get_model_root(type(obj)))}:{obj.pk}"


def model_labels(model) -> list[str]:
    """The model and every concrete parent, so ``Page.objects.search`` also finds a ``PolicyPage``."""
    labels = [model_label(model)]
    for parent in model._meta.get_parent_list():
        labels.append(model_label(parent))
    return labels


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple, set)):
        return "\n".join(_text(v) for v in value)
    if isinstance(value, models.Manager):
        return "\n".join(_text(v) for v in value.all())
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return force_str(value)


def is_public(obj) -> bool:
    """The object's own ``search_is_public`` (a property or a method); True for objects that do not declare it."""
    value = getattr(obj, "search_is_public", True)
    if callable(value):
        value = value()
    return bool(value)


def is_live(obj) -> bool:
    """False for a page (any DraftStateMixin object) that is not live."""
    try:
        from wagtail.models import DraftStateMixin
    except ImportError:  # pragma: no cover
        return True
    return not isinstance(obj, DraftStateMixin) or bool(obj.live)


def is_indexable(obj, *, index_unpublished: bool = False) -> bool:
    """Whether a backend may hold ``obj`` in its index (otherwise it deletes the object's entry).

    An object that says it is not public (``search_is_public`` False: a draft or internal consultation) is never
    indexed, whatever ``INDEX_UNPUBLISHED`` says — nothing private is ever in the index. A page that is not live
    is indexed only with ``INDEX_UNPUBLISHED`` (for the Wagtail admin search)."""
    if not is_public(obj):
        return False
    return index_unpublished or is_live(obj)


def _role(model, field: SearchField, value: str) -> str:
    role = field.kwargs.get("role")
    if role in ("title", "number", "head", "body"):
        return role
    name = field.field_name
    if name in TITLE_NAMES:
        return "title"
    if name in NUMBER_NAMES:
        return "number"
    if value and len(value) <= 40 and _DOCNUM_VALUE_RE.match(value.strip()):
        return "number"
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return "body"
    from wagtail.fields import RichTextField

    if isinstance(model_field, (models.CharField, models.TextField)) and not isinstance(model_field, RichTextField):
        return "head"
    return "body"


def _search_texts(obj, search_fields, out: dict[str, list[str]], *, top_level: bool) -> None:
    model = type(obj)
    for field in search_fields:
        if isinstance(field, RelatedFields):
            value = field.get_value(obj)
            if value is None:
                continue
            related = value.all() if isinstance(value, models.Manager) else [value]
            for item in related:
                _search_texts(item, field.fields, out, top_level=False)
        elif isinstance(field, (SearchField, AutocompleteField)):
            try:
                text = _text(field.get_value(obj)).strip()
            except Exception:  # noqa: BLE001 - a broken callable must not stop indexing the rest
                text = ""
            if not text:
                continue
            if "<" in text and ">" in text:
                text = strip_tags(text)
            if "&" in text:
                text = html.unescape(text)  # sanitised HTML keeps &amp; &lt; …: index the characters
            if isinstance(field, AutocompleteField):
                if top_level:
                    out["auto"].append(text)
                continue
            role = _role(model, field, text) if top_level else "body"
            out["content"].append(text)
            if role == "title":
                out["title"].append(text)
            elif role in ("number", "head"):
                out["head"].append(text)
                if role == "number":
                    out["docnum"].extend(docnum_terms(normalize(text)))


def _freshness(obj) -> int:
    names = [getattr(obj, "search_date_field", None), *DATE_NAMES]
    for name in names:
        if not name:
            continue
        value = getattr(obj, name, None)
        if isinstance(value, datetime.datetime):
            return int(value.timestamp())
        if isinstance(value, datetime.date):
            return int(datetime.datetime(value.year, value.month, value.day, tzinfo=datetime.UTC).timestamp())
    return 0


def build_document(obj) -> dict:
    texts: dict[str, list[str]] = {"content": [], "title": [], "head": [], "auto": [], "docnum": []}
    _search_texts(obj, type(obj).get_search_fields(), texts, top_level=True)
    return {
        "key": document_key(obj),
        "pk": str(obj.pk),
        "models": " ".join(model_labels(type(obj))),
        "content": "\n".join(texts["content"]),
        "title": "\n".join(texts["title"]),
        "head": "\n".join(texts["head"]),
        "auto": "\n".join(texts["auto"]),
        "docnum": " ".join(dict.fromkeys(texts["docnum"])),
        "fresh": _freshness(obj),
    }
