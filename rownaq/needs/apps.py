from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeedsConfig(AppConfig):
    name = "rownaq.needs"
    label = "needs"
    verbose_name = _("Industry Needs Desk")
