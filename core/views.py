from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors that touch the database: the error may be the database.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render())


def stored_file_response(stored, *, filename: str = ""):
    """Send a stored file as an attachment, or 404 when the record has none or it is gone from storage.

    Callers check who may see it first; this only opens and names the file."""
    from django.http import FileResponse, Http404

    from .files import safe_name

    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=safe_name(filename or stored.name.rsplit("/", 1)[-1]))


def too_many_requests(request, exception=None):
    """HTTP 429 for allauth's rate limits (``handler429`` in the root URLconf): the same page as core.ratelimit's."""
    from .ratelimit import too_many_requests as respond

    return respond(request)


@require_GET
def switch_language(request, code):
    """``/i18n/lang/<code>/?next=…``: the header's language switch. It only sets the visitor's own language cookie —
    no server state — so it is a link rather than a POST form: a form would need a CSRF token on every page, and a
    page holding one visitor's token cannot be served from the anonymous page cache to the next."""
    if code not in dict(settings.LANGUAGES):
        raise Http404
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, code, max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN, secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY, samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def serve_page(request, path):
    """Wagtail's page view (hooks, restrictions, ``page.serve``) with the route found in one lookup (core/pages.py)."""
    from wagtail import views as wagtail_views
    from wagtail.models import Page, Site
    from wagtail.url_routing import RouteResult

    if not hasattr(request, "_wagtail_route_for_request"):
        site = Site.find_for_request(request)
        components = [component for component in path.split("/") if component]
        if site is not None and components:
            url_path = f"{site.root_page.url_path}{'/'.join(components)}/"
            # slug is indexed; url_path then tells apart pages with the same slug under different parents.
            page = Page.objects.filter(slug=components[-1], url_path=url_path).first()
            live = page is not None and page.live
            request._wagtail_route_for_request = RouteResult(page.specific) if live else None
    return wagtail_views.serve(request, path)
