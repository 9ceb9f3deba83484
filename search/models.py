"""Index entries of the PostgreSQL search backend (:mod:`search.backends.postgres`).

One row per indexed object (``content_type`` is the object's *root* indexed model, as in
:func:`search.documents.document_key`). The tsvectors hold the terms of :mod:`search.analysis` pre-tokenised — they
are built as tsvector literals, never by PostgreSQL's parser, so ``#成城管发2023-12``, ``pm2.5`` or ``nb`` stay
exactly the analyzer's terms. The table exists on every database (migrations stay portable); the GIN indexes are
created on PostgreSQL only (see the migration) and only the PostgreSQL backend reads or writes the table.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models


class IndexEntry(models.Model):
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    # Model labels of the object and its indexed parents, space separated ("policies.policypage wagtailcore.page").
    model_labels = models.CharField(max_length=500, default="")
    # Title terms only (``fields=["title"]``).
    title = SearchVectorField(null=True)
    # Every term: title (weight A), the object's own 文号 '#' terms (A), short plain fields (B), all text (D).
    content = SearchVectorField(null=True)
    # AutocompleteField values (autocomplete(), prefix matching on the last Latin word).
    autocomplete = SearchVectorField(null=True)
    date = models.DateTimeField(null=True, blank=True)  # freshness: ties go to the newer document
    indexed_at = models.DateTimeField()  # a rebuild deletes the rows it did not write

    class Meta:
        verbose_name = "search index entry"
        verbose_name_plural = "search index entries"
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="portal_search_entry_unique"),
        ]
        indexes = [
            GinIndex(fields=["content"], name="portal_search_content_gin"),
            GinIndex(fields=["title"], name="portal_search_title_gin"),
            GinIndex(fields=["autocomplete"], name="portal_search_auto_gin"),
        ]

    def __str__(self):
        return f"{self.content_type_id}:{self.object_id}"
