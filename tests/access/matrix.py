"""The access matrix: every route of the app against every standing, one row per route (or per
object a route is tried with), each cell the answer expected. tests/access/test_matrix.py
reads it: a route of `app.url_map` missing here, or a row whose route is gone, fails.

Paths and payloads name the world's objects (tests/access/world.py) in braces: {a_open} is the
applicant's open appeal at body A (health-71, Astana), {b_open} another citizen's at body B
(health-75, Almaty); *_answered ones carry an answer with a file and a prosecutor's audit.

A cell is a status code, LOGIN (a redirect to the sign-in page), a redirect "302 /path", or
ALLOW on a POST (the standing may take this step: not sent, since it would act). Every other
POST cell is sent with a valid payload, so the refusal comes from the access check (CSRF is
off in the tests' config), and the test proves that nothing in the database changed.
"""

from __future__ import annotations

from tests.access.cells import (
    ANY_METHOD,
    CITIZENS,
    LOGIN,
    PROSECUTORS,
    STAFF,
    B,
    G,
    P,
    Row,
    allowing,
    api,
    api_step,
    applicant_api_step,
    applicant_step,
    everyone,
    only,
    staff_step,
)
from tests.access.forms import (
    API_STEP_BODIES,
    COMPLAINT,
    NEW_APPEAL,
    NEW_APPEAL_JSON,
    RATE,
    STEP_FORMS,
    STEP_PREFIX,
    SUPPLEMENT,
    WITHDRAW,
    versioned,
)
from tests.access.world import STANDINGS

PUBLIC = everyone(200)
SIGNED_IN = everyone(200) | {"anonymous": LOGIN}
ADMIN_ONLY = only(["admin"])
PROSECUTORS_ONLY = only(PROSECUTORS)
BODY_STAFF = only(STAFF)
# A link sent by e-mail (verify, reset, invitation, new e-mail): the token is the authority, so
# a bad one is refused alike for everyone.
LINK_REFUSED = everyone(400)
QUEUE_WORKERS = only([*PROSECUTORS, "admin"])  # the manual routing queue

# Who reads an appeal (intake.access.can_read): its applicant, its executor (an official reads
# only what they work), the heads of its body and above, prosecutors whose region holds it, the
# admin. Anyone else: 404, so ids cannot be probed.
CITIZEN_OWN_A = everyone(404) | {
    "anonymous": LOGIN,
    "applicant": 200,
    "executor": 200,
    "head": 200,
    "prosecutor": 200,
    "national": 200,
    "admin": 200,
}
CITIZEN_OWN_B = everyone(404) | {
    "anonymous": LOGIN,
    "other_citizen": 200,
    "other_official": 200,
    "prosecutor_out": 200,
    "national": 200,
    "admin": 200,
}
# An appeal nobody is assigned to yet: every official of the body may take it up.
UNASSIGNED_A = CITIZEN_OWN_A | {"official": 200}
NOBODY_SIGNED_IN = everyone(404) | {"anonymous": LOGIN}

# The workspace of an appeal assigned to an executor: the executor and the heads above; a
# colleague of the body sees only the unassigned ones (work.standing.in_work_scope).
BODY_STAFF_A = BODY_STAFF | {"official": 404, "other_official": 404}
BODY_STAFF_B = BODY_STAFF | {"executor": 404, "official": 404, "head": 404}

PROSECUTOR_SCOPE_A = PROSECUTORS_ONLY | {"prosecutor_out": 404}
PROSECUTOR_SCOPE_B = PROSECUTORS_ONLY | {"prosecutor": 404}


# path -> (endpoint, who of the body may take it: "executor" steps are the executor's and
# the head's, "head" steps the head's only)
STEPS = {
    "assign": ("assign", "head"),
    "answer": ("answer", "executor"),
    "extension": ("request_extension", "executor"),
    "extension/approve": ("approve_extension", "head"),
    "extension/refuse": ("refuse_extension", "head"),
    "suspend": ("suspend", "head"),
    "resume": ("resume", "head"),
    "forward": ("forward", "head"),
    "leave": ("leave", "head"),
}


# Each appeal a step is tried on: its key, the workspace's cells for it, its executor, and
# the other body (where a forward would send it).
WORKED = {
    "a_open": (BODY_STAFF_A, ("executor",), ("head",), "{executor_id}", "{body_b}"),
    "b_open": (BODY_STAFF_B, ("other_official",), (), "{other_official_id}", "{body_a}"),
}


def _named(values: dict, names: dict) -> dict:
    return {k: names.get(v, v) for k, v in values.items()}


def _work_rows() -> list[Row]:
    """Every officials' step on A's and on B's appeal, on the pages and on the API."""
    rows = []
    for key, (cells, executors, heads, executor_id, elsewhere) in WORKED.items():
        names = {"{executor_id}": executor_id, "{body_b}": elsewhere}
        for path, (endpoint, level) in STEPS.items():
            allowed = (*executors, *heads) if level == "executor" else heads
            refused = () if level == "executor" else executors

            form = {f"{STEP_PREFIX[path]}-version": f"{{version_{key}}}", **STEP_FORMS[path]}
            back = f"302 /work/appeals/{{{key}}}"
            rows.append(
                P(
                    f"work.{endpoint}",
                    f"/work/appeals/{{{key}}}/{path}",
                    staff_step(cells, back, allowed=allowed, refused=refused),
                    data=_named(form, names),
                )
            )
            rows.append(
                B(
                    f"api_work.{endpoint}",
                    "POST",
                    f"/api/v1/work/appeals/{{{key}}}/{path}",
                    api_step(cells, allowed=allowed, refused=refused),
                    data=_named(API_STEP_BODIES[path], names),
                    if_match=key,
                )
            )
    return rows


MATRIX: list[Row] = [
    # --- Public pages, sign-in and the links sent by e-mail -------------------------------
    G("public.home", "/", PUBLIC),
    G("public.status_check", "/status", PUBLIC),
    P("public.status_check", "/status", allowing(PUBLIC, *STANDINGS)),
    P("public.choose_language", "/language", allowing(PUBLIC, *STANDINGS)),
    G("ratings.ratings", "/ratings/", PUBLIC),
    G("scores.how", "/scores/how", PUBLIC),
    G("static", "/static/site.css", PUBLIC),
    G("bootstrap.static", "/bootstrap/static/css/bootstrap.min.css", PUBLIC),
    G("accounts.login", "/login", everyone("302 /") | {"anonymous": 200}),
    P("accounts.login", "/login", allowing(PUBLIC, *STANDINGS)),
    G("accounts.second_factor", "/login/second-factor", everyone(LOGIN)),
    P("accounts.second_factor", "/login/second-factor", allowing(PUBLIC, *STANDINGS)),
    P("accounts.logout", "/logout", allowing(SIGNED_IN, *STANDINGS[1:])),
    G("accounts.register", "/register", PUBLIC),
    P("accounts.register", "/register", allowing(PUBLIC, *STANDINGS)),
    G("accounts.verify", "/verify/not-a-token", LINK_REFUSED),
    G("accounts.forgot_password", "/password/forgot", PUBLIC),
    P("accounts.forgot_password", "/password/forgot", allowing(PUBLIC, *STANDINGS)),
    G("accounts.reset", "/password/reset/not-a-token", LINK_REFUSED),
    P("accounts.reset", "/password/reset/not-a-token", allowing(PUBLIC, *STANDINGS)),
    G("accounts.accept_invitation_page", "/invitation/not-a-token", LINK_REFUSED),
    P("accounts.accept_invitation_page", "/invitation/not-a-token", allowing(PUBLIC, *STANDINGS)),
    G("accounts.confirm_new_email", "/account/email/not-a-token", LINK_REFUSED),
    # --- The signed-in user's own account ---------------------------------------------------
    G("accounts.email", "/account/email", SIGNED_IN),
    P("accounts.email", "/account/email", allowing(SIGNED_IN, *STANDINGS[1:])),
    G("accounts.password", "/account/password", SIGNED_IN),
    P("accounts.password", "/account/password", allowing(SIGNED_IN, *STANDINGS[1:])),
    G("accounts.two_factor", "/account/two-factor", SIGNED_IN),
    P("accounts.two_factor", "/account/two-factor", allowing(SIGNED_IN, *STANDINGS[1:])),
    P("accounts.language", "/account/language", allowing(SIGNED_IN, *STANDINGS[1:])),
    G("notice_settings.notices", "/account/notices", SIGNED_IN),
    P("notice_settings.choose", "/account/notices", allowing(SIGNED_IN, *STANDINGS[1:])),
    P("notice_settings.phone", "/account/phone", allowing(SIGNED_IN, *STANDINGS[1:])),
    P("notice_settings.phone_code", "/account/phone/code", allowing(SIGNED_IN, *STANDINGS[1:])),
    P("notice_settings.phone_remove", "/account/phone/remove", allowing(SIGNED_IN, *STANDINGS[1:])),
    G("accounts.my_data", "/account/data", SIGNED_IN),
    G("accounts.my_data_zip", "/account/data.zip", SIGNED_IN),
    P(
        "accounts.close",
        "/account/close",
        allowing(only(CITIZENS), *CITIZENS),
        data={"current": "correct-horse-battery", "confirm": "y"},
    ),
    # --- Appeals: the citizen's pages, files, steps -----------------------------------------
    G("intake.my_appeals", "/appeals/", SIGNED_IN),
    G("intake.new_appeal", "/appeals/new", only(CITIZENS)),  # staff accounts file nothing
    P("intake.new_appeal", "/appeals/new", allowing(only(CITIZENS), *CITIZENS), data=NEW_APPEAL),
    # a signed-in citizen files under their name
    G(
        "intake.new_anonymous_appeal",
        "/appeals/anonymous",
        PUBLIC | dict.fromkeys(CITIZENS, "302 /appeals/new"),
    ),
    P("intake.new_anonymous_appeal", "/appeals/anonymous", allowing(PUBLIC, *STANDINGS)),
    G("intake.anonymous_receipt", "/appeals/anonymous/receipt", everyone(404)),
    G("intake.appeal_detail", "/appeals/{a_open}", CITIZEN_OWN_A),
    G("intake.appeal_detail", "/appeals/{b_open}", CITIZEN_OWN_B),
    G("intake.appeal_detail", "/appeals/{a_new}", UNASSIGNED_A),
    # waiting at the prosecutor's reception: no body's staff reads it yet
    G("intake.appeal_detail", "/appeals/{manual}", CITIZEN_OWN_A | {"executor": 404, "head": 404}),
    G("intake.receipt", "/appeals/{a_open}/receipt", CITIZEN_OWN_A),
    G("intake.receipt", "/appeals/{b_open}/receipt", CITIZEN_OWN_B),
    G("intake.attachment", "/appeals/{a_open}/attachments/{file_a}", CITIZEN_OWN_A),
    G("intake.attachment", "/appeals/{a_answered}/attachments/{answer_file_a}", CITIZEN_OWN_A),
    G("intake.attachment", "/appeals/{a_new}/attachments/{file_new}", UNASSIGNED_A),
    G("intake.attachment", "/appeals/{b_open}/attachments/{file_b}", CITIZEN_OWN_B),
    G("intake.attachment", "/appeals/{b_answered}/attachments/{answer_file_b}", CITIZEN_OWN_B),
    # another appeal's file through a readable appeal's id
    G("intake.attachment", "/appeals/{a_open}/attachments/{file_b}", NOBODY_SIGNED_IN),
    G("intake.attachment", "/appeals/{b_open}/attachments/{answer_file_a}", NOBODY_SIGNED_IN),
    P(
        "intake.rate",
        "/appeals/{a_answered}/rate",
        applicant_step(CITIZEN_OWN_A, "applicant", "302 /appeals/{a_answered}"),
        data=RATE,
    ),
    P(
        "intake.rate",
        "/appeals/{b_answered}/rate",
        applicant_step(CITIZEN_OWN_B, "other_citizen", "302 /appeals/{b_answered}"),
        data=versioned(RATE),
    ),
    P(
        "intake.withdraw",
        "/appeals/{a_open}/withdraw",
        applicant_step(CITIZEN_OWN_A, "applicant", "302 /appeals/{a_open}"),
        data=WITHDRAW,
    ),
    P(
        "intake.withdraw",
        "/appeals/{b_open}/withdraw",
        applicant_step(CITIZEN_OWN_B, "other_citizen", "302 /appeals/{b_open}"),
        data=versioned(WITHDRAW),
    ),
    P(
        "intake.supplement",
        "/appeals/{a_open}/supplement",
        applicant_step(CITIZEN_OWN_A, "applicant", "302 /appeals/{a_open}"),
        data=SUPPLEMENT,
    ),
    P(
        "intake.supplement",
        "/appeals/{b_open}/supplement",
        applicant_step(CITIZEN_OWN_B, "other_citizen", "302 /appeals/{b_open}"),
        data=versioned(SUPPLEMENT),
    ),
    P(
        "intake.complain",
        "/appeals/{a_answered}/complain",
        applicant_step(CITIZEN_OWN_A, "applicant", "302 /appeals/{a_answered}"),
        data=COMPLAINT,
    ),
    P(
        "intake.complain",
        "/appeals/{b_answered}/complain",
        applicant_step(CITIZEN_OWN_B, "other_citizen", "302 /appeals/{b_answered}"),
        data=versioned(COMPLAINT),
    ),
    P(
        "intake.cosign",
        "/appeals/{a_open}/cosign",
        applicant_step(CITIZEN_OWN_A, "applicant", "302 /appeals/{a_open}"),
        data={
            "cosign-version": "{version_a_open}",
            "cosign-name": "Dana Esova",
            "cosign-email": "dana.cosigner@example.kz",
        },
    ),
    P(
        "intake.fix_defects",
        "/appeals/{a_open}/fix",
        applicant_step(CITIZEN_OWN_A, "applicant", "302 /appeals/{a_open}"),
        data={"fix-version": "{version_a_open}", "fix-text": "My IIN is 900101300123."},
    ),
    # The case file: whoever reads the appeal (can_read), 404 for anyone else.
    G("casefile.case_pdf", "/appeals/{a_answered}/case.pdf", CITIZEN_OWN_A),
    G("casefile.case_pdf", "/appeals/{b_answered}/case.pdf", CITIZEN_OWN_B),
    G("casefile.documents", "/appeals/{a_answered}/documents.zip", CITIZEN_OWN_A),
    G("casefile.documents", "/appeals/{b_answered}/documents.zip", CITIZEN_OWN_B),
    P("suggest.suggest", "/appeals/suggest-category", allowing(everyone(401), *STANDINGS[1:])),
    # --- The officials' workspace -----------------------------------------------------------
    G("work.inbox", "/work/", BODY_STAFF),
    G("work.appeal", "/work/appeals/{a_open}", BODY_STAFF_A),
    G("work.appeal", "/work/appeals/{b_open}", BODY_STAFF_B),
    G("work.appeal", "/work/appeals/{a_new}", BODY_STAFF | {"other_official": 404}),
    *_work_rows(),
    # Look-alikes grouped under an appeal: the head's step; with no member chosen the form is
    # refused (400) for whoever may see the page, so nothing is grouped.
    P(
        "work.group",
        "/work/appeals/{a_open}/group",
        BODY_STAFF_A | {"executor": 400, "head": 400},
        data={"group-version": "{version_a_open}"},
    ),
    # Asking for defects to be fixed: an empty form is refused (400) for those who see the page.
    P(
        "work.ask_fix",
        "/work/appeals/{a_open}/defects",
        BODY_STAFF_A | {"executor": 400, "head": 400},
        data={"defects-version": "{version_a_open}"},
    ),
    B(
        "api_work.ask_to_fix",
        "POST",
        "/api/v1/work/appeals/{a_open}/defects",
        api_step(BODY_STAFF_A, allowed=("executor", "head"), refused=()),
        data={"defects": ["name"], "fix_by": "2030-01-10"},
        if_match="a_open",
    ),
    # Answer templates: staff of a body read the list, heads and admins keep them; no template
    # of this id exists, so keepers get 404 and nothing else is told.
    G("replies.index", "/work/answer-templates/", only([*STAFF, "admin"])),
    G("replies.new", "/work/answer-templates/new", only(["head", "admin"])),
    P(
        "replies.new",
        "/work/answer-templates/new",
        allowing(only(["head", "admin"]), "head", "admin"),
    ),
    G("replies.edit", "/work/answer-templates/999999", only([*STAFF, "admin"], 404)),
    P("replies.edit", "/work/answer-templates/999999", only([*STAFF, "admin"], 404)),
    P("replies.delete", "/work/answer-templates/999999/delete", only([*STAFF, "admin"], 404)),
    # --- The manual routing queue -----------------------------------------------------------
    G("routing.manual_queue", "/routing/manual", QUEUE_WORKERS),
    G("routing.route_by_hand", "/routing/manual/{manual}", QUEUE_WORKERS | {"prosecutor_out": 404}),
    P(
        "routing.route_by_hand",
        "/routing/manual/{manual}",
        allowing(QUEUE_WORKERS | {"prosecutor_out": 404, "national": 403}, "prosecutor", "admin"),
        data={"body_id": "{body_a}", "reason": "The health department of Astana."},
    ),
    # --- The prosecutor: audits and the desk ------------------------------------------------
    G("prosecutor.appeal_page", "/prosecutor/appeals/{a_answered}", PROSECUTOR_SCOPE_A),
    G("prosecutor.appeal_page", "/prosecutor/appeals/{b_answered}", PROSECUTOR_SCOPE_B),
    P(
        "prosecutor.audit_appeal",
        "/prosecutor/appeals/{a_answered}/audit",
        allowing(PROSECUTOR_SCOPE_A, "prosecutor", "national"),
        data={"verdict": "lawful", "act": "none"},
    ),
    P(
        "prosecutor.audit_appeal",
        "/prosecutor/appeals/{b_answered}/audit",
        allowing(PROSECUTOR_SCOPE_B, "prosecutor_out", "national"),
        data={"verdict": "lawful", "act": "none"},
    ),
    P(
        "prosecutor.act_reply",
        "/prosecutor/audits/{audit_a}/reply",
        allowing(PROSECUTOR_SCOPE_A, "prosecutor", "national"),
    ),
    P(
        "prosecutor.act_reply",
        "/prosecutor/audits/{audit_b}/reply",
        allowing(PROSECUTOR_SCOPE_B, "prosecutor_out", "national"),
    ),
    P(
        "prosecutor.extend_act",
        "/prosecutor/audits/{audit_a}/extend",
        allowing(PROSECUTOR_SCOPE_A, "prosecutor", "national"),
        data={"until": "2030-01-10"},
    ),
    P(
        "prosecutor.extend_act",
        "/prosecutor/audits/{audit_b}/extend",
        allowing(PROSECUTOR_SCOPE_B, "prosecutor_out", "national"),
        data={"until": "2030-01-10"},
    ),
    G("desk.dashboard", "/prosecutor/", PROSECUTORS_ONLY),
    G("desk.ranking_csv", "/prosecutor/ranking.csv", PROSECUTORS_ONLY),
    G("desk.ranking_report", "/prosecutor/report", PROSECUTORS_ONLY),
    G(
        "desk.find_appeal",
        "/prosecutor/appeals/find?number={number_a_open}",
        only(PROSECUTORS, "302 /prosecutor/appeals/{a_open}")
        | {"prosecutor_out": "302 /prosecutor/"},
    ),
    G("desk.body_page", "/prosecutor/bodies/{body_a}", PROSECUTOR_SCOPE_A),
    G("desk.body_page", "/prosecutor/bodies/{body_b}", PROSECUTOR_SCOPE_B),
    G("desk.body_appeals", "/prosecutor/bodies/{body_a}/appeals", PROSECUTOR_SCOPE_A),
    G("desk.body_appeals", "/prosecutor/bodies/{body_b}/appeals", PROSECUTOR_SCOPE_B),
    G("desk.body_appeals_csv", "/prosecutor/bodies/{body_a}/appeals.csv", PROSECUTOR_SCOPE_A),
    G("desk.body_appeals_csv", "/prosecutor/bodies/{body_b}/appeals.csv", PROSECUTOR_SCOPE_B),
    # --- Administration ---------------------------------------------------------------------
    G("admin.index", "/admin/", ADMIN_ONLY),
    G("admin.calendar", "/admin/calendar", ADMIN_ONLY),
    P("admin.calendar", "/admin/calendar", allowing(ADMIN_ONLY, "admin")),
    G("admin.calendar", "/admin/calendar/2027", ADMIN_ONLY),
    P("admin.calendar", "/admin/calendar/2027", allowing(ADMIN_ONLY, "admin")),
    P("admin.load_year", "/admin/calendar/2029/load", allowing(ADMIN_ONLY, "admin")),
    P("admin.remove_day", "/admin/calendar/days/{holiday}/remove", allowing(ADMIN_ONLY, "admin")),
    G("admin.notifications", "/admin/notifications", ADMIN_ONLY),
    P(
        "admin.retry_notification",
        "/admin/notifications/{notice}/retry",
        allowing(ADMIN_ONLY, "admin"),
    ),
    G("admin.policies", "/admin/policies", ADMIN_ONLY),
    G("admin.edit_policy", "/admin/policies/{policy}/edit", ADMIN_ONLY),
    P("admin.edit_policy", "/admin/policies/{policy}/edit", allowing(ADMIN_ONLY, "admin")),
    G("admin.new_policy_version", "/admin/policies/{policy}/new-version", ADMIN_ONLY),
    P(
        "admin.new_policy_version",
        "/admin/policies/{policy}/new-version",
        allowing(ADMIN_ONLY, "admin"),
    ),
    G("users_admin.users", "/admin/users", ADMIN_ONLY),
    G("users_admin.user", "/admin/users/{applicant_id}", ADMIN_ONLY),
    G("users_admin.body", "/admin/bodies/{body_a}", ADMIN_ONLY),
    G("users_admin.log", "/admin/log", ADMIN_ONLY),
    P(
        "users_admin.deactivate",
        "/admin/users/{official_id}/deactivate",
        allowing(ADMIN_ONLY, "admin"),
    ),
    P(
        "users_admin.reactivate",
        "/admin/users/{official_id}/reactivate",
        allowing(ADMIN_ONLY, "admin"),
    ),
    P(
        "users_admin.change",
        "/admin/users/{official_id}/placement",
        allowing(ADMIN_ONLY, "admin"),
        data={"role": "head", "body_id": "{body_a}"},
    ),
    G("users_admin.invite", "/admin/users/invite", ADMIN_ONLY),
    P(
        "users_admin.invite",
        "/admin/users/invite",
        allowing(ADMIN_ONLY, "admin"),
        data={
            "email": "new@matrix.kz",
            "full_name": "New Official",
            "role": "official",
            "body_id": "{body_a}",
        },
    ),
    G("users_admin.import_invitations", "/admin/users/import", ADMIN_ONLY),
    P("users_admin.import_invitations", "/admin/users/import", allowing(ADMIN_ONLY, "admin")),
    G("routing_admin.index", "/admin/routing/", ADMIN_ONLY),
    G("routing_admin.regions", "/admin/routing/regions", ADMIN_ONLY),
    G("routing_admin.bodies", "/admin/routing/bodies", ADMIN_ONLY),
    G("routing_admin.categories", "/admin/routing/categories", ADMIN_ONLY),
    G("routing_admin.rules", "/admin/routing/rules", ADMIN_ONLY),
    G("routing_admin.new", "/admin/routing/bodies/new", ADMIN_ONLY),
    P("routing_admin.new", "/admin/routing/bodies/new", allowing(ADMIN_ONLY, "admin")),
    G("routing_admin.edit", "/admin/routing/rules/{rule}/edit", ADMIN_ONLY),
    P("routing_admin.edit", "/admin/routing/rules/{rule}/edit", allowing(ADMIN_ONLY, "admin")),
    P(
        "routing_admin.toggle",
        "/admin/routing/bodies/{body_a}/deactivate",
        allowing(ADMIN_ONLY, "admin"),
    ),
    G("routing_accuracy.accuracy", "/admin/routing/accuracy", ADMIN_ONLY),
    # --- Operations -------------------------------------------------------------------------
    G("ops.healthz", "/healthz", PUBLIC),
    G("ops.readyz", "/readyz", everyone(503)),
    G("ops.metrics", "/metrics", PUBLIC),  # METRICS_TOKEN unset; production keeps it off
    # --- Open data --------------------------------------------------------------------------
    G("opendata.dictionary", "/open-data/", PUBLIC),
    G("opendata.statistics", "/open-data/statistics.csv", PUBLIC),
    G("opendata.ratings", "/open-data/ratings.json", PUBLIC),
    G("api_open_data.statistics", "/api/v1/open-data/statistics", PUBLIC),
    G("api_open_data.ratings", "/api/v1/open-data/ratings", PUBLIC),
    # --- Open311 (public reads; a write token files an appeal as its owner) ------------------
    G("open311.discovery", "/open311/v2/discovery.json", PUBLIC),
    G("open311.services", "/open311/v2/services.json", PUBLIC),
    G("open311.service_definition", "/open311/v2/services/healthcare.json", PUBLIC),
    G("open311.requests", "/open311/v2/requests.json", PUBLIC),
    G("open311.one_request", "/open311/v2/requests/{number_a_open}.json", PUBLIC),
    G("open311.token", "/open311/v2/tokens/not-a-token.json", everyone(404)),
    G("open311.not_found", "/open311/v2/nothing-here.json", everyone(404)),
    P("open311.not_found", "/open311/v2/nothing-here.json", everyone(404)),
    Row(
        "open311.post_request",
        "POST",
        "/open311/v2/requests.json",
        allowing(everyone(403), *CITIZENS),
        auth="api_key",
        data={"service_code": "healthcare", "description": NEW_APPEAL["text"]},
    ),
    # --- The API's pages: tokens (session) and the reference --------------------------------
    G("api_tokens.tokens", "/api/tokens/", SIGNED_IN),
    P("api_tokens.tokens", "/api/tokens/", allowing(SIGNED_IN, *STANDINGS[1:])),
    P(
        "api_tokens.revoke",
        "/api/tokens/{token_of_applicant}/revoke",
        allowing(NOBODY_SIGNED_IN, "applicant"),
    ),
    G("api-docs.openapi_json", "/api/openapi.json", PUBLIC),
    G("api-docs.openapi_swagger_ui", "/api/docs", PUBLIC),
    G("api_docs_assets.docs_asset", "/api/docs/assets/swagger-ui.css", PUBLIC),
    *(Row("api_fallback.not_found", m, "/api/v2/nothing", everyone(404)) for m in ANY_METHOD),
    # --- The token API: the citizen's part -----------------------------------------------------
    B("api_citizens.Appeals", "GET", "/api/v1/appeals", api(SIGNED_IN)),
    B(
        "api_citizens.Appeals",
        "POST",
        "/api/v1/appeals",
        allowing(api(only(CITIZENS)), *CITIZENS),
        data=NEW_APPEAL_JSON,
    ),
    B("api_citizens.appeal", "GET", "/api/v1/appeals/{a_open}", api(CITIZEN_OWN_A)),
    B("api_citizens.appeal", "GET", "/api/v1/appeals/{b_open}", api(CITIZEN_OWN_B)),
    B("api_citizens.appeal", "GET", "/api/v1/appeals/{a_new}", api(UNASSIGNED_A)),
    B(
        "api_citizens.attachment",
        "GET",
        "/api/v1/appeals/{a_open}/attachments/{file_a}",
        api(CITIZEN_OWN_A),
    ),
    B(
        "api_citizens.attachment",
        "GET",
        "/api/v1/appeals/{a_answered}/attachments/{answer_file_a}",
        api(CITIZEN_OWN_A),
    ),
    B(
        "api_citizens.attachment",
        "GET",
        "/api/v1/appeals/{b_answered}/attachments/{answer_file_b}",
        api(CITIZEN_OWN_B),
    ),
    B(
        "api_citizens.attachment",
        "GET",
        "/api/v1/appeals/{a_open}/attachments/{file_b}",
        api(NOBODY_SIGNED_IN),
    ),
    B(
        "api_citizens.rate",
        "POST",
        "/api/v1/appeals/{a_answered}/rate",
        applicant_api_step(CITIZEN_OWN_A, "applicant"),
        data={"satisfaction": "satisfied"},
        if_match="a_answered",
    ),
    B(
        "api_citizens.rate",
        "POST",
        "/api/v1/appeals/{b_answered}/rate",
        applicant_api_step(CITIZEN_OWN_B, "other_citizen"),
        data={"satisfaction": "satisfied"},
        if_match="b_answered",
    ),
    B(
        "api_citizens.withdraw",
        "POST",
        "/api/v1/appeals/{a_open}/withdraw",
        applicant_api_step(CITIZEN_OWN_A, "applicant"),
        data={"reason": "No longer needed."},
        if_match="a_open",
    ),
    B(
        "api_citizens.withdraw",
        "POST",
        "/api/v1/appeals/{b_open}/withdraw",
        applicant_api_step(CITIZEN_OWN_B, "other_citizen"),
        data={"reason": "No longer needed."},
        if_match="b_open",
    ),
    B(
        "api_citizens.complain",
        "POST",
        "/api/v1/appeals/{a_answered}/complaint",
        applicant_api_step(CITIZEN_OWN_A, "applicant"),
        data={"reason": "disagrees", "text": "The refusal gives no reason at all, so I complain."},
        if_match="a_answered",
    ),
    # --- The token API: the workspace ------------------------------------------------------------
    B("api_work.inbox", "GET", "/api/v1/work/inbox", api(BODY_STAFF)),
    B("api_work.appeal", "GET", "/api/v1/work/appeals/{a_open}", api(BODY_STAFF_A)),
    B("api_work.appeal", "GET", "/api/v1/work/appeals/{b_open}", api(BODY_STAFF_B)),
    B(
        "api_work.appeal",
        "GET",
        "/api/v1/work/appeals/{a_new}",
        api(BODY_STAFF | {"other_official": 404}),
    ),
    # --- The token API: the prosecutor ---------------------------------------------------------
    B("api_prosecutor.scores", "GET", "/api/v1/prosecutor/scores", api(PROSECUTORS_ONLY)),
    B("api_prosecutor.audits", "GET", "/api/v1/prosecutor/audits", api(PROSECUTORS_ONLY)),
    B("api_prosecutor.body", "GET", "/api/v1/prosecutor/bodies/{body_a}", api(PROSECUTOR_SCOPE_A)),
    B("api_prosecutor.body", "GET", "/api/v1/prosecutor/bodies/{body_b}", api(PROSECUTOR_SCOPE_B)),
    B(
        "api_prosecutor.appeals_behind_figure",
        "GET",
        "/api/v1/prosecutor/bodies/{body_a}/appeals?measure=appeals",
        api(PROSECUTOR_SCOPE_A),
    ),
    B(
        "api_prosecutor.appeals_behind_figure",
        "GET",
        "/api/v1/prosecutor/bodies/{body_b}/appeals?measure=appeals",
        api(PROSECUTOR_SCOPE_B),
    ),
    B(
        "api_prosecutor.appeal",
        "GET",
        "/api/v1/prosecutor/appeals/{a_answered}",
        api(PROSECUTOR_SCOPE_A),
    ),
    B(
        "api_prosecutor.appeal",
        "GET",
        "/api/v1/prosecutor/appeals/{b_answered}",
        api(PROSECUTOR_SCOPE_B),
    ),
    B(
        "api_prosecutor.audit",
        "POST",
        "/api/v1/prosecutor/appeals/{a_answered}/audit",
        allowing(api(PROSECUTOR_SCOPE_A), "prosecutor", "national"),
        data={"lawful": True, "act": "none"},
    ),
    B(
        "api_prosecutor.audit",
        "POST",
        "/api/v1/prosecutor/appeals/{b_answered}/audit",
        allowing(api(PROSECUTOR_SCOPE_B), "prosecutor_out", "national"),
        data={"lawful": True, "act": "none"},
    ),
]
