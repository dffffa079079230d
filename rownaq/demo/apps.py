from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo generators and ``manage.py seed_demo``; no models."""

    name = "rownaq.demo"
    label = "demo"
