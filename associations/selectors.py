from django.db.models import Count, Prefetch, Q

from .models import Association, AssociationStaff, FirmUser, Membership


def associations_for_staff(*, user):
    return Association.objects.filter(staff__user=user).distinct()


def staff_bindings_for(*, user):
    return list(AssociationStaff.objects.filter(user=user).select_related("association"))


def firm_bindings_for(*, user):
    current = Membership.objects.current().select_related("association")
    return list(
        FirmUser.objects.filter(user=user)
        .select_related("firm")
        .prefetch_related(Prefetch("firm__memberships", queryset=current, to_attr="current_memberships"))
    )


def member_list(*, association, query: str = ""):
    """Current memberships of an association, with firm, for the member page."""
    qs = Membership.objects.current().filter(association=association).select_related("firm")
    query = query.strip()
    if query:
        qs = qs.filter(
            Q(firm__name__icontains=query)
            | Q(firm__uscc__icontains=query.upper())
            | Q(firm__name_initials__startswith=query.lower())
            | Q(firm__name_pinyin__startswith=query.lower())
        )
    return qs.annotate(user_count=Count("firm__users")).order_by("firm__name_pinyin", "firm_id")


def associations_with_member_counts():
    return Association.objects.annotate(
        member_count=Count("memberships", filter=Q(memberships__ended_on__isnull=True))
    ).order_by("id")
