"""Who may do what, for every URL of the project.

Every URL pattern (outside the admin, whose permissions tests/transitions/test_admin.py
covers) must have a row here: the test fails when a new URL has none. Each row gives, per
persona, the status of a GET and of a POST with no data:

    302  anonymous: redirected to the login page        405  wrong method
    404  an object this persona may not know about      403  refused (CSRF, see below)

Below the matrix: every POST URL with a real write, refused without a valid token from this
site (WRITES); and what pages say (SEEN_BY): each persona walks every page, downloads and
the admin included, reading only the private words she may, and no page carries inline code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from leadership import invitations
from leadership.models import Invitation, User
from tests.factories import EvidenceFactory, submitted_checkin
from tests.html_page import Page
from transitions import feedback, notifications, services
from transitions.models import (
    CheckIn,
    Evidence,
    FeedbackRequest,
    Focus,
    Notification,
    OneOnOne,
    Review,
    Shift,
)

PERSONAS = [
    "anonymous",
    "owner",
    "other_pm",
    "manager",
    "other_manager",
    "head",
    "editor",
    "superuser",
]
LOGGED_IN = PERSONAS[1:]
# The fixture (tests/conftest.py) of each logged-in persona.
FIXTURE = {
    "owner": "pm",
    "other_pm": "other_pm",
    "manager": "manager",
    "other_manager": "other_manager",
    "head": "head",  # the Head of Product: the manager reports to her
    "editor": "editor",
    "superuser": "superuser",
}
LOGIN = "login"  # a 302 to the login page


@dataclass
class World:
    """The owner (a PM) and her things, as the other personas try to reach them."""

    shift: Shift
    draft: CheckIn
    submitted: CheckIn
    private: Evidence
    shared: Evidence
    focus: Focus
    completed: Review
    review_draft: Review
    notification: Notification
    unsubscribe_token: str
    acknowledged: Review
    meeting: OneOnOne
    closed_meeting: OneOnOne
    invitation: Invitation  # the owner's manager invited someone to his team
    feedback_answered: FeedbackRequest  # shared with her manager, an attestation
    feedback_to_colleague: FeedbackRequest  # to other_pm, who has an account
    feedback_token: str  # the link of an open request to an outside person


def _feedback(pm: User, other_pm: User, shift: Shift) -> tuple[FeedbackRequest, ...]:
    """The owner's feedback requests: one answered, shared and attested; one open to an
    outside person (its link's token); one open to a colleague with an account."""
    answered = services.feedback_request_create(
        requester=pm,
        shifts=[shift],
        question="How did it go?",
        name="Jane Doe",
        email="jane@example.org",
        role="VP Sales",
    )
    answered = services.feedback_answer_save(
        request=answered,
        data={"example": "Well.", "frequency": "", "giver_name": "Jane Doe", "giver_role": ""},
        send=True,
    )
    services.feedback_share(request=answered, shared=True)
    services.feedback_attest(request=answered, shift=shift)
    linked = services.feedback_request_create(
        requester=pm,
        shifts=[shift],
        question="zqFeedbackLinkQuestion",
        name="Lee",
        email="lee@example.org",
    )
    to_colleague = services.feedback_request_create(
        requester=pm, shifts=[shift], question="zqColleagueQuestion", recipient=other_pm
    )
    return answered, to_colleague, linked


def _one_on_ones(pm: User, manager: User) -> tuple[OneOnOne, OneOnOne]:
    """A closed 1:1 of the owner and her manager, and the open one after it, each with
    the pair's shared words and each person's private notes."""
    closed = services.one_on_one_start(manager=manager, person=pm)
    services.shared_notes_write(meeting=closed, text="zqClosedSharedNotes", seen_version=None)
    services.private_note_write(
        meeting=closed, author=manager, text="zqClosedManagerPrivate", seen_version=None
    )
    meeting = services.one_on_one_start(manager=manager, person=pm)
    services.agenda_item_add(meeting=meeting, by=pm, text="zqOneOnOneItem")
    services.action_item_add(
        meeting=meeting, owner=pm, text="zqOneOnOneAction", due_on=meeting.started_at.date()
    )
    services.shared_notes_write(meeting=meeting, text="zqOneOnOneShared", seen_version=None)
    services.private_note_write(
        meeting=meeting, author=manager, text="zqManagerPrivateNote", seen_version=None
    )
    services.private_note_write(
        meeting=meeting, author=pm, text="zqOwnerPrivateNote", seen_version=None
    )
    return meeting, closed


@pytest.fixture
def world(pm: User, manager: User, head: User, other_pm: User, shifts: list[Shift]) -> World:
    framework = shifts[0].area.framework
    submitted = submitted_checkin(pm, dict.fromkeys(shifts, 3), days_ago=10)
    draft, _ = services.checkin_start(person=pm, framework=framework)
    acknowledged = _completed_review(pm, manager, shifts)
    services.review_acknowledge(review=acknowledged, by=pm, response="Agreed.", shift_responses={})
    completed = _completed_review(pm, manager, shifts)
    review_draft, _ = services.review_start(person=pm, manager=manager, framework=framework)
    meeting, closed_meeting = _one_on_ones(pm, manager)
    feedback_answered, feedback_to_colleague, linked = _feedback(pm, other_pm, shifts[0])
    return World(
        shift=shifts[0],
        draft=draft,
        submitted=submitted,
        private=EvidenceFactory(author=pm, shifts=[shifts[0]], visibility="private"),
        shared=EvidenceFactory(author=pm, shifts=[shifts[0]], visibility="shared"),
        focus=services.focus_set(person=pm, shift=shifts[1], next_step="Next"),
        completed=completed,
        review_draft=review_draft,
        notification=Notification.objects.create(
            recipient=pm,
            kind="review_completed",
            actor=manager,
            text="Marco completed a review of your progress.",
            url=f"/reviews/{completed.pk}/",
            email="never",
        ),
        unsubscribe_token=notifications.unsubscribe_token(pm, ["review_completed"]),
        acknowledged=acknowledged,
        meeting=meeting,
        closed_meeting=closed_meeting,
        feedback_answered=feedback_answered,
        feedback_to_colleague=feedback_to_colleague,
        feedback_token=feedback.token_for(linked),
        invitation=_invitation(manager),
    )


INVITATION_TOKEN = "zq-the-link-of-an-invitation-" + "x" * 20


def _invitation(manager: User) -> Invitation:
    return Invitation.objects.create(
        email="zqinviteeaddress@example.com",
        token_hash=invitations.hash_token(INVITATION_TOKEN),
        invited_by=manager,
        manager=manager,
        expires_at=timezone.now() + invitations.VALID_FOR,
    )


def _completed_review(pm: User, manager: User, shifts: list[Shift]) -> Review:
    review, _ = services.review_start(
        person=pm, manager=manager, framework=shifts[0].area.framework
    )
    for shift in shifts:
        services.review_rate(
            review=review, shift=shift, revision=shift.revisions.latest(), changes={"level": 3}
        )
    services.review_write(review=review, summary="Fine.", agreed_focus="")
    return services.review_complete(review=review)


def everyone(status: int | str) -> dict[str, int | str]:
    return dict.fromkeys(PERSONAS, status)


def members(status: int) -> dict[str, int | str]:
    """Any logged-in person, on her own data; anonymous goes to the login page."""
    return {"anonymous": LOGIN, **dict.fromkeys(LOGGED_IN, status)}


def only(who: dict[str, int], others: int = 404) -> dict[str, int | str]:
    return {"anonymous": LOGIN, **dict.fromkeys(LOGGED_IN, others), **who}


WRONG_METHOD = members(405)


@dataclass
class Row:
    url: Callable[[World], str]
    get: dict[str, int | str]
    post: dict[str, int | str]


MATRIX: dict[str, list[Row]] = {
    # Public
    "healthz": [Row(lambda w: "/healthz", everyone(200), everyone(405))],
    # The web app manifest says nothing about anyone: phones read it before anyone logs in.
    "web_manifest": [Row(lambda w: "/manifest.webmanifest", everyone(200), everyone(405))],
    "login": [Row(lambda w: "/accounts/login/", everyone(200), everyone(200))],
    "logout": [Row(lambda w: "/accounts/logout/", WRONG_METHOD, everyone(302))],
    "password_reset": [Row(lambda w: "/accounts/password_reset/", everyone(200), everyone(200))],
    "password_reset_done": [
        Row(lambda w: "/accounts/password_reset/done/", everyone(200), everyone(405))
    ],
    "password_reset_confirm": [
        Row(lambda w: "/accounts/reset/MQ/bad-token/", everyone(200), everyone(200))
    ],
    "password_reset_complete": [
        Row(lambda w: "/accounts/reset/done/", everyone(200), everyone(405))
    ],
    # Everyone's own pages
    "password_change": [Row(lambda w: "/accounts/password_change/", members(200), members(200))],
    "password_change_done": [
        Row(lambda w: "/accounts/password_change/done/", members(200), members(405))
    ],
    "dashboard": [Row(lambda w: "/", members(200), WRONG_METHOD)],
    "framework": [Row(lambda w: "/framework/", members(200), WRONG_METHOD)],
    "shift_detail": [Row(lambda w: f"/shifts/{w.shift.slug}/", members(200), WRONG_METHOD)],
    "checkin_list": [Row(lambda w: "/check-ins/", members(200), WRONG_METHOD)],
    # The owner has a draft, so she is sent to it; the others see the start page.
    "checkin_new": [Row(lambda w: "/check-ins/new/", {**members(200), "owner": 302}, members(302))],
    "focus_list": [Row(lambda w: "/focus/", members(200), members(422))],
    "packet": [Row(lambda w: "/packet/", members(200), WRONG_METHOD)],
    "account": [Row(lambda w: "/account/", members(200), members(422))],
    "account_export": [
        Row(lambda w: "/account/export.json", members(200), WRONG_METHOD),
        Row(lambda w: "/account/export.csv", members(200), WRONG_METHOD),
    ],
    "account_delete": [Row(lambda w: "/account/delete/", members(200), members(422))],
    "evidence_list": [Row(lambda w: "/evidence/", members(200), WRONG_METHOD)],
    "evidence_new": [Row(lambda w: "/evidence/new/", members(200), members(422))],
    "evidence_quick": [Row(lambda w: "/evidence/quick/", WRONG_METHOD, members(422))],
    # The owner's things
    "checkin_detail": [
        Row(lambda w: f"/check-ins/{w.draft.pk}/", only({"owner": 200}), only({"owner": 302})),
        # A submitted check-in is read-only: a write is refused as a conflict.
        Row(lambda w: f"/check-ins/{w.submitted.pk}/", only({"owner": 200}), only({"owner": 409})),
    ],
    "checkin_rate": [
        Row(
            lambda w: f"/check-ins/{w.draft.pk}/shifts/{w.shift.slug}/",
            WRONG_METHOD,
            only({"owner": 200}),
        )
    ],
    "checkin_discard": [
        Row(
            lambda w: f"/check-ins/{w.draft.pk}/discard/",
            only({"owner": 200}),
            only({"owner": 302}),
        )
    ],
    # Her focus: its row (htmx; without JavaScript a redirect to it on the focus page), its
    # next step's form, and the confirmation before it goes to history.
    "focus_detail": [Row(lambda w: f"/focus/{w.focus.pk}/", only({"owner": 302}), WRONG_METHOD)],
    "focus_edit": [
        Row(lambda w: f"/focus/{w.focus.pk}/edit/", only({"owner": 200}), only({"owner": 422}))
    ],
    "focus_clear": [
        Row(lambda w: f"/focus/{w.focus.pk}/clear/", only({"owner": 200}), only({"owner": 302}))
    ],
    "my_review": [
        # A POST acknowledges the review (with an optional response)...
        Row(lambda w: f"/reviews/{w.completed.pk}/", only({"owner": 200}), only({"owner": 302})),
        Row(lambda w: f"/reviews/{w.review_draft.pk}/", only({}), only({})),
        # ... once: an acknowledged review is read-only, a write is refused as a conflict.
        Row(lambda w: f"/reviews/{w.acknowledged.pk}/", only({"owner": 200}), only({"owner": 409})),
    ],
    "evidence_detail": [
        Row(lambda w: f"/evidence/{w.private.pk}/", only({"owner": 200}), WRONG_METHOD),
        Row(
            lambda w: f"/evidence/{w.shared.pk}/",
            only({"owner": 200, "manager": 200}),
            WRONG_METHOD,
        ),
    ],
    "evidence_edit": [
        Row(lambda w: f"/evidence/{w.shared.pk}/edit/", only({"owner": 200}), only({"owner": 422}))
    ],
    "evidence_visibility": [
        Row(lambda w: f"/evidence/{w.shared.pk}/visibility/", WRONG_METHOD, only({"owner": 400}))
    ],
    "evidence_delete": [
        Row(
            lambda w: f"/evidence/{w.shared.pk}/delete/", only({"owner": 200}), only({"owner": 302})
        )
    ],
    # The manager's pages about the owner
    "team": [
        Row(
            lambda w: "/team/",
            only({"manager": 200, "other_manager": 200, "head": 200}),
            WRONG_METHOD,
        )
    ],
    # The Head of Product's view of everyone under her; nobody else has one.
    "org": [Row(lambda w: "/org/", only({"head": 200}), WRONG_METHOD)],
    "team_review": [Row(lambda w: "/team/priya/", only({"manager": 200}), only({"manager": 302}))],
    "team_review_new": [
        Row(lambda w: "/team/priya/reviews/new/", WRONG_METHOD, only({"manager": 302}))
    ],
    "team_review_discard": [
        Row(
            lambda w: "/team/priya/reviews/discard/",
            only({"manager": 200}),
            only({"manager": 302}),
        )
    ],
    "team_review_detail": [
        Row(
            lambda w: f"/team/priya/reviews/{w.completed.pk}/",
            only({"manager": 200}),
            WRONG_METHOD,
        ),
        Row(
            lambda w: f"/team/priya/reviews/{w.acknowledged.pk}/",
            only({"manager": 200}),
            WRONG_METHOD,
        ),
    ],
    "team_review_rate": [
        Row(lambda w: f"/team/priya/rate/{w.shift.slug}/", WRONG_METHOD, only({"manager": 200}))
    ],
    "team_shift": [
        Row(lambda w: f"/team/priya/shifts/{w.shift.slug}/", only({"manager": 200}), WRONG_METHOD)
    ],
    "team_packet": [Row(lambda w: "/team/priya/packet/", only({"manager": 200}), WRONG_METHOD)],
    # Notifications: everyone has her own list and preferences; one notification is hers.
    "notification_list": [Row(lambda w: "/notifications/", members(200), WRONG_METHOD)],
    "notification_read_all": [Row(lambda w: "/notifications/read/", WRONG_METHOD, members(302))],
    "notification_preferences": [
        Row(lambda w: "/notifications/preferences/", members(200), members(422))
    ],
    "notification_open": [
        Row(lambda w: f"/notifications/{w.notification.pk}/", only({"owner": 302}), WRONG_METHOD)
    ],
    "notification_read": [
        Row(
            lambda w: f"/notifications/{w.notification.pk}/read/",
            WRONG_METHOD,
            only({"owner": 302}),
        )
    ],
    # Public: the signed link in an email works without logging in, for its recipient only.
    "notification_unsubscribe": [
        Row(
            lambda w: f"/notifications/unsubscribe/{w.unsubscribe_token}/",
            everyone(200),
            everyone(200),
        ),
        Row(lambda w: "/notifications/unsubscribe/not-a-token/", everyone(404), everyone(404)),
    ],
    # 1:1s: only the pair; a POST to the agenda starts the next 1:1, a POST with no action
    # to a meeting is a bad request, and any write to a closed one a conflict.
    "one_on_one_list": [Row(lambda w: "/one-on-ones/", members(200), WRONG_METHOD)],
    "one_on_one_agenda": [
        Row(lambda w: "/one-on-ones/priya/", only({"manager": 200}), only({"manager": 302})),
        # The head is marco's manager: her 1:1s with him are on the same address.
        Row(
            lambda w: "/one-on-ones/marco/",
            only({"owner": 200, "head": 200}),
            only({"owner": 302, "head": 302}),
        ),
    ],
    "one_on_one_detail": [
        Row(
            lambda w: f"/one-on-ones/priya/{w.meeting.pk}/",
            only({"manager": 200}),
            only({"manager": 400}),
        ),
        Row(
            lambda w: f"/one-on-ones/marco/{w.meeting.pk}/",
            only({"owner": 200}),
            only({"owner": 400}),
        ),
        Row(
            lambda w: f"/one-on-ones/priya/{w.closed_meeting.pk}/",
            only({"manager": 200}),
            only({"manager": 409}),
        ),
        Row(
            lambda w: f"/one-on-ones/marco/{w.closed_meeting.pk}/",
            only({"owner": 200}),
            only({"owner": 409}),
        ),
    ],
    # People: inviters (administrators, and managers for their own team), and administrators.
    "people": [
        Row(
            lambda w: "/people/",
            only({"manager": 200, "other_manager": 200, "head": 200, "superuser": 200}),
            WRONG_METHOD,
        )
    ],
    "people_invite": [
        Row(
            lambda w: "/people/invite/",
            only({"manager": 200, "other_manager": 200, "head": 200, "superuser": 200}),
            only({"manager": 422, "other_manager": 422, "head": 422, "superuser": 422}),
        )
    ],
    "people_import": [
        Row(lambda w: "/people/import/", only({"superuser": 200}), only({"superuser": 422}))
    ],
    "people_import_template": [
        Row(lambda w: "/people/import/people.csv", only({"superuser": 200}), WRONG_METHOD)
    ],
    # The manager's own invitation; another manager may not know of it.
    "invitation_resend": [
        Row(
            lambda w: f"/people/invitations/{w.invitation.pk}/resend/",
            WRONG_METHOD,
            only({"manager": 302, "superuser": 302}),
        )
    ],
    "invitation_revoke": [
        Row(
            lambda w: f"/people/invitations/{w.invitation.pk}/revoke/",
            WRONG_METHOD,
            only({"manager": 302, "superuser": 302}),
        )
    ],
    "person_deactivate": [
        Row(
            lambda w: "/people/priya/deactivate/",
            only({"superuser": 200}),
            only({"superuser": 302}),
        )
    ],
    "person_reactivate": [
        Row(lambda w: "/people/priya/reactivate/", WRONG_METHOD, only({"superuser": 302}))
    ],
    # Public: the link in the invitation's email, for whoever holds it; a dead link is gone.
    "invitation_accept": [
        Row(lambda w: f"/invitations/{INVITATION_TOKEN}/", everyone(200), everyone(422)),
        Row(lambda w: "/invitations/not-a-token/", everyone(410), everyone(410)),
    ],
    "welcome": [Row(lambda w: "/welcome/", members(200), WRONG_METHOD)],
    # Feedback: her requests are hers alone (a POST without an action is a bad request); a
    # request to a colleague is that colleague's to answer.
    "feedback_list": [Row(lambda w: "/feedback/", members(200), members(422))],
    "feedback_detail": [
        Row(
            lambda w: f"/feedback/{w.feedback_answered.pk}/",
            only({"owner": 200}),
            only({"owner": 400}),
        )
    ],
    "feedback_answer": [
        Row(
            lambda w: f"/feedback/{w.feedback_to_colleague.pk}/answer/",
            only({"other_pm": 200}),
            only({"other_pm": 200}),
        )
    ],
    # Public: the link an outside person receives works for whoever holds it; a forged one
    # for nobody.
    "feedback_link": [
        Row(lambda w: f"/feedback/answer/{w.feedback_token}/", everyone(200), everyone(200)),
        Row(lambda w: "/feedback/answer/" + "f" * 64 + "/", everyone(404), everyone(404)),
    ],
}


def _url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any]) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                assert pattern.name, f"URL {pattern.pattern} needs a name to be in the matrix"
                names.add(pattern.name)

    walk(get_resolver().url_patterns)
    return names


def test_every_url_has_a_row_in_the_matrix() -> None:
    names = _url_names()
    assert names - MATRIX.keys() == set(), "URLs without a row in the access matrix"
    assert MATRIX.keys() - names == set(), "rows for URLs that no longer exist"


CASES = [
    (name, index, persona)
    for name, rows in MATRIX.items()
    for index in range(len(rows))
    for persona in PERSONAS
]


@pytest.mark.parametrize(("name", "index", "persona"), CASES)
def test_access(
    client: Client,
    request: pytest.FixtureRequest,
    world: World,
    name: str,
    index: int,
    persona: str,
    other_manager: User,
    editor: User,
    superuser: User,
) -> None:
    row = MATRIX[name][index]
    url = row.url(world)
    for method, expected in (("get", row.get[persona]), ("post", row.post[persona])):
        if persona != "anonymous":
            client.force_login(request.getfixturevalue(FIXTURE[persona]))
        else:
            client.logout()
        response = getattr(client, method)(url)
        if expected == LOGIN:
            assert response.status_code == 302, (method, url, persona)
            assert response["Location"].startswith("/accounts/login/"), (method, url, persona)
        else:
            assert response.status_code == expected, (method, url, persona, response.status_code)


# CSRF: every POST is refused without a valid token sent from this site, and writes nothing.


@dataclass
class Write:
    """A POST that changes something when it is accepted: who sends it, and what.

    `prepare` sets the scene with the poster's client first and may name the URL to post to
    instead of the row's (a password reset needs a valid link opened in the session)."""

    who: str  # "anonymous", "owner" or "manager"
    data: Callable[[World], dict[str, Any]]
    writes: bool = True  # False: the view refuses it too (a submitted check-in is read-only)
    prepare: Callable[[Client, World], str | None] | None = None


NEW_PASSWORD = "a-much-longer-passphrase-42"


def _rated(w: World, level: int) -> dict[str, Any]:
    return {f"{w.shift.slug}-level": level}


def _evidence_form(w: World, **changes: Any) -> dict[str, Any]:
    return {
        "happened_on": w.shared.happened_on.isoformat(),
        "title": "Ran the planning session",
        "shifts": [w.shift.pk],
        "visibility": "shared",
        **changes,
    }


def _reset_link(client: Client, w: World) -> str:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    person = w.draft.person
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    response = client.get(f"/accounts/reset/{uid}/{token}/")
    assert response.status_code == 302  # to the form, with the token kept in the session
    return response["Location"]


def _priya_deactivated(client: Client, w: World) -> None:
    User.objects.filter(username="priya").update(is_active=False)


ORG_CHART = "email,first_name,last_name,manager_email\r\nnew@example.com,Nora,New,\r\n"
JOIN = {"first_name": "Nora", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}


def _no_review_draft(client: Client, w: World) -> None:
    Review.objects.filter(pk=w.review_draft.pk).delete()


WRITES: dict[tuple[str, int], Write] = {
    ("login", 0): Write("anonymous", lambda w: {"username": "priya", "password": "pw-for-tests"}),
    ("logout", 0): Write("owner", lambda w: {}),
    ("password_reset", 0): Write("anonymous", lambda w: {"email": "priya@example.com"}),
    ("password_reset_confirm", 0): Write(
        "anonymous",
        lambda w: {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        prepare=_reset_link,
    ),
    ("password_change", 0): Write(
        "owner",
        lambda w: {
            "old_password": "pw-for-tests",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    ),
    # The owner has a draft already; her manager has none, so he starts one.
    ("checkin_new", 0): Write("manager", lambda w: {}),
    ("focus_list", 0): Write(
        "owner", lambda w: {"shift": w.shift.slug, "next_step": "Let Jonas run planning"}
    ),
    ("account", 0): Write("owner", lambda w: {"checkin_interval_days": "7"}),
    ("account_delete", 0): Write("owner", lambda w: {"password": "pw-for-tests"}),
    ("evidence_new", 0): Write("owner", lambda w: _evidence_form(w)),
    ("evidence_quick", 0): Write("owner", lambda w: {"title": "Quick", "shift": w.shift.slug}),
    ("checkin_detail", 0): Write("owner", lambda w: _rated(w, 4)),
    ("checkin_detail", 1): Write("owner", lambda w: _rated(w, 4), writes=False),
    ("checkin_rate", 0): Write("owner", lambda w: _rated(w, 4)),
    ("checkin_discard", 0): Write("owner", lambda w: {}),
    ("focus_edit", 0): Write("owner", lambda w: {"step-next_step": "Let Jonas run planning"}),
    ("focus_clear", 0): Write("owner", lambda w: {}),
    ("evidence_edit", 0): Write("owner", lambda w: _evidence_form(w, version=w.shared.version)),
    ("evidence_visibility", 0): Write("owner", lambda w: {"visibility": "private"}),
    ("evidence_delete", 0): Write("owner", lambda w: {}),
    ("team_review", 0): Write("manager", lambda w: {"summary": "Strong quarter."}),
    ("team_review_new", 0): Write("manager", lambda w: {}, prepare=_no_review_draft),
    ("team_review_discard", 0): Write("manager", lambda w: {}),
    ("team_review_rate", 0): Write("manager", lambda w: _rated(w, 5)),
    ("notification_read_all", 0): Write("owner", lambda w: {}),
    ("notification_read", 0): Write("owner", lambda w: {}),
    ("notification_preferences", 0): Write(
        "owner",
        lambda w: {f"{kind}-email": "never" for kind in notifications.KINDS},
    ),
    ("my_review", 0): Write("owner", lambda w: {"response": "Thank you."}),
    ("my_review", 1): Write("owner", lambda w: {"response": "A draft?"}, writes=False),
    ("my_review", 2): Write("owner", lambda w: {"response": "Again."}, writes=False),
    ("one_on_one_agenda", 0): Write("manager", lambda w: {}),
    ("one_on_one_agenda", 1): Write("owner", lambda w: {}),
    ("one_on_one_detail", 0): Write(
        "manager", lambda w: {"action": "add_item", "item-text": "Hiring plan"}
    ),
    ("one_on_one_detail", 1): Write(
        "owner", lambda w: {"action": "private", "private-notes": "Changed"}
    ),
    ("one_on_one_detail", 2): Write(
        "manager", lambda w: {"action": "add_item", "item-text": "Late"}, writes=False
    ),
    ("one_on_one_detail", 3): Write(
        "owner", lambda w: {"action": "shared", "shared-notes": "Late"}, writes=False
    ),
    ("people_invite", 0): Write("manager", lambda w: {"emails": "new@example.com"}),
    ("people_import", 0): Write(
        "superuser", lambda w: {"content": ORG_CHART, "confirm": "1", "invite": "on"}
    ),
    ("invitation_resend", 0): Write("manager", lambda w: {}),
    ("invitation_revoke", 0): Write("manager", lambda w: {}),
    ("person_deactivate", 0): Write("superuser", lambda w: {}),
    ("person_reactivate", 0): Write("superuser", lambda w: {}, prepare=_priya_deactivated),
    ("invitation_accept", 0): Write("anonymous", lambda w: JOIN),
    ("invitation_accept", 1): Write("anonymous", lambda w: JOIN, writes=False),
    ("feedback_list", 0): Write(
        "owner",
        lambda w: {
            "shifts": [w.shift.pk],
            "question": "How did the launch go?",
            "name": "Kim",
            "email": "kim@example.org",
        },
    ),
    ("feedback_detail", 0): Write("owner", lambda w: {"action": "unshare"}),
    ("feedback_answer", 0): Write("other_pm", lambda w: {"action": "save", "example": "Draft"}),
}

# The one-click unsubscribe is POSTed by mail clients (RFC 8058), which send no CSRF token:
# the signed token in its URL is its credential, and it only ever names its own recipient
# (tests/transitions/test_notifications.py). A bad token is refused for everyone.
# The feedback link page is the same: its token is the credential, and since it sends no
# referrer, browsers send `Origin: null` with its form (tests/transitions/test_feedback.py).
NO_CSRF = {
    ("notification_unsubscribe", 0),
    ("notification_unsubscribe", 1),
    ("feedback_link", 0),
    ("feedback_link", 1),
}

STATE_CHANGING = [
    (name, index)
    for name, rows in MATRIX.items()
    for index, row in enumerate(rows)
    if row.post["owner"] != 405 and (name, index) not in NO_CSRF
]


def test_every_post_url_has_a_write_to_attempt() -> None:
    assert set(STATE_CHANGING) == WRITES.keys()


def _state(client: Client) -> tuple[str, int, str | None]:
    """What a POST could change: every row of the project's own tables, the mail sent, and
    whose session the client holds."""
    from django.apps import apps
    from django.core import mail, serializers

    rows = "".join(
        serializers.serialize("json", model._default_manager.order_by("pk"))
        for app in ("leadership", "transitions")
        for model in apps.get_app_config(app).get_models()
    )
    return rows, len(mail.outbox), client.session.get("_auth_user_id")


WRONG_TOKEN = "wrongtoken" * 6 + "abcd"  # well formed: refused for not matching
FOREIGN_ORIGIN = "https://leadership.example.net"
# How each attempt sends the token it has (fields of the form, headers).
REFUSED: dict[str, Callable[[str], tuple[dict[str, str], dict[str, str]]]] = {
    "no token": lambda token: ({}, {}),
    "a wrong token in the form": lambda token: ({"csrfmiddlewaretoken": WRONG_TOKEN}, {}),
    "a wrong token in the header": lambda token: ({}, {"X-CSRFToken": WRONG_TOKEN}),
    "a valid token from another site": lambda token: (
        {},
        {"X-CSRFToken": token, "Origin": FOREIGN_ORIGIN},
    ),
}


@pytest.mark.parametrize(("name", "index"), STATE_CHANGING)
def test_a_post_without_a_valid_token_from_this_site_is_refused_and_writes_nothing(
    request: pytest.FixtureRequest, world: World, name: str, index: int
) -> None:
    from django.conf import settings

    row, write = MATRIX[name][index], WRITES[(name, index)]

    def attempt(how: Callable[[str], tuple[dict[str, str], dict[str, str]]]) -> tuple[int, bool]:
        client = Client(enforce_csrf_checks=True)
        if write.who != "anonymous":
            client.force_login(request.getfixturevalue(FIXTURE[write.who]))
        url = (write.prepare and write.prepare(client, world)) or row.url(world)
        client.get("/accounts/login/")  # a page with a form: the CSRF cookie is set
        token = client.cookies[settings.CSRF_COOKIE_NAME].value
        fields, headers = how(token)
        before = _state(client)
        response = client.post(url, {**write.data(world), **fields}, headers=headers)
        return response.status_code, _state(client) != before

    for variant, how in REFUSED.items():
        status, wrote = attempt(how)
        assert status == 403, (variant, status)
        assert not wrote, f"{variant}: refused, yet something was written"
    # The same POST with the token, from this site, goes through: the refusals were CSRF's.
    status, wrote = attempt(
        lambda token: ({}, {"X-CSRFToken": token, "Origin": "http://testserver"})
    )
    assert status != 403
    assert wrote == write.writes, f"accepted, wrote {wrote}, expected {write.writes}"


# What pages say. Every private record of the world carries a word of its own; the table says
# who reads each. Every persona walks every page (the matrix's rows, the variants and
# downloads below, the admin as far as its links go, and the htmx answers to her own writes):
# a word on a page for anyone else is a leak, and each word must reach everyone listed, so a
# word that is never shown cannot make the check pass. Words are letters only, so escaping
# (HTML, JSON, CSV, Markdown) leaves them whole; they are matched ignoring case.
SEEN_BY: dict[str, set[str]] = {
    # The owner's own records.
    "zqOwnerPrivateTitle": {"owner"},
    "zqOwnerPrivateBody": {"owner"},
    "zqOwnerPrivateLink": {"owner"},
    "zqOwnerSharedTitle": {"owner", "manager"},
    "zqOwnerSharedBody": {"owner", "manager"},
    "zqOwnerDraftNote": {"owner"},  # a check-in in progress
    # Her manager reads the levels she submitted (reviews, packet), never her notes.
    "zqOwnerSubmittedNote": {"owner"},
    "zqOwnerFocusStep": {"owner"},
    # What her manager wrote about her: a completed review she reads; a draft she does not.
    "zqReviewSummary": {"owner", "manager"},
    "zqReviewAgreedFocus": {"owner", "manager"},
    "zqReviewComment": {"owner", "manager"},
    # Her acknowledgement of a completed review: her response, overall and per shift.
    "zqAckResponse": {"owner", "manager"},
    "zqAckShiftResponse": {"owner", "manager"},
    "zqDraftReviewSummary": {"manager"},
    "zqDraftReviewAgreedFocus": {"manager"},
    "zqDraftReviewComment": {"manager"},
    # The manager's own record: private, so not even for his own manager, the head. (The head
    # reads none of these words: of the people under her, only levels, counts and dates.)
    "zqManagerOwnEvidence": {"manager"},
    # Another PM's records, and what his manager wrote about him.
    "zqOtherPrivateTitle": {"other_pm"},
    "zqOtherSharedTitle": {"other_pm", "other_manager"},
    "zqOtherSubmittedNote": {"other_pm"},
    "zqOtherFocusStep": {"other_pm"},
    "zqOtherReviewComment": {"other_pm", "other_manager"},
    # A notification is its recipient's alone.
    "zqOwnerNotificationText": {"owner"},
    # Their 1:1s: what the pair shares, and what each writes for herself alone.
    "zqOneOnOneItem": {"owner", "manager"},
    "zqOneOnOneAction": {"owner", "manager"},
    "zqOneOnOneShared": {"owner", "manager"},
    "zqClosedSharedNotes": {"owner", "manager"},
    "zqManagerPrivateNote": {"manager"},
    "zqClosedManagerPrivate": {"manager"},
    "zqOwnerPrivateNote": {"owner"},
    # An invitation: its inviter and the administrators know the address.
    "zqInviteeAddress": {"manager", "superuser"},
    # Feedback she received: private to her until she shares it (then her manager reads it on
    # the review, once he has rated the shift, and in her packet as an attestation).
    "zqFeedbackShared": {"owner", "manager"},
    "zqFeedbackPrivate": {"owner"},
    "zqPrivateGiverName": {"owner"},
    # What she asked a colleague: the two of them; what she asked by a link: whoever holds it.
    "zqColleagueQuestion": {"owner", "other_pm"},
    "zqFeedbackLinkQuestion": set(PERSONAS),
}


def test_no_private_word_contains_another() -> None:
    words = [word.lower() for word in SEEN_BY]
    assert all(a == b or a not in b for a in words for b in words)
    assert all(word.isalpha() for word in words)


@dataclass
class Marked:
    """The world with a private word in each record, and other people's records beside it."""

    world: World
    others_private: Evidence
    others_shared: Evidence
    others_checkin: CheckIn
    others_review: Review
    managers_own: Evidence
    private_feedback: FeedbackRequest


@pytest.fixture
def marked(
    world: World,
    manager: User,
    other_pm: User,
    other_manager: User,
    shifts: list[Shift],
) -> Marked:
    w, shift = world, world.shift
    revision = shift.revisions.latest()
    Evidence.objects.filter(pk=w.private.pk).update(
        title="zqOwnerPrivateTitle",
        body="zqOwnerPrivateBody",
        link="https://example.com/zqOwnerPrivateLink",
    )
    Evidence.objects.filter(pk=w.shared.pk).update(
        title="zqOwnerSharedTitle", body="zqOwnerSharedBody"
    )
    w.submitted.ratings.filter(shift=shift).update(note="zqOwnerSubmittedNote")
    services.rating_save(
        checkin=w.draft,
        shift=shift,
        revision=revision,
        changes={"level": 4, "note": "zqOwnerDraftNote"},
    )
    Focus.objects.filter(pk=w.focus.pk).update(next_step="zqOwnerFocusStep")
    Review.objects.filter(pk=w.completed.pk).update(
        summary="zqReviewSummary", agreed_focus="zqReviewAgreedFocus"
    )
    w.completed.ratings.filter(shift=shift).update(comment="zqReviewComment")
    Notification.objects.filter(pk=w.notification.pk).update(text="zqOwnerNotificationText")
    # The events that exist tell the manager and the owner; their texts carry no private word.
    notifications.checkin_submitted(checkin_id=w.submitted.pk)
    notifications.evidence_shared(evidence_id=w.shared.pk)
    notifications.review_completed(review_id=w.completed.pk)
    Review.objects.filter(pk=w.acknowledged.pk).update(response="zqAckResponse")
    w.acknowledged.ratings.filter(shift=shift).update(response="zqAckShiftResponse")
    services.review_write(
        review=w.review_draft,
        summary="zqDraftReviewSummary",
        agreed_focus="zqDraftReviewAgreedFocus",
    )
    services.review_rate(
        review=w.review_draft,
        shift=shift,
        revision=revision,
        changes={"level": 2, "comment": "zqDraftReviewComment"},
    )

    FeedbackRequest.objects.filter(pk=w.feedback_answered.pk).update(example="zqFeedbackShared")
    private_feedback = services.feedback_request_create(
        requester=w.feedback_answered.requester,
        shifts=[shift],
        question="And you?",
        name="zqPrivateGiverName",
        email="pat@example.org",
    )
    services.feedback_answer_save(
        request=private_feedback,
        data={
            "example": "zqFeedbackPrivate",
            "frequency": "often",
            "giver_name": "zqPrivateGiverName",
            "giver_role": "",
        },
        send=True,
    )
    services.feedback_attest(request=private_feedback, shift=shift)

    others_checkin = submitted_checkin(other_pm, dict.fromkeys(shifts, 2), days_ago=20)
    others_checkin.ratings.filter(shift=shift).update(note="zqOtherSubmittedNote")
    services.focus_set(person=other_pm, shift=shift, next_step="zqOtherFocusStep")
    notifications.evidence_shared(evidence_id=w.private.pk)  # private: nobody is told
    others_review, _ = services.review_start(
        person=other_pm, manager=other_manager, framework=shift.area.framework
    )
    for each in shifts:
        services.review_rate(
            review=others_review,
            shift=each,
            revision=each.revisions.latest(),
            changes={"level": 3, "comment": "zqOtherReviewComment" if each == shift else ""},
        )
    services.review_write(review=others_review, summary="Good.", agreed_focus="")
    return Marked(
        world=w,
        others_private=EvidenceFactory(
            author=other_pm, shifts=[shift], title="zqOtherPrivateTitle"
        ),
        others_shared=EvidenceFactory(
            author=other_pm, shifts=[shift], title="zqOtherSharedTitle", visibility="shared"
        ),
        others_checkin=others_checkin,
        others_review=services.review_complete(review=others_review),
        managers_own=EvidenceFactory(author=manager, shifts=[shift], title="zqManagerOwnEvidence"),
        private_feedback=private_feedback,
    )


HTMX = {"HX-Request": "true"}


def _more_pages(m: Marked) -> list[tuple[str, dict[str, str]]]:
    """Pages beyond the matrix's rows: variants, downloads, and other people's things."""
    w, slug = m.world, m.world.shift.slug
    return [
        ("/packet/?format=md", {}),
        ("/packet/?include_private=1", {}),
        ("/packet/?include_private=1&format=md", {}),
        # Only her own packet may include her private evidence, whatever the address asks.
        ("/team/priya/packet/?format=md", {}),
        ("/team/priya/packet/?include_private=1", {}),
        ("/team/priya/packet/?include_private=1&format=md", {}),
        ("/team/?sort=-last_checkin", {}),
        ("/evidence/?visibility=private", {}),
        (f"/evidence/?shift={slug}&q=zq", HTMX),
        (f"/evidence/new/?shift={slug}", {}),
        # "Evidence added: <title>" names only the viewer's own entry, whoever's id is asked.
        (f"/?added={w.private.pk}", {}),
        (f"/check-ins/{w.draft.pk}/?added={w.private.pk}", {}),
        (f"/shifts/{slug}/?added={w.shared.pk}", {}),
        (f"/?added={m.others_private.pk}", {}),
        (f"/evidence/{w.private.pk}/edit/", {}),
        (f"/evidence/{w.private.pk}/delete/", {}),
        (f"/focus/{w.focus.pk}/", HTMX),
        (f"/focus/{w.focus.pk}/edit/", HTMX),
        (f"/focus/{w.focus.pk}/clear/", HTMX),
        (f"/evidence/{m.managers_own.pk}/", {}),
        (f"/evidence/{m.others_private.pk}/", {}),
        (f"/evidence/{m.others_shared.pk}/", {}),
        (f"/check-ins/{m.others_checkin.pk}/", {}),
        (f"/reviews/{m.others_review.pk}/", {}),
        ("/team/sam/", {}),
        (f"/team/sam/reviews/{m.others_review.pk}/", {}),
        (f"/team/sam/shifts/{slug}/", {}),
        ("/team/sam/packet/", {}),
        ("/team/sam/packet/?include_private=1&format=md", {}),
        # The head reads her direct report's packet (shared evidence only) and, of everyone
        # under her, levels, counts and dates.
        ("/team/marco/packet/?include_private=1", {}),
        ("/org/?levels=self", {}),
        ("/org/?levels=self&sort=readiness&team=marco", HTMX),
        (f"/one-on-ones/priya/{w.meeting.pk}/", HTMX),
        (f"/one-on-ones/sam/{w.meeting.pk}/", {}),
        (f"/one-on-ones/marco/{w.closed_meeting.pk}/", HTMX),
        (f"/feedback/{m.private_feedback.pk}/", {}),
        (f"/feedback/{m.private_feedback.pk}/answer/", {}),
        (f"/feedback/{w.feedback_answered.pk}/answer/", {}),
    ]


def _htmx_writes(m: Marked, persona: str) -> list[tuple[str, dict[str, Any]]]:
    """htmx requests a persona makes on her own things; their answers are swapped in."""
    w, slug = m.world, m.world.shift.slug
    return {
        "owner": [
            (  # the agenda, swapped in after a write
                f"/one-on-ones/marco/{w.meeting.pk}/",
                {"action": "add_item", "item-text": "Roadmap"},
            ),
            (f"/one-on-ones/marco/{w.closed_meeting.pk}/", {"action": "dismiss"}),  # 409
            (f"/check-ins/{w.draft.pk}/shifts/{slug}/", {f"{slug}-level": "5"}),
            (f"/check-ins/{w.draft.pk}/shifts/{slug}/", {f"{slug}-level": "9"}),  # 422
            (f"/check-ins/{w.submitted.pk}/shifts/{slug}/", {f"{slug}-level": "5"}),  # 409
            (f"/evidence/{w.shared.pk}/visibility/", {"visibility": "shared"}),
            (f"/focus/{w.focus.pk}/edit/", {"step-next_step": ""}),  # 422, her step kept
            ("/evidence/new/", {"title": ""}),  # 422, the form with its errors
            ("/evidence/quick/", {"title": "", "shift": slug}),  # 422, the line with its errors
            ("/evidence/quick/", {"title": "Quick", "shift": slug, "list_shift": slug}),
            (  # 409: changed elsewhere since; the saved version is shown above hers
                f"/evidence/{w.private.pk}/edit/",
                {
                    "happened_on": w.private.happened_on.isoformat(),
                    "title": "Stale",
                    "shifts": [w.shift.pk],
                    "visibility": "private",
                    "version": "0",
                },
            ),
        ],
        "manager": [
            (
                f"/one-on-ones/priya/{w.meeting.pk}/",
                {"action": "add_item", "item-text": "Roadmap"},
            ),
            (
                f"/team/priya/rate/{slug}/",
                {f"{slug}-level": "2", f"{slug}-note": "zqDraftReviewComment"},
            ),
            (f"/team/priya/rate/{slug}/", {f"{slug}-level": "9"}),  # 422
            ("/team/priya/", {"summary": "zqDraftReviewSummary", "agreed_focus": ""}),
        ],
        "other_manager": [(f"/team/sam/rate/{slug}/", {f"{slug}-level": "2"})],  # 409
    }.get(persona, [])


ADMIN_NOT_FOLLOWED = ("/admin/login/", "/admin/logout/", "/admin/r/", "/admin/jsi18n/")


def _admin(client: Client) -> Iterator[tuple[str, HttpResponse]]:
    """The admin as far as its links go (lists, change, history and delete pages), and for
    each list the confirmation of deleting all its rows at once (which deletes nothing)."""
    todo, seen = ["/admin/"], set()
    while todo:
        url = todo.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        yield f"GET {url}", response
        if response.status_code != 200:
            continue
        page = Page(response.content.decode())
        for link in page.links:
            path = urlsplit(urljoin(url, link)).path
            if path.startswith("/admin/") and not path.startswith(ADMIN_NOT_FOLLOWED):
                todo.append(path)
        if page.selectable:
            bulk = {"action": "delete_selected", "_selected_action": page.selectable}
            yield f"POST {url} (delete selected)", client.post(url, bulk)


def _walk(
    client: Client, request: pytest.FixtureRequest, m: Marked, persona: str
) -> Iterator[tuple[str, HttpResponse]]:
    """Every page the persona may ask for, as (what was asked, the answer)."""
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(FIXTURE[persona]))
    for rows in MATRIX.values():
        for row in rows:
            url = row.url(m.world)
            yield f"GET {url}", client.get(url)
    for url, headers in _more_pages(m):
        yield f"GET {url} {headers or ''}", client.get(url, headers=headers)
    yield from _admin(client)
    for url, data in _htmx_writes(m, persona):
        yield f"POST {url} (htmx)", client.post(url, data, headers=HTMX)


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_reads_the_private_words_she_may_and_no_other(
    client: Client, request: pytest.FixtureRequest, marked: Marked, persona: str
) -> None:
    may = {word for word, readers in SEEN_BY.items() if persona in readers}
    read: dict[str, str] = {}
    leaks: list[str] = []
    admin_pages = 0
    for asked, response in _walk(client, request, marked, persona):
        admin_pages += "/admin/" in asked and response.status_code == 200
        body = response.content.decode(errors="replace").lower()
        for word in SEEN_BY:
            if word.lower() in body:
                if word in may:
                    read.setdefault(word, asked)
                else:
                    leaks.append(f"{word} on {asked} ({response.status_code})")
    assert leaks == [], f"{persona} reads what she may not:\n" + "\n".join(leaks)
    assert may <= read.keys(), f"never shown to {persona}: {sorted(may - read.keys())}"
    if persona in ("editor", "superuser"):
        assert admin_pages > 40  # the crawl followed the admin's links


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_carries_inline_script_or_style(
    client: Client, request: pytest.FixtureRequest, marked: Marked, persona: str
) -> None:
    """The CSP refuses inline code (tests/html_page.py says what counts); no page may rely on it."""
    found: list[str] = []
    for asked, response in _walk(client, request, marked, persona):
        if response["Content-Type"].startswith("text/html") and response.content:
            found += [f"{asked}: {what}" for what in Page(response.content.decode()).inline_code]
    assert found == [], "\n".join(found)
