from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "rownaq.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from rownaq.core import collation

        collation.connect_sqlite_collation()
