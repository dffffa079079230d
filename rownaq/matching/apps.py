from django.apps import AppConfig


class MatchingConfig(AppConfig):
    """No models: the engine, its data (``data/``) and the ``benchmark_matching`` command."""

    name = "rownaq.matching"
    label = "matching"
