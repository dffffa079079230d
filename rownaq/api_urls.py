"""The HTTP API under /api/v1/: one router, each app registers its resources in its ``api.py``."""

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import DefaultRouter

from rownaq.accounts.api import TokenView
from rownaq.exhibitions import api as exhibitions_api
from rownaq.hq import api as hq_api
from rownaq.monitoring import api as monitoring_api
from rownaq.needs import api as needs_api
from rownaq.obstacles import api as obstacles_api
from rownaq.registry import api as registry_api

router = DefaultRouter()
registry_api.register(router)
obstacles_api.register(router)
hq_api.register(router)
needs_api.register(router)
exhibitions_api.register(router)
monitoring_api.register(router)

api_urlpatterns: list[URLPattern | URLResolver] = [
    path("auth/token", TokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
]
