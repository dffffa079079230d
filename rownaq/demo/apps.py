from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo generators and ``manage.py seed_demo``; no models."""

    name = "rownaq.demo"
    label = "demo"
    verbose_name = _("Demo province")
