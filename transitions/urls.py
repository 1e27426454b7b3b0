from django.urls import path

from transitions.views import checkins, dashboard, evidence, focus, framework, shifts

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("framework/", framework.framework, name="framework"),
    path("shifts/<slug:slug>/", shifts.shift_detail, name="shift_detail"),
    path("check-ins/", checkins.checkin_list, name="checkin_list"),
    path("check-ins/new/", checkins.checkin_new, name="checkin_new"),
    path("check-ins/<int:pk>/", checkins.checkin_detail, name="checkin_detail"),
    path("check-ins/<int:pk>/shifts/<slug:slug>/", checkins.checkin_rate, name="checkin_rate"),
    path("check-ins/<int:pk>/discard/", checkins.checkin_discard, name="checkin_discard"),
    path("focus/", focus.focus_list, name="focus_list"),
    path("focus/<int:pk>/clear/", focus.focus_clear, name="focus_clear"),
    path("evidence/", evidence.evidence_list, name="evidence_list"),
    path("evidence/new/", evidence.evidence_new, name="evidence_new"),
    path("evidence/<int:pk>/", evidence.evidence_detail, name="evidence_detail"),
    path("evidence/<int:pk>/edit/", evidence.evidence_edit, name="evidence_edit"),
    path("evidence/<int:pk>/visibility/", evidence.evidence_visibility, name="evidence_visibility"),
    path("evidence/<int:pk>/delete/", evidence.evidence_delete, name="evidence_delete"),
]
