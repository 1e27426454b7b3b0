"""Who may see what. One function per object type, each returning what the user may see
or raising Http404 — an object someone may not know about does not exist for them."""

from __future__ import annotations

from django.http import Http404

from leadership.models import User
from transitions.models import Framework


def framework_for(user: User) -> Framework:
    """The framework the user follows; 404 when there is none to follow."""
    framework = Framework.objects.followed_by(user)
    if framework is None:
        raise Http404("No framework has been set up yet.")
    return framework
