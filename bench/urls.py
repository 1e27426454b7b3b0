"""The app's URLs plus the benchmark's baseline page (only under `bench.settings`)."""

from django.urls import path

from bench import views
from leadership.urls import urlpatterns as app_urlpatterns

urlpatterns = [
    path("bench/baseline/", views.baseline, name="bench_baseline"),
    *app_urlpatterns,
]
