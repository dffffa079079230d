from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from rownaq.api_urls import api_urlpatterns

urlpatterns = [
    path("", include("rownaq.front.urls")),
    path("", include("rownaq.registry.urls")),
    path("accounts/", include("rownaq.accounts.urls")),
    path("obstacles/", include("rownaq.obstacles.urls")),
    path("hq/", include("rownaq.hq.urls")),
    path("needs/", include("rownaq.needs.urls")),
    path("notifications/", include("rownaq.notifications.urls")),
    path("expo/", include("rownaq.exhibitions.public_urls")),
    path("exhibitions/", include("rownaq.exhibitions.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api_urlpatterns)),
    path("api/schema", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
