from django.urls import path

from transitions.views import framework

urlpatterns = [
    path("", framework.framework, name="dashboard"),
    path("framework/", framework.framework, name="framework"),
]
