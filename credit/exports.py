"""Open data: the CSV of current final ratings (/credit/export.csv).

One query, streamed from the database in chunks (values only, no model instances), whatever the number of rows.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import CSV_TYPE, csv_bytes, export_response

from . import selectors

CHUNK = 2000
COLUMNS = ("firm__uscc", "firm__name", "level", "round__valid_from", "round__valid_until", "round__scheme__version")


def rating_rows():
    """(code, name, level, valid from, valid until, scheme version) of every current final rating."""
    return (selectors.current_final_ratings(valid_on=timezone.localdate()).order_by("firm__uscc", "round_id")
            .values_list(*COLUMNS).iterator(chunk_size=CHUNK))


def headers() -> list[str]:
    return [_("Unified social credit code"), _("Firm name"), _("Credit level"), _("Valid from"), _("Valid until"),
            _("Scheme version")]


def ratings_csv():
    filename = f"credit-ratings-{timezone.localdate():%Y%m%d}.csv"
    return export_response(csv_bytes(headers(), rating_rows()), filename, CSV_TYPE)
