from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    """No models: the engine, its data (``data/``) and the ``benchmark_matching`` command."""

    name = "rownaq.matching"
    label = "matching"
    verbose_name = _("Matching")
