import pytest
from django.test import override_settings
from modelsearch.backends import get_search_backend

from tests.search.reporting import REPORT_KEY


def whoosh_config(path, **options):
    return {"default": {"BACKEND": "search.backends.whoosh", "PATH": str(path), **options}}


@pytest.fixture
def whoosh_backend(tmp_path, db):
    """The Whoosh backend as the default search backend, with its index in a temporary directory."""
    with override_settings(WAGTAILSEARCH_BACKENDS=whoosh_config(tmp_path / "index")):
        yield get_search_backend()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    lines = config.stash.get(REPORT_KEY, [])
    if lines:
        terminalreporter.section("search quality")
        for line in lines:
            terminalreporter.write_line(line)
