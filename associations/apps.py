from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AssociationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "associations"
    verbose_name = _("Associations and member firms")

    def ready(self):
        from .roles_setup import ensure_committee_groups

        def after_last_app(sender, **kwargs):
            # Permissions of every app exist only once the last app has migrated.
            from django.apps import apps

            with_models = [c for c in apps.get_app_configs() if c.models_module is not None]
            if sender is with_models[-1]:
                ensure_committee_groups()

        post_migrate.connect(after_last_app, weak=False, dispatch_uid="associations.committee_groups")
