from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HqConfig(AppConfig):
    name = "rownaq.hq"
    label = "hq"
    verbose_name = _("Facilitation HQ")

    def ready(self) -> None:
        from rownaq.hq.hooks import open_commitments
        from rownaq.obstacles.hooks import register_outcome_check

        register_outcome_check(open_commitments)  # a case's outcome waits for its resolutions' commitments
