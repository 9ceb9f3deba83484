from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from associations.selectors import firm_bindings_for, staff_bindings_for
from core.roles import COMMITTEE_GROUPS, ROLE_LABELS, is_committee_admin, is_committee_staff


@login_required
def dashboard(request):
    user = request.user
    group_names = [name for name in user.groups.values_list("name", flat=True) if name in COMMITTEE_GROUPS]
    context = {
        "committee_roles": [ROLE_LABELS[name] for name in group_names],
        "is_committee_staff": is_committee_staff(user),
        "is_committee_admin": is_committee_admin(user),
        "staff_bindings": staff_bindings_for(user=user),
        "firm_bindings": firm_bindings_for(user=user),
    }
    return render(request, "portal/dashboard.html", context)
