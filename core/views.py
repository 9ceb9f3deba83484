from django.shortcuts import render


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
