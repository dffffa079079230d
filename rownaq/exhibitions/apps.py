from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExhibitionsConfig(AppConfig):
    name = "rownaq.exhibitions"
    label = "exhibitions"
    verbose_name = _("Exhibitions")
