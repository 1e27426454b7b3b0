from django.urls import path, re_path, register_converter

from transitions.converters import IdConverter, UsernameConverter
from transitions.views import (
    account,
    checkins,
    dashboard,
    evidence,
    feedback,
    focus,
    framework,
    notifications,
    one_on_ones,
    org,
    packet,
    reviews,
    shifts,
    team,
)

register_converter(IdConverter, "id")
register_converter(UsernameConverter, "username")

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("framework/", framework.framework, name="framework"),
    path("shifts/<slug:slug>/", shifts.shift_detail, name="shift_detail"),
    path("check-ins/", checkins.checkin_list, name="checkin_list"),
    path("check-ins/new/", checkins.checkin_new, name="checkin_new"),
    path("check-ins/<id:pk>/", checkins.checkin_detail, name="checkin_detail"),
    path("check-ins/<id:pk>/shifts/<slug:slug>/", checkins.checkin_rate, name="checkin_rate"),
    path("check-ins/<id:pk>/discard/", checkins.checkin_discard, name="checkin_discard"),
    path("focus/", focus.focus_list, name="focus_list"),
    path("focus/<id:pk>/", focus.focus_detail, name="focus_detail"),
    path("focus/<id:pk>/edit/", focus.focus_edit, name="focus_edit"),
    path("focus/<id:pk>/clear/", focus.focus_clear, name="focus_clear"),
    path("reviews/<id:pk>/", reviews.my_review, name="my_review"),
    path("packet/", packet.packet, name="packet"),
    path("team/", team.team, name="team"),
    path("org/", org.org_view, name="org"),
    path("team/<username:username>/", team.review, name="team_review"),
    path("team/<username:username>/reviews/new/", team.review_new, name="team_review_new"),
    path(
        "team/<username:username>/reviews/discard/", team.review_discard, name="team_review_discard"
    ),
    path(
        "team/<username:username>/reviews/<id:pk>/", team.review_detail, name="team_review_detail"
    ),
    path("team/<username:username>/rate/<slug:slug>/", team.review_rate, name="team_review_rate"),
    path("team/<username:username>/shifts/<slug:slug>/", team.report_shift, name="team_shift"),
    path("team/<username:username>/packet/", team.report_packet, name="team_packet"),
    path("one-on-ones/", one_on_ones.one_on_one_list, name="one_on_one_list"),
    path(
        "one-on-ones/<username:username>/",
        one_on_ones.one_on_one_agenda,
        name="one_on_one_agenda",
    ),
    path(
        "one-on-ones/<username:username>/<id:pk>/",
        one_on_ones.one_on_one_detail,
        name="one_on_one_detail",
    ),
    path("account/", account.account, name="account"),
    re_path(r"^account/export\.(?P<fmt>json|csv)$", account.account_export, name="account_export"),
    path("account/delete/", account.account_delete, name="account_delete"),
    path("notifications/", notifications.notification_list, name="notification_list"),
    path("notifications/read/", notifications.notification_read_all, name="notification_read_all"),
    path(
        "notifications/preferences/",
        notifications.notification_preferences,
        name="notification_preferences",
    ),
    path(
        "notifications/unsubscribe/<str:token>/",
        notifications.notification_unsubscribe,
        name="notification_unsubscribe",
    ),
    path("notifications/<id:pk>/", notifications.notification_open, name="notification_open"),
    path("notifications/<id:pk>/read/", notifications.notification_read, name="notification_read"),
    path("evidence/", evidence.evidence_list, name="evidence_list"),
    path("evidence/new/", evidence.evidence_new, name="evidence_new"),
    path("evidence/quick/", evidence.evidence_quick, name="evidence_quick"),
    path("evidence/<id:pk>/", evidence.evidence_detail, name="evidence_detail"),
    path("evidence/<id:pk>/edit/", evidence.evidence_edit, name="evidence_edit"),
    path("evidence/<id:pk>/visibility/", evidence.evidence_visibility, name="evidence_visibility"),
    path("evidence/<id:pk>/delete/", evidence.evidence_delete, name="evidence_delete"),
    path("feedback/", feedback.feedback_list, name="feedback_list"),
    path("feedback/<id:pk>/", feedback.feedback_detail, name="feedback_detail"),
    path("feedback/<id:pk>/answer/", feedback.feedback_answer, name="feedback_answer"),
    # Public: the link an outside person receives by email, no account needed.
    path("feedback/answer/<str:token>/", feedback.feedback_link, name="feedback_link"),
]
