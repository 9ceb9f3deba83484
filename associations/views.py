from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError

from . import services
from .forms import ImportForm, InviteForm, MemberAddForm
from .imports import ImportRefused, import_firms_file
from .models import Association, FirmUserInvitation, Membership
from .permissions import can_manage_members, can_view_members
from .selectors import associations_for_staff
from .selectors import member_list as select_members

PAGE_SIZE = 50


def _association_for(request, pk, *, manage=False) -> Association:
    """The association, if the user may see (or manage) its members; otherwise 404."""
    association = get_object_or_404(Association, pk=pk)
    if not can_view_members(request.user, association):
        raise Http404
    if manage and not can_manage_members(request.user, association):
        raise PermissionDenied
    return association


def _membership(association, membership_id) -> Membership:
    return get_object_or_404(
        Membership.objects.current().select_related("firm", "association"), pk=membership_id, association=association
    )


@login_required
def my_members(request):
    association = associations_for_staff(user=request.user).order_by("id").first()
    if association is None:
        raise Http404
    return redirect("associations:member_list", pk=association.pk)


@login_required
def member_list(request, pk, *, add_form=None, import_form=None, import_report=None, status=200):
    association = _association_for(request, pk)
    query = request.GET.get("q", "")
    page = Paginator(select_members(association=association, query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "association": association,
        "page": page,
        "query": query,
        "can_manage": can_manage_members(request.user, association),
        "add_form": add_form or MemberAddForm(),
        "invite_form": InviteForm(),
        "import_form": import_form or ImportForm(),
        "import_report": import_report,
    }
    return render(request, "associations/member_list.html", context, status=status)


@login_required
@require_POST
def member_add(request, pk):
    association = _association_for(request, pk, manage=True)
    form = MemberAddForm(request.POST)
    if form.is_valid():
        try:
            membership = services.member_add(actor=request.user, association=association, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("%(firm)s was added as a member.") % {"firm": membership.firm.name})
            return redirect("associations:member_list", pk=association.pk)
    return member_list(request, association.pk, add_form=form, status=400)


@login_required
@require_POST
def member_remove(request, pk, membership_id):
    association = _association_for(request, pk, manage=True)
    membership = _membership(association, membership_id)
    try:
        services.membership_end(actor=request.user, membership=membership)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(firm)s is no longer a member.") % {"firm": membership.firm.name})
    return redirect("associations:member_list", pk=association.pk)


@login_required
@require_POST
def member_invite(request, pk, membership_id):
    association = _association_for(request, pk, manage=True)
    membership = _membership(association, membership_id)
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid email address."))
        return redirect("associations:member_list", pk=association.pk)
    try:
        services.invitation_create(
            actor=request.user, association=association, firm=membership.firm, email=form.cleaned_data["email"],
            request=request,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("An invitation was sent to %(email)s for %(firm)s.")
            % {"email": form.cleaned_data["email"], "firm": membership.firm.name},
        )
    return redirect("associations:member_list", pk=association.pk)


@login_required
@require_POST
def member_import(request, pk):
    association = _association_for(request, pk, manage=True)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return member_list(request, association.pk, import_form=form, status=400)
    try:
        report = import_firms_file(
            actor=request.user,
            uploaded=form.cleaned_data["file"],
            dry_run=form.cleaned_data["dry_run"],
            only_association=association,
        )
    except ImportRefused as exc:
        form.add_error("file", str(exc))
        return member_list(request, association.pk, import_form=form, status=400)
    return member_list(request, association.pk, import_report=report)


@login_required
def invitation_accept(request, token):
    invitation = get_object_or_404(FirmUserInvitation.objects.select_related("firm", "association"), token=token)
    if request.method == "POST":
        try:
            services.invitation_accept(user=request.user, token=token)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("You now act for %(firm)s.") % {"firm": invitation.firm.name})
            return redirect("dashboard")
    return render(request, "associations/invitation_accept.html", {"invitation": invitation})
