from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from rownaq.api_urls import api_urlpatterns
from rownaq.core.middleware import allow_inline_styles

handler404 = "rownaq.core.api.not_found"

urlpatterns = [
    path("", include("rownaq.front.urls")),
    path("", include("rownaq.registry.urls")),
    path("accounts/", include("rownaq.accounts.urls")),
    path("obstacles/", include("rownaq.obstacles.urls")),
    path("hq/", include("rownaq.hq.urls")),
    path("needs/", include("rownaq.needs.urls")),
    path("monitoring/", include("rownaq.monitoring.urls")),
    path("notifications/", include("rownaq.notifications.urls")),
    path("expo/", include("rownaq.exhibitions.public_urls")),
    path("exhibitions/", include("rownaq.exhibitions.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api_urlpatterns)),
    path("api/schema", SpectacularAPIView.as_view(), name="api-schema"),
    # The Swagger page loads its setup as a script file and Redoc's has no inline script: both obey the
    # Content-Security-Policy (Redoc writes its styles at run time: its page alone allows inline styles).
    path(
        "api/docs",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="rownaq/swagger_ui.html"),
        name="api-docs",
    ),
    path(
        "api/redoc",
        allow_inline_styles(SpectacularRedocView.as_view(url_name="api-schema", template_name="rownaq/redoc.html")),
        name="api-redoc",
    ),
]
