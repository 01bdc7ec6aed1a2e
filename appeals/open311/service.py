"""Open311 GeoReport v2 over the appeals: categories are services (with the appeal's region,
kind and subject as their attributes), appeals are service requests numbered by their
registration number. Public listings carry the status, the service, the agency, the dates
and the number only: no person, no text, no address."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Select, func, select

from appeals.accounts.models import User
from appeals.extensions import db
from appeals.intake.models import OPEN_STATUSES, Appeal, AppealKind, Event
from appeals.intake.service import NewAppeal, normalize_number, submit_appeal
from appeals.language import LANGUAGES
from appeals.reference.models import Body, Category, Region

# The listing's default window and its largest page (the specification's suggestions).
DEFAULT_DAYS = 90
MAX_REQUESTS = 1000
# What a 311 app files is a report, unless it says otherwise.
DEFAULT_KIND = AppealKind.REPORT


class Open311Refused(ValueError):
    """A request the specification answers with an error: (status, description)."""

    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


def _w3c(moment: datetime | None) -> str | None:
    """A moment in the site's zone, as W3C date-time with its offset."""
    if moment is None:
        return None
    return moment.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).isoformat(timespec="seconds")


def _active_categories() -> list[Category]:
    return list(
        db.session.execute(
            select(Category).where(Category.is_active).order_by(Category.code)
        ).scalars()
    )


def services() -> list[dict[str, Any]]:
    """Every active category as a service with attributes (metadata true)."""
    names = {category.id: category.name for category in _active_categories()}
    return [
        {
            "service_code": category.code,
            "service_name": category.name,
            "description": category.name,
            "metadata": True,
            "type": "batch",
            "keywords": category.code.replace(".", ", ").replace("_", " "),
            "group": names.get(category.parent_id, category.name),
        }
        for category in _active_categories()
    ]


def _category(service_code: str) -> Category:
    category = db.session.execute(
        select(Category).where(Category.code == service_code, Category.is_active)
    ).scalar_one_or_none()
    if category is None:
        raise Open311Refused(404, _("No such service: %(code)s.", code=service_code))
    return category


def _regions() -> list[Region]:
    """The places an appeal may come from (not the country itself)."""
    return list(
        db.session.execute(
            select(Region)
            .where(Region.is_active, Region.parent_id.is_not(None))
            .order_by(Region.code)
        ).scalars()
    )


def service_definition(service_code: str) -> dict[str, Any]:
    """A service's attributes: the region (required), the kind and the subject."""
    category = _category(service_code)
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": "region",
                "datatype": "singlevaluelist",
                "required": True,
                "datatype_description": _("The KATO code of the place the appeal is about."),
                "order": 1,
                "description": _("Where"),
                "values": [{"key": region.code, "name": region.name} for region in _regions()],
            },
            {
                "variable": True,
                "code": "kind",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": _("The kind of appeal; a report unless told."),
                "order": 2,
                "description": _("Kind of appeal"),
                "values": [{"key": kind.value, "name": kind.value} for kind in AppealKind],
            },
            {
                "variable": True,
                "code": "subject",
                "datatype": "string",
                "required": False,
                "datatype_description": _("A short subject; the description's start unless told."),
                "order": 3,
                "description": _("Subject"),
                "values": [],
            },
        ],
    }


@dataclass
class PostedRequest:
    service_code: str
    description: str
    attributes: dict[str, str]


def _subject(posted: PostedRequest, category: Category) -> str:
    subject = (posted.attributes.get("subject") or "").strip()
    if not subject:
        subject = posted.description.strip().splitlines()[0][:100].strip()
    if len(subject) < 5:
        subject = category.name_en
    return subject[: current_app.config["APPEAL_SUBJECT_MAX"]]


def file_request(applicant: User, posted: PostedRequest) -> Appeal:
    """A real appeal from a service request, through the same intake as the site's form."""
    category = _category(posted.service_code)
    region_code = (posted.attributes.get("region") or "").strip()
    region = next((r for r in _regions() if r.code == region_code), None)
    if region is None:
        raise Open311Refused(400, _("attribute[region] must be one of the service's regions."))
    kind_value = posted.attributes.get("kind") or DEFAULT_KIND.value
    if kind_value not in AppealKind.__members__.values():
        raise Open311Refused(400, _("attribute[kind] must be one of the service's kinds."))
    language = posted.attributes.get("language") or None
    if language is not None and language not in LANGUAGES:
        raise Open311Refused(400, _("attribute[language] must be one of the site's languages."))
    text = posted.description.strip()
    if not 20 <= len(text) <= current_app.config["APPEAL_TEXT_MAX"]:
        raise Open311Refused(
            400,
            _(
                "description must be %(min)s to %(max)s characters.",
                min=20,
                max=current_app.config["APPEAL_TEXT_MAX"],
            ),
        )
    appeal, _code = submit_appeal(
        applicant,
        NewAppeal(
            kind=AppealKind(kind_value),
            category_id=category.id,
            region_id=region.id,
            subject=_subject(posted, category),
            text=text,
            language=language,
        ),
    )
    return appeal


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="open311-request-token")


def request_token(appeal: Appeal) -> str:
    """The token of a request (the specification's answer when an id may come later): signed,
    so it names one appeal and cannot be guessed for another."""
    return _serializer().dumps(appeal.id)


def appeal_for_token(token: str) -> Appeal:
    try:
        appeal_id = _serializer().loads(token)
    except BadSignature as error:
        raise Open311Refused(404, _("No such token.")) from error
    appeal = db.session.get(Appeal, appeal_id) if isinstance(appeal_id, int) else None
    if appeal is None:
        raise Open311Refused(404, _("No such token."))
    return appeal


def _listing() -> Select:
    """Appeals with what a listing shows, the last step's time among them: of each row's own
    events (grouping every event of every appeal first took seconds on a million)."""
    updated = (
        select(func.max(Event.created_at))
        .where(Event.appeal_id == Appeal.id)
        .correlate(Appeal)
        .scalar_subquery()
    )
    return (
        select(Appeal, Category, Body, updated.label("updated_at"))
        .join(Category, Category.id == Appeal.category_id)
        .outerjoin(Body, Body.id == Appeal.current_body_id)
    )


def _row(appeal: Appeal, category: Category, body: Body | None, updated_at) -> dict[str, Any]:
    """One service request as a listing shows it: no person, no text, no address."""
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    expected = appeal.effective_due_on
    return {
        "service_request_id": appeal.number,
        "status": "open" if appeal.is_open else "closed",
        "status_notes": None,
        "service_name": category.name,
        "service_code": category.code,
        "description": None,
        "agency_responsible": body.name if body else None,
        "service_notice": None,
        "requested_datetime": _w3c(appeal.submitted_at),
        "updated_datetime": _w3c(updated_at or appeal.submitted_at),
        # The due date's last moment, in the site's zone.
        "expected_datetime": (
            datetime.combine(expected, time(23, 59, 59), tzinfo=zone).isoformat()
            if expected
            else None
        ),
        "address": None,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


@dataclass
class RequestFilters:
    ids: list[str]
    service_codes: list[str]
    start: datetime | None
    end: datetime | None
    status: str | None


def requests(filters: RequestFilters, now: datetime) -> list[dict[str, Any]]:
    """The listing: by ids (then nothing else counts), else by service, dates and status;
    the last 90 days unless dates are given; newest first, at most 1000."""
    query = _listing()
    if filters.ids:
        query = query.where(Appeal.number.in_([normalize_number(n) for n in filters.ids]))
    else:
        if filters.service_codes:
            query = query.where(Category.code.in_(filters.service_codes))
        start = filters.start
        if start is None and filters.end is None:
            start = now - timedelta(days=DEFAULT_DAYS)
        if start is not None:
            query = query.where(Appeal.submitted_at >= start)
        if filters.end is not None:
            query = query.where(Appeal.submitted_at <= filters.end)
        # The status is tested, not looked up (`|| ''`): the newest are read from the index
        # by date until enough are found, not every open appeal by status and then sorted.
        status = Appeal.status + ""
        if filters.status == "open":
            query = query.where(status.in_(OPEN_STATUSES))
        elif filters.status == "closed":
            query = query.where(status.not_in(OPEN_STATUSES))
    rows = db.session.execute(
        query.order_by(Appeal.submitted_at.desc(), Appeal.id.desc()).limit(MAX_REQUESTS)
    ).all()
    return [_row(*row) for row in rows]


def one_request(number: str) -> list[dict[str, Any]]:
    found = db.session.execute(_listing().where(Appeal.number == normalize_number(number))).first()
    if found is None:
        raise Open311Refused(404, _("No such service request: %(id)s.", id=number))
    return [_row(*found)]
