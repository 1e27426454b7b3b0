from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from leadership import people_views, views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("manifest.webmanifest", views.web_manifest, name="web_manifest"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("people/", people_views.people, name="people"),
    path("people/invite/", people_views.people_invite, name="people_invite"),
    path("people/import/", people_views.people_import, name="people_import"),
    path(
        "people/import/people.csv",
        people_views.people_import_template,
        name="people_import_template",
    ),
    re_path(
        r"^people/invitations/(?P<pk>[1-9][0-9]{0,17})/resend/$",
        people_views.invitation_resend,
        name="invitation_resend",
    ),
    re_path(
        r"^people/invitations/(?P<pk>[1-9][0-9]{0,17})/revoke/$",
        people_views.invitation_revoke,
        name="invitation_revoke",
    ),
    re_path(
        r"^people/(?P<username>[\w.@+-]{1,150})/deactivate/$",
        people_views.person_deactivate,
        name="person_deactivate",
    ),
    re_path(
        r"^people/(?P<username>[\w.@+-]{1,150})/reactivate/$",
        people_views.person_reactivate,
        name="person_reactivate",
    ),
    re_path(
        r"^invitations/(?P<token>[\w-]{1,100})/$",
        people_views.invitation_accept,
        name="invitation_accept",
    ),
    path("welcome/", people_views.welcome, name="welcome"),
]

# Sign-in with the company's OpenID Connect provider, only when it is configured
# (DJANGO_OIDC_ISSUER_URL): /accounts/oidc/<provider>/login/ and its callback.
if settings.SSO_ENABLED:
    urlpatterns.append(
        path("accounts/", include("allauth.socialaccount.providers.openid_connect.urls"))
    )

urlpatterns.append(path("", include("transitions.urls")))
