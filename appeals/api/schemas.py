"""The API's marshmallow schemas: what goes in and what comes out (the OpenAPI document is
generated from them). Input limits are the same settings and constants the forms use."""

from __future__ import annotations

from flask import current_app
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate, validates

from appeals.cleantext import CleanString
from appeals.deadlines.service import explain_due
from appeals.intake.event_text import event_text
from appeals.intake.forms import REASON_MAX_LENGTH
from appeals.intake.labels import COMPLAINT_REASONS, LEAVE_GROUNDS, REPEAT_REASONS
from appeals.intake.models import AppealKind, AppealStatus, Decision, EventKind, Satisfaction
from appeals.language import LANGUAGES
from appeals.work.defect_rules import DEFECT_LABELS
from appeals.work.forms import ANSWER_MAX_LENGTH, ANSWER_MIN_LENGTH
from appeals.work.inbox import SEARCH_MAX

# --- Out -------------------------------------------------------------------------------------


def _enum_out(choices, allow_none: bool = False) -> fields.String:
    """A status, kind or decision: stored as its value, documented with the values."""
    values = [str(choice) for choice in choices]
    if allow_none:
        return fields.String(allow_none=True, validate=validate.OneOf(values))
    return fields.String(required=True, validate=validate.OneOf(values))


class NamedSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class PersonSchema(Schema):
    id = fields.Integer(required=True)
    full_name = fields.String(required=True)


class AttachmentSchema(Schema):
    id = fields.Integer(required=True)
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)


class AnswerSchema(Schema):
    id = fields.Integer(required=True)
    text = fields.String(required=True)
    decision = _enum_out(Decision)
    created_at = fields.AwareDateTime(required=True)
    attachments = fields.List(fields.Nested(AttachmentSchema), required=True)


class EventSchema(Schema):
    id = fields.Integer(required=True)
    kind = _enum_out(EventKind)
    created_at = fields.AwareDateTime(required=True)
    status_after = fields.String(allow_none=True)
    from_body = fields.Nested(NamedSchema, allow_none=True)
    to_body = fields.Nested(NamedSchema, allow_none=True)
    note = fields.String(allow_none=True, metadata={"description": "what the person typed"})
    text = fields.Function(
        event_text,
        allow_none=True,
        metadata={"type": "string", "description": "the entry's text in the request's language"},
    )


class AppealSummarySchema(Schema):
    """An appeal in a list."""

    id = fields.Integer(required=True)
    number = fields.String(required=True)
    kind = _enum_out(AppealKind)
    status = _enum_out(AppealStatus)
    subject = fields.String(required=True)
    category = fields.Nested(NamedSchema, required=True)
    region = fields.Nested(NamedSchema, required=True)
    current_body = fields.Nested(NamedSchema, allow_none=True)
    executor = fields.Nested(PersonSchema, allow_none=True)
    submitted_at = fields.AwareDateTime(required=True)
    registered_on = fields.Date(allow_none=True)
    due_on = fields.Date(allow_none=True)
    extended_until = fields.Date(allow_none=True)
    effective_due_on = fields.Date(allow_none=True)
    is_overdue = fields.Boolean(required=True)
    version = fields.Integer(required=True)


class AppealSchema(AppealSummarySchema):
    """One appeal with its text, files, answers and timeline."""

    text = fields.String(required=True)
    language = fields.String(required=True)
    answered_at = fields.AwareDateTime(allow_none=True)
    closed_at = fields.AwareDateTime(allow_none=True)
    decision = _enum_out(Decision, allow_none=True)
    satisfaction = _enum_out(Satisfaction, allow_none=True)
    parent_id = fields.Integer(allow_none=True)
    attachments = fields.List(fields.Nested(AttachmentSchema), required=True)
    answers = fields.List(fields.Nested(AnswerSchema), required=True)
    events = fields.List(fields.Nested(EventSchema), required=True)
    due_explanation = fields.Function(
        lambda appeal: explain_due(appeal), allow_none=True, metadata={"type": "string"}
    )


class ReceiptSchema(Schema):
    """A new appeal (or complaint) and its access code, shown this once."""

    appeal = fields.Nested(AppealSchema, required=True)
    access_code = fields.String(required=True)


# --- In --------------------------------------------------------------------------------------


# Ids as the database keeps them (a larger number is no row, never an overflow).
MAX_ID = 2**31 - 1


def _id(**kwargs) -> fields.Integer:
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def _one_of(choices) -> validate.OneOf:
    return validate.OneOf([str(choice) for choice in choices])


def _optional_text() -> CleanString:
    return CleanString(
        load_default=None,
        allow_none=True,
        multiline=True,
        validate=validate.Length(max=REASON_MAX_LENGTH),
    )


class NewAppealSchema(Schema):
    """An appeal as the applicant submits it (multipart/form-data when files go with it)."""

    kind = CleanString(required=True, validate=_one_of(AppealKind))
    category_id = _id(required=True)
    region_id = _id(required=True)
    subject = CleanString(required=True)
    text = CleanString(required=True, multiline=True)
    repeats_id = _id(load_default=None, allow_none=True)
    repeat_reason = CleanString(
        load_default=None, allow_none=True, validate=_one_of(REPEAT_REASONS)
    )
    attachments = fields.List(Upload(), load_default=list)
    # Optional: the interface language of the request (Accept-Language) when not given.
    language = fields.String(load_default=None, allow_none=True, validate=_one_of(LANGUAGES))

    @validates("subject")
    def _subject_length(self, value, **_kwargs):
        _length(value, 5, current_app.config["APPEAL_SUBJECT_MAX"])

    @validates("text")
    def _text_length(self, value, **_kwargs):
        _length(value, 20, current_app.config["APPEAL_TEXT_MAX"])


def _length(value: str, least: int, most: int) -> None:
    validate.Length(min=least, max=most)(value.strip())


class RateSchema(Schema):
    satisfaction = CleanString(required=True, validate=_one_of(Satisfaction))
    comment = CleanString(
        load_default=None,
        allow_none=True,
        multiline=True,
        validate=validate.Length(max=REASON_MAX_LENGTH),
    )


class WithdrawSchema(Schema):
    reason = CleanString(
        load_default=None,
        allow_none=True,
        multiline=True,
        validate=validate.Length(max=REASON_MAX_LENGTH),
    )


class ComplaintSchema(Schema):
    reason = CleanString(required=True, validate=_one_of(COMPLAINT_REASONS))
    text = CleanString(required=True, multiline=True, validate=validate.Length(min=20, max=10_000))


class InboxArgs(Schema):
    """The inbox's filters, as on the page."""

    status = CleanString(load_default="open", validate=_one_of(["open", "all", *AppealStatus]))
    kind = CleanString(load_default=None, validate=_one_of(AppealKind))
    category_id = _id(load_default=None)
    executor = CleanString(
        load_default=None,
        validate=validate.Regexp(r"^(none|\d{1,9})$"),
        metadata={"description": '"none" for unassigned appeals, or a user id'},
    )
    overdue = fields.Boolean(load_default=False)
    due_this_week = fields.Boolean(load_default=False)
    search = CleanString(load_default=None, validate=validate.Length(max=SEARCH_MAX))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class AssignSchema(Schema):
    executor_id = _id(required=True)


class AnswerInSchema(Schema):
    """An answer (multipart/form-data when files go with it)."""

    decision = CleanString(required=True, validate=_one_of(Decision))
    text = CleanString(
        required=True,
        multiline=True,
        validate=validate.Length(min=ANSWER_MIN_LENGTH, max=ANSWER_MAX_LENGTH),
    )
    attachments = fields.List(Upload(), load_default=list)


class ExtendSchema(Schema):
    until = fields.Date(required=True)
    reason = CleanString(
        required=True, multiline=True, validate=validate.Length(min=1, max=REASON_MAX_LENGTH)
    )


class ReasonSchema(Schema):
    reason = CleanString(
        required=True, multiline=True, validate=validate.Length(min=1, max=REASON_MAX_LENGTH)
    )


class ForwardSchema(Schema):
    body_id = _id(required=True)
    reason = CleanString(
        required=True, multiline=True, validate=validate.Length(min=1, max=REASON_MAX_LENGTH)
    )


class DefectsSchema(Schema):
    """The missing requisites (APPK art. 63) and the date to fix them by (art. 64(6))."""

    defects = fields.List(
        CleanString(validate=_one_of(DEFECT_LABELS)),
        required=True,
        validate=validate.Length(min=1, max=len(DEFECT_LABELS)),
    )
    fix_by = fields.Date(required=True)
    note = CleanString(
        load_default=None,
        allow_none=True,
        multiline=True,
        validate=validate.Length(max=REASON_MAX_LENGTH),
    )


class LeaveSchema(Schema):
    ground = CleanString(required=True, validate=_one_of(LEAVE_GROUNDS))
    note = CleanString(
        load_default=None,
        allow_none=True,
        multiline=True,
        validate=validate.Length(max=REASON_MAX_LENGTH),
    )
