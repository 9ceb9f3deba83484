"""Site search: a Whoosh backend for Wagtail/modelsearch with a Chinese analyzer.

- ``analysis``          normalisation (NFKC, OpenCC t2s, lower case, 文号 brackets), index terms (CJK unigrams +
                        bigrams, Latin/digit words, ``#`` 文号 terms) and query analysis — no query parser
- ``documents``         an indexed model instance → one Whoosh document (catch-all content + ranking fields)
- ``store``             the index directory: schema, multi-process-safe writes, zero-downtime rebuilds, result cache
- ``backends.whoosh``   the modelsearch backend (``WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND":
                        "search.backends.whoosh", "PATH": ...}}``): query compiler, results, index, rebuilder

Apps do not register anything here: a model is searchable when it declares ``search_fields`` (modelsearch).
"""
