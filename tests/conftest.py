import pytest

from tests.factories import AssociationFactory, MembershipFactory, association_staff


@pytest.fixture
def association(db):
    return AssociationFactory()


@pytest.fixture
def other_association(db):
    return AssociationFactory()


@pytest.fixture
def member_firm(association):
    return MembershipFactory(association=association).firm


@pytest.fixture
def association_admin(association):
    return association_staff(association)


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"database: {engine} ({settings.DATABASES['default'].get('HOST') or settings.DATABASES['default']['NAME']})"


@pytest.fixture(autouse=True)
def _search_index(tmp_path, settings):
    """A fresh Whoosh index per test: the database rolls back after each test, the index would not."""
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "search.backends.whoosh", "PATH": str(tmp_path / "search_index")}
    }


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: rate-limit counters (allauth's and core.ratelimit's) and cached pages
    never carry over from one test to the next."""
    from django.core.cache import caches

    for alias in ("default", "pages"):
        caches[alias].clear()
    yield


@pytest.fixture
def page_cache_on(settings, tmp_path):
    """The anonymous page cache on (the test settings turn it off), with generations in a fresh directory."""
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_DIR = tmp_path / "pagecache"
    settings.PAGE_CACHE_SHARED_GENERATIONS = False
