"""Shared pieces of the permission-matrix tests: URL names from the resolver, status codes per role."""

from django.urls import URLPattern, URLResolver, get_resolver


def url_names_under(fragment: str) -> set[str]:
    """Every named URL (namespace:name) whose full route contains `fragment`."""
    names = set()

    def walk(resolver, route, namespace):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                walk(entry, route + str(entry.pattern), namespace + (f"{entry.namespace}:" if entry.namespace else ""))
            elif isinstance(entry, URLPattern) and fragment in route + str(entry.pattern):
                names.add(f"{namespace}{entry.name}")

    walk(get_resolver(), "", "")
    return names


def statuses(client, users: dict, method: str, url: str, data=None) -> dict:
    """The status code each role (a name → user or None for anonymous) gets for one request."""
    got = {}
    for role, user in users.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        got[role] = getattr(client, method)(url, data or {}).status_code
    return got


def url_inventory() -> list[tuple[str, str]]:
    """Every URL pattern of the project as (key, full route).

    The key is ``namespace:name`` for a named pattern; an unnamed one is ``namespace:None`` inside a namespace (as
    `url_names_under` calls it) and its full route at the top level (where several would all be called ``None``).
    """
    found = []

    def walk(resolver, route, namespace):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                walk(entry, route + str(entry.pattern), namespace + (f"{entry.namespace}:" if entry.namespace else ""))
            elif isinstance(entry, URLPattern):
                full = route + str(entry.pattern)
                key = f"{namespace}{entry.name}" if entry.name or namespace else full
                found.append((key, full))

    walk(get_resolver(), "", "")
    return found
