from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        def after_last_app(sender, **kwargs):
            # Runs after associations' hook (app order), so the committee groups exist.
            from django.apps import apps

            from .setup import ensure_site_structure

            with_models = [c for c in apps.get_app_configs() if c.models_module is not None]
            if sender is with_models[-1]:
                ensure_site_structure()

        post_migrate.connect(after_last_app, weak=False, dispatch_uid="portal.site_structure")
