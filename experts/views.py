"""Public expert pages: the directory, an expert's public page and the invitation link of a drawn expert.

Thin views: parse → one selector or service → render. Only active experts and only public fields (never phone or
email). The invitation page needs no login: the signed token in the link is the credential.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from core.errors import DomainError, add_to_form

from . import selectors, services
from .forms import ConfirmForm, DeclineForm, DirectoryForm
from .models import Selection
from .services.invitations import selection_for_token

PAGE_SIZE = 20


def _page(request, queryset, size):
    page = Paginator(queryset, size).get_page(request.GET.get("page"))
    return {"page": page, "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)}


@require_safe
def directory(request):
    pools = selectors.pools()
    form = DirectoryForm(request.GET, pools=pools)
    filters = form.filters()
    paged = _page(request, selectors.public_experts(**filters), PAGE_SIZE)
    return render(request, "experts/public/directory.html", {
        "form": form, "filters": filters, "q": filters["q"], "pools": pools,
        "filtered": any(filters.values()), "section": "experts", **paged})


@require_safe
def detail(request, pk: int):
    expert = selectors.public_expert(pk)
    if expert is None:
        raise Http404
    pools = [m.pool for m in expert.pool_memberships.all()]
    return render(request, "experts/public/detail.html", {"expert": expert, "pools": pools, "section": "experts"})


def _lapsed(selection: Selection) -> bool:
    return selection.response == Selection.Response.EXPIRED or (
        selection.response == Selection.Response.WAITING and selection.answer_by is not None
        and timezone.now() > selection.answer_by)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def invitation(request, token: str):
    try:
        selection = selection_for_token(token)
    except DomainError as exc:
        return render(request, "experts/invitation_invalid.html", {"message": exc.message}, status=404)
    context = {"selection": selection, "draw": selection.draw, "expert": selection.expert}
    if selection.response != Selection.Response.WAITING or _lapsed(selection):
        return render(request, "experts/invitation_answered.html", {**context, "lapsed": _lapsed(selection)})
    confirm_form, decline_form = ConfirmForm(prefix="confirm"), DeclineForm(prefix="decline")
    if request.method == "POST":
        accept = request.POST.get("action") == "confirm"
        form = ConfirmForm(request.POST, prefix="confirm") if accept else DeclineForm(request.POST, prefix="decline")
        if accept:
            confirm_form = form
        else:
            decline_form = form
        if form.is_valid():
            try:
                services.invitation_answer(token=token, accept=accept, reason=form.cleaned_data.get("reason", ""),
                                           pledge=form.cleaned_data.get("pledge", False))
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                return redirect("experts:invitation", token)
    return render(request, "experts/invitation.html", {
        **context, "confirm_form": confirm_form, "decline_form": decline_form})


@require_safe
def draw(request, pk: int):
    """A draw's result: the panel that took part, the seed and the supervisor. Confidential until published."""
    found, panel = selectors.draw_result(pk, request.user)
    if found is None:
        raise Http404
    return render(request, "experts/public/draw.html", {"draw": found, "panel": panel, "section": "experts"})
