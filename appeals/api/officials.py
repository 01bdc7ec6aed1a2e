"""The officials' and heads' API: the inbox with its filters, one appeal, and the steps of the
workspace (assign, answer with files, ask for / approve / refuse an extension, suspend, resume,
forward, ask to fix defects, leave without consideration). The same services and refusals as
the pages: an appeal outside the user's inbox scope is 404, a step their standing does not
allow is 409."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields

from appeals.accounts.models import STAFF_ROLES, User
from appeals.api.core import (
    APPEAL,
    ETAG_HEADER,
    IF_MATCH,
    ApiBlueprint,
    api_abort,
    api_user,
    etag_of,
    link_header,
    page_schema,
    paginated,
    take_step,
    token_blueprint,
)
from appeals.api.schemas import (
    AnswerInSchema,
    AppealSchema,
    AppealSummarySchema,
    AssignSchema,
    DefectsSchema,
    ExtendSchema,
    ForwardSchema,
    InboxArgs,
    LeaveSchema,
    ReasonSchema,
)
from appeals.extensions import db
from appeals.intake.attachments import AttachmentRejected, check_uploads
from appeals.intake.models import Appeal, Decision
from appeals.reference.models import Body
from appeals.timeutil import local_today
from appeals.work import defects, service, terms
from appeals.work.inbox import InboxFilters, inbox_query, inbox_scope_ids
from appeals.work.standing import available_actions, in_work_scope

bp = ApiBlueprint(
    "api_work",
    __name__,
    url_prefix="/api/v1/work",
    description="The officials' and heads' workspace: the inbox and the steps on an appeal. "
    "For staff of a body only (403 otherwise); an appeal outside the inbox scope is 404.",
)
token_blueprint(
    bp,
    lambda user: user.role in STAFF_ROLES and user.body_id is not None,
    _l("The workspace is for the officials and heads of state bodies."),
)
bp.after_request(link_header)

InboxPage = page_schema(AppealSummarySchema, "InboxPage")


class WorkAppealSchema(AppealSchema):
    """An appeal as its official sees it, with the steps open to them now."""

    actions = fields.List(fields.String(), required=True)


def _workable_or_404(appeal_id: int) -> Appeal:
    appeal = db.session.get(Appeal, appeal_id)
    if appeal is None or not in_work_scope(appeal, api_user()):
        api_abort(404)
    return appeal


def _worked(appeal: Appeal):
    """The appeal after a read or a step, with the steps open now and its ETag."""
    user = api_user()
    appeal.actions = sorted(
        available_actions(appeal, user, local_today()) | defects.defect_actions(appeal, user)
    )
    return appeal, 200, {"ETag": etag_of(appeal)}


@bp.route("/inbox")
@bp.arguments(InboxArgs, location="query")
@bp.response(200, InboxPage)
def inbox(args):
    """The appeals the user works, earliest due first: an official's own and unassigned ones,
    a head's body and the bodies below it."""
    user = api_user()
    filters = InboxFilters(
        status=args["status"],
        kind=args["kind"],
        category_id=args["category_id"],
        executor=args["executor"],
        overdue=args["overdue"],
        due_this_week=args["due_this_week"],
        search=args["search"],
    )
    query = inbox_query(user, filters, local_today(), inbox_scope_ids(user))
    kept = {
        k: v for k, v in args.items() if k not in ("page", "per_page") and v not in (None, False)
    }
    return paginated(query, args["page"], args["per_page"], "api_work.inbox", **kept)


@bp.route(f"/appeals/{APPEAL}")
@bp.response(200, WorkAppealSchema, headers=ETAG_HEADER)
def appeal(appeal_id: int):
    """One appeal in the user's scope, with the steps open to them now and its ETag."""
    return _worked(_workable_or_404(appeal_id))


def _known(model, row_id: int, field: str):
    """A row named by id in the input: unknown is 422 on that field."""
    row = db.session.get(model, row_id)
    if row is None:
        api_abort(422, fields_at_fault={field: [_("Not a valid choice.")]})
    return row


def _step(appeal_id: int, take: Callable[[Appeal], Any]):
    found = _workable_or_404(appeal_id)
    take_step(found, lambda: take(found))
    if not in_work_scope(found, api_user()):  # forwarded out of the user's bodies
        found.actions = []
        return found, 200, {"ETag": etag_of(found)}
    return _worked(found)


def step_endpoint(path: str, schema: type[Schema] | None, location: str = "json"):
    """Declare a step: its route, its input, the appeal with its ETag out, If-Match in."""

    def decorate(view):
        wrapped = bp.doc(parameters=[IF_MATCH])(view)
        wrapped = bp.response(200, WorkAppealSchema, headers=ETAG_HEADER)(wrapped)
        if schema is not None:
            wrapped = bp.arguments(schema, location=location)(wrapped)
        return bp.route(f"/appeals/{APPEAL}/{path}", methods=["POST"])(wrapped)

    return decorate


@step_endpoint("assign", AssignSchema)
def assign(args, appeal_id: int):
    """The head puts an official of the body in charge."""

    _workable_or_404(appeal_id)  # the scope first: an outsider learns nothing of the ids
    executor = _known(User, args["executor_id"], "executor_id")
    # The service refuses anyone but active staff of the appeal's body (409).
    return _step(appeal_id, lambda found: service.assign_executor(found, executor, api_user()))


@step_endpoint("answer", AnswerInSchema, location="multipart")
def answer(args, appeal_id: int):
    """The executor or the head answers with a decision (files as the repeated `attachments`
    part of a multipart/form-data body, or JSON without files)."""
    config = current_app.config
    try:
        files = check_uploads(
            args["attachments"], config["MAX_ATTACHMENTS"], config["MAX_ATTACHMENT_BYTES"]
        )
    except AttachmentRejected as rejected:
        api_abort(422, fields_at_fault={"attachments": [str(rejected)]})
    return _step(
        appeal_id,
        lambda found: service.answer_appeal(
            found, args["text"], Decision(args["decision"]), api_user(), files=files
        ),
    )


@step_endpoint("extension", ExtendSchema)
def request_extension(args, appeal_id: int):
    """The executor asks the head to extend the term to a date, with a reason."""
    return _step(
        appeal_id,
        lambda found: service.request_extension(
            found, args["until"], args["reason"], api_user(), today=local_today()
        ),
    )


@step_endpoint("extension/approve", None)
def approve_extension(appeal_id: int):
    """The head grants the pending extension request: the term is extended."""
    return _step(
        appeal_id,
        lambda found: service.approve_extension(found, api_user(), today=local_today()),
    )


@step_endpoint("extension/refuse", ReasonSchema)
def refuse_extension(args, appeal_id: int):
    """The head refuses the pending extension request, with a reason."""
    return _step(
        appeal_id, lambda found: service.refuse_extension(found, args["reason"], api_user())
    )


@step_endpoint("suspend", ReasonSchema)
def suspend(args, appeal_id: int):
    """Stop the clock, where the policy allows it."""
    return _step(
        appeal_id,
        lambda found: terms.suspend_appeal(found, args["reason"], api_user(), today=local_today()),
    )


@step_endpoint("resume", None)
def resume(appeal_id: int):
    """Start the clock again with the days that were left."""
    return _step(
        appeal_id, lambda found: terms.resume_appeal(found, api_user(), today=local_today())
    )


@step_endpoint("forward", ForwardSchema)
def forward(args, appeal_id: int):
    """Forward a misdirected appeal to the competent body (any other active body)."""

    _workable_or_404(appeal_id)  # the scope first: an outsider learns nothing of the ids
    body = _known(Body, args["body_id"], "body_id")
    # The service refuses the appeal's own body and an inactive one (409).
    return _step(
        appeal_id,
        lambda found: terms.forward_appeal(
            found, body, args["reason"], api_user(), today=local_today()
        ),
    )


@step_endpoint("defects", DefectsSchema)
def ask_to_fix(args, appeal_id: int):
    """The executor or the head names the missing requisites of a statement or a complaint and
    a date to fix them by (APPK art. 64(6)); the term runs on."""
    return _step(
        appeal_id,
        lambda found: defects.ask_to_fix(
            found, args["defects"], args["fix_by"], args["note"], api_user(), today=local_today()
        ),
    )


@step_endpoint("leave", LeaveSchema)
def leave(args, appeal_id: int):
    """The head leaves the appeal without consideration on a legal ground."""
    return _step(
        appeal_id,
        lambda found: service.leave_without_consideration(
            found, args["ground"], api_user(), args["note"]
        ),
    )
