from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrontConfig(AppConfig):
    """The top floor: pages and commands that combine several products (no models of its own)."""

    name = "rownaq.front"
    label = "front"
    verbose_name = _("Pages")
