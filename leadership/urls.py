from django.contrib import admin
from django.urls import include, path

from leadership import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("transitions.urls")),
]
