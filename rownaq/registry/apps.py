from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "rownaq.registry"
    label = "registry"
    verbose_name = _("Unit registry")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from rownaq.registry import models

        auditlog.register(models.Unit, exclude_fields=["search_text", "name_sort", "updated_at", "version"])
        auditlog.register(models.Licence)
        auditlog.register(models.Product)
        auditlog.register(models.Contact)
