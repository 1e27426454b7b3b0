from django.urls import path

from transitions.views import dashboard, evidence, framework, shifts

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("framework/", framework.framework, name="framework"),
    path("shifts/<slug:slug>/", shifts.shift_detail, name="shift_detail"),
    path("evidence/", evidence.evidence_list, name="evidence_list"),
    path("evidence/new/", evidence.evidence_new, name="evidence_new"),
    path("evidence/<int:pk>/", evidence.evidence_detail, name="evidence_detail"),
    path("evidence/<int:pk>/edit/", evidence.evidence_edit, name="evidence_edit"),
    path("evidence/<int:pk>/visibility/", evidence.evidence_visibility, name="evidence_visibility"),
    path("evidence/<int:pk>/delete/", evidence.evidence_delete, name="evidence_delete"),
]
