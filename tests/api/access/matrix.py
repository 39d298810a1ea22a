"""Who may call what: one row per route of the app, naming the roles (tests/api/access/world.py's
ROLES) that get past authentication and authorisation for the world's objects. Everyone else must
be refused with 401, 403 or 404 (or, on a page, sent to sign in)."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.services.draft_samples import pdf

EVERYONE = frozenset({"anonymous", "proposer", "secretary", "member", "expert", "approver", "pilot_lead",
                      "coordinator", "evaluator", "org_admin", "outsider", "platform_admin"})
SIGNED_IN = EVERYONE - {"anonymous"}
# who may read a project whatever its tasks: its lead, the committee's host organisation and members,
# its panel's experts, and the platform admin
READERS = frozenset({"proposer", "secretary", "member", "expert", "platform_admin"})
PUDONG_USERS = frozenset({"pilot_lead", "org_admin"})  # the district hosting a pilot site
SHEITC_USERS = frozenset({"coordinator", "evaluator"})
# Whoever must act may see. The group standard: PUDONG's pilot lead (the pilot plan offered to the
# site's pilot leads), SHEITC's coordinator (asked by PUDONG about the pilot) and PUDONG's coordinator
# (whose request was answered). Not the bureau's approver nor SHEITC's evaluator: no task of theirs.
GROUP_READERS = READERS | PUDONG_USERS | {"coordinator"}
# The local standard: the bureau's approver who approved it and SHEITC's evaluator it is offered to;
# not PUDONG's pilot lead (DFCLOUD pilots it) nor SHEITC's coordinator (same body, another role).
LOCAL_READERS = READERS | {"approver", "evaluator"}


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # with {names} of world objects
    allowed: frozenset[str]
    json: Callable[[dict], dict] | None = None
    form: dict | None = None
    files: bool = False
    params: dict = field(default_factory=dict)
    regrant: bool = False  # give lin.tao the evaluator role again first, so there is one to revoke


def _org(world: dict) -> dict:
    return {"code": f"T{uuid.uuid4().hex[:8]}", "name_zh": "测试单位", "name_en": "Test organisation",
            "kind": "enterprise"}


API = [
    Row("GET", "/healthz", EVERYONE),
    Row("GET", "/readyz", EVERYONE),
    Row("GET", "/metrics", EVERYONE),  # counts for the scraper, no one's data
    Row("GET", "/openapi.json", EVERYONE),
    Row("GET", "/docs", EVERYONE),
    Row("GET", "/docs/oauth2-redirect", EVERYONE),
    Row("GET", "/redoc", EVERYONE),
    Row("GET", "/.well-known/jwks.json", EVERYONE),
    Row("POST", "/api/v1/auth/token", EVERYONE, form={"username": "li.wei", "password": "Shanghai-2026"}),
    Row("GET", "/api/v1/me", SIGNED_IN),
    Row("PUT", "/api/v1/me/expertise", frozenset({"expert"}), json=lambda world: {"fields": ["life.mobility"]}),
    Row("GET", "/api/v1/experts", frozenset({"secretary", "platform_admin"})),
    Row("GET", "/api/v1/domains", SIGNED_IN),
    Row("GET", "/api/v1/organisations", SIGNED_IN),
    Row("GET", "/api/v1/committees", SIGNED_IN),
    Row("GET", "/api/v1/dashboard", SIGNED_IN),
    Row("GET", "/api/v1/catalog", EVERYONE),
    Row("GET", "/api/v1/catalog/{project}", EVERYONE),
    Row("GET", "/api/v1/catalog/{project}/text", EVERYONE),  # the published standard's text
    Row("GET", "/api/v1/publishing-authorities", SIGNED_IN),
    Row("POST", "/api/v1/publishing-authorities", frozenset({"platform_admin"}),
        json=lambda w: {"standard_type": "enterprise", "org_id": w["pjmob"]}),
    Row("POST", "/api/v1/admin/organisations", frozenset({"platform_admin"}), json=_org),
    # Temporal's codec endpoint, for the Temporal UI: it decodes histories, so platform admins only.
    Row("POST", "/api/v1/temporal-codec/decode", frozenset({"platform_admin"}), json=lambda world: {"payloads": []}),
    Row("POST", "/api/v1/temporal-codec/encode", frozenset({"platform_admin"}), json=lambda world: {"payloads": []}),
    Row("GET", "/api/v1/admin/organisations/{pudong}/members", frozenset({"org_admin", "platform_admin"})),
    Row("GET", "/api/v1/admin/organisations/{pudong}/audit", frozenset({"org_admin", "platform_admin"})),
    Row("POST", "/api/v1/admin/organisations/{pudong}/members", frozenset({"org_admin", "platform_admin"}),
        json=lambda w: {"username": "lin.tao", "role": "evaluator"}),
    Row("DELETE", "/api/v1/admin/organisations/{pudong}/members/{lin.tao}/roles/{evaluator_role}",
        frozenset({"org_admin", "platform_admin"}), regrant=True),
    Row("GET", "/api/v1/me/invitations", SIGNED_IN),
    # an invitation is the invited person's alone: nobody in the world has one by this id
    Row("POST", "/api/v1/me/invitations/{project}/accept", frozenset()),
    Row("POST", "/api/v1/me/invitations/{project}/decline", frozenset()),
    Row("GET", "/api/v1/projects", SIGNED_IN),
    Row("POST", "/api/v1/projects", frozenset({"proposer", "outsider"}),
        json=lambda w: {**w["proposal"], "title_en": f"Matrix {uuid.uuid4().hex[:6]}"}),
    Row("GET", "/api/v1/projects/{project}", GROUP_READERS),
    Row("PATCH", "/api/v1/projects/{draft_project}", frozenset({"proposer"}), json=lambda w: {"scope": "Edited."}),
    Row("POST", "/api/v1/projects/{submittable_project}/submit", frozenset({"proposer"})),
    Row("GET", "/api/v1/projects/{project}/audit", GROUP_READERS),
    Row("GET", "/api/v1/projects/{project}/timeline", GROUP_READERS),
    Row("GET", "/api/v1/projects/{project}/ballots", GROUP_READERS),
    Row("GET", "/api/v1/projects/{project}/panels", GROUP_READERS),
    Row("GET", "/api/v1/projects/{project}/pilots", GROUP_READERS),
    Row("GET", "/api/v1/projects/{project}/evaluations", GROUP_READERS),
    Row("GET", "/api/v1/projects/{project}/drafts", GROUP_READERS),
    Row("POST", "/api/v1/projects/{project}/drafts", frozenset({"proposer"}), files=True),
    Row("GET", "/api/v1/projects/{project}/consultation", GROUP_READERS),
    Row("GET", "/api/v1/projects/{project}/comments", GROUP_READERS),
    Row("POST", "/api/v1/projects/{project}/comments", GROUP_READERS - {"platform_admin"},  # no organisation
        json=lambda w: {"clause": "1", "comment": "Late comment.", "proposed_change": ""}),
    # every comment, with its disposition: for the drafting organisations, the committee and the task holders
    Row("GET", "/api/v1/projects/{project}/dispositions.csv", GROUP_READERS),
    Row("GET", "/api/v1/projects/{project}/dispositions.xlsx", GROUP_READERS),
    Row("GET", "/api/v1/comments", SIGNED_IN),  # one's own organisations' comments, on any project
    Row("PUT", "/api/v1/comments/{comment}/disposition", frozenset({"proposer"}),
        json=lambda w: {"disposition": "accepted", "reason": ""}),
    Row("GET", "/api/v1/drafts/{draft}", GROUP_READERS),
    Row("GET", "/api/v1/drafts/{draft}/file", GROUP_READERS),
    Row("GET", "/api/v1/drafts/{discussion_draft}", frozenset({"proposer", "platform_admin"})),
    Row("GET", "/api/v1/ballots/{ballot}", GROUP_READERS),
    Row("GET", "/api/v1/panels/{panel}", GROUP_READERS),
    Row("GET", "/api/v1/pilots/{pilot}", GROUP_READERS),
    *(Row("GET", path, LOCAL_READERS) for path in (
        "/api/v1/projects/{local_project}", "/api/v1/projects/{local_project}/audit",
        "/api/v1/projects/{local_project}/timeline", "/api/v1/projects/{local_project}/ballots",
        "/api/v1/projects/{local_project}/panels", "/api/v1/projects/{local_project}/pilots",
        "/api/v1/projects/{local_project}/evaluations", "/api/v1/projects/{local_project}/drafts",
        "/api/v1/projects/{local_project}/consultation", "/api/v1/projects/{local_project}/comments",
        "/api/v1/projects/{local_project}/dispositions.csv", "/api/v1/projects/{local_project}/dispositions.xlsx",
        "/api/v1/drafts/{local_draft}", "/api/v1/drafts/{local_draft}/file", "/api/v1/ballots/{local_ballot}",
        "/api/v1/panels/{local_panel}", "/api/v1/pilots/{local_pilot}",
    )),
    Row("GET", "/api/v1/coordination-requests", SIGNED_IN),
    Row("POST", "/api/v1/coordination-requests", frozenset({"coordinator", "org_admin"}),
        json=lambda w: {"to_org_id": w["xuhui"], "subject": "核对试点名单", "body": "请确认。",
                        "due_date": "2099-12-31"}),
    Row("GET", "/api/v1/coordination-requests/{coordination}", PUDONG_USERS | SHEITC_USERS),
    Row("GET", "/api/v1/notifications", SIGNED_IN),
    Row("POST", "/api/v1/notifications/{notification}/read", frozenset({"proposer"})),
    Row("GET", "/api/v1/tasks", SIGNED_IN),
    Row("GET", "/api/v1/tasks/summary", SIGNED_IN),
    Row("GET", "/api/v1/tasks/events", SIGNED_IN, params={"seconds": 0.2}),  # a stream: ended at once
    Row("GET", "/api/v1/tasks/{task}", frozenset({"coordinator"})),
    Row("POST", "/api/v1/tasks/{task}/claim", frozenset({"coordinator"})),
    Row("POST", "/api/v1/tasks/{task}/unclaim", frozenset({"coordinator"})),
    Row("POST", "/api/v1/tasks/{task}/complete", frozenset({"coordinator"}),
        json=lambda w: {"decision": "answer", "answer": "已提供。"}),
    # The world's {task} answers a coordination request and is no escalation, so nobody acts on it as one
    # (escalations themselves: tests/workflows/test_escalations.py).
    Row("GET", "/api/v1/escalations/{task}", frozenset()),
    Row("POST", "/api/v1/escalations/{task}/remind", frozenset()),
    Row("POST", "/api/v1/escalations/{task}/reassign", frozenset(), json=lambda w: {"user_id": str(uuid.uuid4())}),
]


def upload_files() -> dict:
    return {"file": ("矩阵.pdf", pdf(), "application/pdf")}


# Pages work from a signed-in browser session (a cookie and its CSRF token), not a bearer token.
PAGES = [
    Row("GET", "/", SIGNED_IN),
    Row("GET", "/account", SIGNED_IN),
    Row("POST", "/account/language", SIGNED_IN, form={"language": "zh"}),  # Chinese, as before any choice
    Row("POST", "/account/expertise", frozenset({"expert"}), form={"fields": "life.mobility"}),
    Row("POST", "/account/invitations/{project}/accept", frozenset()),
    Row("POST", "/account/invitations/{project}/decline", frozenset()),
    Row("GET", "/login", EVERYONE),
    Row("POST", "/login", EVERYONE, form={"username": "li.wei", "password": "Shanghai-2026"}),
    Row("GET", "/login/oidc", frozenset()),  # no provider is configured here: nobody gets through
    Row("GET", "/login/oidc/callback", frozenset()),
    Row("POST", "/logout", SIGNED_IN),
    Row("GET", "/inbox", SIGNED_IN),
    Row("GET", "/tasks/{task}", frozenset({"coordinator"})),
    Row("POST", "/tasks/{task}", frozenset({"coordinator"}), form={"decision": "answer", "answer": "已提供。"}),
    Row("POST", "/tasks/{task}/claim", frozenset({"coordinator"})),
    Row("POST", "/tasks/{task}/unclaim", frozenset({"coordinator"})),
    Row("POST", "/tasks/{task}/remind", frozenset()),
    Row("POST", "/tasks/{task}/reassign", frozenset(), form={"user_id": str(uuid.uuid4())}),
    Row("GET", "/projects", SIGNED_IN),
    Row("GET", "/projects/new", frozenset({"proposer", "outsider"})),
    Row("POST", "/projects/new", frozenset({"proposer", "outsider"}), form={"title_zh": ""}),
    Row("GET", "/projects/{project}", GROUP_READERS),
    Row("GET", "/projects/{local_project}", LOCAL_READERS),
    Row("GET", "/projects/{draft_project}/edit", frozenset({"proposer"})),
    Row("POST", "/projects/{draft_project}/edit", frozenset({"proposer"}), form={"scope": ""}),
    Row("POST", "/projects/{submittable_project}/submit", frozenset({"proposer"})),
    Row("POST", "/projects/{project}/drafts", frozenset({"proposer"}), files=True),
    # a platform admin belongs to no organisation to comment for
    Row("POST", "/projects/{project}/comments", GROUP_READERS - {"platform_admin"},
        form={"clause": "1", "comment": "Late."}),
    Row("POST", "/comments/{comment}/disposition", frozenset({"proposer"}),
        form={"disposition": "accepted", "reason": ""}),
    Row("GET", "/catalogue", EVERYONE),
    Row("GET", "/catalogue/{project}", EVERYONE),
    Row("GET", "/coordination", SIGNED_IN),
    Row("POST", "/coordination", frozenset({"coordinator", "org_admin"}), form={"subject": ""}),
    Row("GET", "/coordination/{coordination}", PUDONG_USERS | SHEITC_USERS),
    Row("GET", "/notifications", SIGNED_IN),
    Row("POST", "/notifications/{notification}/read", frozenset({"proposer"})),
    Row("GET", "/dashboard", SIGNED_IN),
]
