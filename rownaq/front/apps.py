from django.apps import AppConfig


class FrontConfig(AppConfig):
    """The top floor: pages and commands that combine several products (no models of its own)."""

    name = "rownaq.front"
    label = "front"
