"""Back office: the holiday calendar (节假日安排) under Settings.

Committee administrators enter the 法定节假日 and 调休工作日 of years chinese_calendar does not know (and
correct a known year), then declare the year. Every write goes through core.services, which audits it; so
Wagtail's own history and usage views are switched off here. A date or a year is the row's identity: the
edit forms change the rest, and moving a day is delete + add.
"""

from django.forms import modelform_factory
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.views.generic import CreateView, DeleteView, EditView
from wagtail.admin.viewsets.model import ModelViewSet

from .errors import DomainError
from .models import CalendarDay, CalendarYear
from .services import calendar_day_delete, calendar_day_save, calendar_year_declare, calendar_year_delete


class ServiceFormMixin:
    """A DomainError from the service becomes a form error; nothing is saved."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return self.form_invalid(form)


class CalendarViewSet(ModelViewSet):
    add_to_settings_menu = True
    search_backend_name = None
    copy_view_enabled = False
    inspect_view_enabled = True  # also registers the "view" permission for editors
    add_to_reference_index = False
    list_per_page = 50
    create_fields: tuple[str, ...] = ()
    update_fields: tuple[str, ...] = ()
    #: Wagtail's history and usage views: empty here, since the portal audit log records the changes.
    disabled_views = frozenset({"history", "history_results", "usage"})

    def get_form_class(self, for_update=False):
        fields = self.update_fields if for_update else self.create_fields
        return modelform_factory(self.model, form=WagtailAdminModelForm, fields=fields)

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        view_kwargs.update({"history_url_name": None, "usage_url_name": None})
        return view_kwargs

    def get_urlpatterns(self):
        return [p for p in super().get_urlpatterns() if p.name not in self.disabled_views]


# --- Calendar days --------------------------------------------------------------------------------


class CalendarDayCreateView(ServiceFormMixin, CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return calendar_day_save(actor=self.request.user, date=data["date"], kind=data["kind"], name=data["name"])


class CalendarDayEditView(ServiceFormMixin, EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        return calendar_day_save(actor=self.request.user, date=self.object.date, kind=data["kind"],
                                 name=data["name"])


class CalendarDayDeleteView(DeleteView):
    def delete_action(self):
        calendar_day_delete(actor=self.request.user, day=self.object)


class CalendarDayViewSet(CalendarViewSet):
    model = CalendarDay
    name = "holiday_calendar"
    url_prefix = "holiday-calendar"
    icon = "date"
    menu_label = gettext_lazy("Holiday calendar")
    menu_order = 500
    add_view_class = CalendarDayCreateView
    edit_view_class = CalendarDayEditView
    delete_view_class = CalendarDayDeleteView
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    search_fields = ["name"]
    ordering = ["date"]
    inspect_view_fields = ["date", "kind", "name", "created_by", "created_at"]
    create_fields = ("date", "kind", "name")
    update_fields = ("kind", "name")


# --- Calendar years ---------------------------------------------------------------------------------


class CalendarYearCreateView(ServiceFormMixin, CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return calendar_year_declare(actor=self.request.user, year=data["year"], note=data["note"])


class CalendarYearEditView(ServiceFormMixin, EditView):
    def save_instance(self):
        return calendar_year_declare(actor=self.request.user, year=self.object.year,
                                     note=self.form.cleaned_data["note"])


class CalendarYearDeleteView(DeleteView):
    def delete_action(self):
        calendar_year_delete(actor=self.request.user, calendar_year=self.object)


class CalendarYearViewSet(CalendarViewSet):
    model = CalendarYear
    name = "calendar_years"
    url_prefix = "calendar-years"
    icon = "calendar-check"
    menu_label = gettext_lazy("Calendar years")
    menu_order = 501
    add_view_class = CalendarYearCreateView
    edit_view_class = CalendarYearEditView
    delete_view_class = CalendarYearDeleteView
    list_display = ["year", "note", "created_at"]
    ordering = ["year"]
    inspect_view_fields = ["year", "note", "created_by", "created_at"]
    create_fields = ("year", "note")
    update_fields = ("note",)


@hooks.register("register_admin_viewset")
def register_calendar_viewsets():
    return [CalendarDayViewSet(), CalendarYearViewSet()]
