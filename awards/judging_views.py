"""The judges' workspace at /me/judging/: the campaigns a user judges with their progress, the entries of a round
assigned to them, the score form, recusal (回避) and the entries' files.

A judge is a Judge row whose expert is the request user; a user who judges nothing gets 403 on the index, and any
object outside their panel, in a pending round or of an entry they are recused from or conflicted with is a 404.
In a blind round nothing naming the firm is shown. Others' scores appear only after the judge's own, anonymised.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError, add_to_form
from core.files import safe_name

from . import judging_selectors as selectors
from . import services
from .judging_forms import RecusalForm, ScoreForm
from .models import Round


@login_required
@require_http_methods(["GET", "HEAD"])
def index(request):
    judges = selectors.user_judges(request.user)
    if not judges:
        raise PermissionDenied
    return render(request, "awards/judging/index.html",
                  {"campaigns": selectors.index_page(judges), "section": "judging"})


@login_required
@require_http_methods(["GET", "HEAD"])
def round_entries(request, round_id):
    judge, rnd = selectors.judge_round(request.user, round_id)
    context = selectors.round_page(judge, rnd, request.GET.get("category"))
    context.update({"judge": judge, "round": rnd, "campaign": rnd.campaign, "section": "judging"})
    return render(request, "awards/judging/round.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def round_entry(request, pk):
    judge, round_entry = selectors.judge_round_entry(request.user, pk)
    rnd, entry = round_entry.round, round_entry.entry
    summary = selectors.score_summary(judge, round_entry)
    form = None
    if rnd.state == Round.State.OPEN and summary["own"] is None:
        form = ScoreForm(request.POST if request.method == "POST" else None, criteria=rnd.criteria.all())
        if request.method == "POST" and form.is_valid():
            try:
                services.score_submit(actor=request.user, judge=judge, round_entry=round_entry,
                                      values=form.values(), comment=form.cleaned_data.get("comment", ""))
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _("Your score of entry %(number)s has been submitted.")
                                 % {"number": entry.number})
                return redirect("judging:entry", pk=round_entry.pk)
    elif request.method == "POST":
        messages.error(request, _("This entry can no longer be scored by you."))
        return redirect("judging:entry", pk=round_entry.pk)
    context = {
        "judge": judge, "round": rnd, "campaign": rnd.campaign, "round_entry": round_entry, "entry": entry,
        "answers": selectors.entry_answers(rnd.campaign, entry), "files": list(entry.files.all()),
        "summary": summary, "form": form, "section": "judging",
        "recusal_form": RecusalForm() if form is not None else None,
    }
    return render(request, "awards/judging/entry.html", context)


@login_required
@require_POST
def recuse(request, pk):
    judge, round_entry = selectors.judge_round_entry(request.user, pk)
    form = RecusalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why you stand aside (e.g. a former employer)."))
        return redirect("judging:entry", pk=round_entry.pk)
    try:
        services.recuse(actor=request.user, judge=judge, entry=round_entry.entry,
                        reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("judging:entry", pk=round_entry.pk)
    messages.success(request, _("You stand aside for entry %(number)s; it is no longer assigned to you.")
                     % {"number": round_entry.entry.number})
    return redirect("judging:round", round_id=round_entry.round_id)


@login_required
@require_http_methods(["GET", "HEAD"])
def entry_file(request, pk):
    stored, name = selectors.judge_file(request.user, pk)
    if not stored.file:
        raise Http404
    try:
        handle = stored.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=False, filename=safe_name(name),
                            content_type=stored.content_type or None)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
