from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin

from core.models import TimeStampedModel


class Sector(models.TextChoices):
    LIGHTING = "lighting", _("Lighting and electrical appliances")
    ADVERTISING = "advertising", _("Advertising")
    SANITATION = "sanitation", _("Environmental sanitation")
    MUNICIPAL = "municipal", _("Municipal facilities maintenance")
    KITCHEN_WASTE = "kitchen_waste", _("Kitchen waste and waste oil")
    RECYCLING = "recycling", _("Renewable resources")
    CAR_WASH = "car_wash", _("Vehicle washing and detailing")
    MUCK = "muck", _("Construction spoil transport")
    LANDSCAPING = "landscaping", _("Landscaping and greening")
    OTHER = "other", _("Other")


class Association(TimeStampedModel):
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    intro = models.TextField(_("introduction"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("industry association")
        verbose_name_plural = _("industry associations")

    def __str__(self):
        return self.name


def name_pinyin(name: str) -> tuple[str, str]:
    """Full pinyin (for sorting) and initials (for 'cdzm'-style search) of a name."""
    full = "".join(lazy_pinyin(name, errors="default")).lower()
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")).lower()
    return full[:300], initials[:100]


class FirmQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Firm.Status.ACTIVE)


class Firm(TimeStampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("In business")
        SUSPENDED = "suspended", _("Suspended")
        CANCELLED = "cancelled", _("Deregistered")

    name = models.CharField(_("firm name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name_pinyin = models.CharField(_("name in pinyin"), max_length=300, blank=True, db_index=True)
    name_initials = models.CharField(_("pinyin initials"), max_length=100, blank=True, db_index=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)

    objects = FirmQuerySet.as_manager()

    class Meta:
        ordering = ["name_pinyin", "id"]
        verbose_name = _("member firm")
        verbose_name_plural = _("member firms")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Derived columns only (pinyin of the name); no business rules here.
        self.name_pinyin, self.name_initials = name_pinyin(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_pinyin", "name_initials"}
        super().save(*args, **kwargs)


class MembershipQuerySet(models.QuerySet):
    def current(self):
        return self.filter(ended_on__isnull=True)


class Membership(TimeStampedModel):
    """A firm's membership of an association. Ending it keeps the row (with ended_on)."""

    class Level(models.TextChoices):
        PRESIDENT = "president", _("President unit")
        VICE_PRESIDENT = "vice_president", _("Vice-president unit")
        COUNCIL = "council", _("Council unit")
        MEMBER = "member", _("Member unit")

    firm = models.ForeignKey(Firm, verbose_name=_("firm"), on_delete=models.PROTECT, related_name="memberships")
    association = models.ForeignKey(
        Association, verbose_name=_("association"), on_delete=models.PROTECT, related_name="memberships"
    )
    level = models.CharField(_("membership level"), max_length=20, choices=Level.choices, default=Level.MEMBER)
    since = models.DateField(_("member since"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["association_id", "firm__name_pinyin"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "association"],
                condition=Q(ended_on__isnull=True),
                name="one_current_membership_per_firm_and_association",
            )
        ]

    def __str__(self):
        return f"{self.firm} · {self.association}"


class AssociationStaff(TimeStampedModel):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Association administrator")
        STAFF = "staff", _("Association staff")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="association_roles"
    )
    association = models.ForeignKey(
        Association, verbose_name=_("association"), on_delete=models.CASCADE, related_name="staff"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)

    class Meta:
        ordering = ["association_id", "id"]
        verbose_name = _("association staff member")
        verbose_name_plural = _("association staff")
        constraints = [models.UniqueConstraint(fields=["user", "association"], name="unique_staff_binding")]

    def __str__(self):
        return f"{self.user} · {self.association} · {self.get_role_display()}"


class FirmUser(TimeStampedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="firm_roles"
    )
    firm = models.ForeignKey(Firm, verbose_name=_("firm"), on_delete=models.CASCADE, related_name="users")

    class Meta:
        ordering = ["firm_id", "id"]
        verbose_name = _("firm user")
        verbose_name_plural = _("firm users")
        constraints = [models.UniqueConstraint(fields=["user", "firm"], name="unique_firm_user_binding")]

    def __str__(self):
        return f"{self.user} · {self.firm}"


class FirmUserInvitation(TimeStampedModel):
    """An association admin invites someone by email to act for a member firm."""

    email = models.EmailField(_("email"))
    firm = models.ForeignKey(Firm, verbose_name=_("firm"), on_delete=models.CASCADE, related_name="invitations")
    association = models.ForeignKey(
        Association, verbose_name=_("association"), on_delete=models.CASCADE, related_name="invitations"
    )
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("accepted by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("firm user invitation")
        verbose_name_plural = _("firm user invitations")

    def __str__(self):
        return f"{self.email} → {self.firm}"
