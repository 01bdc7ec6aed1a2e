"""Intake: an appeal is accepted, numbered, routed and registered in one transaction.

Functions take the actor as an argument and flush; the caller commits once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Connection, event, select

from appeals.accounts.models import User
from appeals.deadlines.schedule import schedule_deadline_jobs
from appeals.deadlines.service import registration_day, working_calendar
from appeals.deadlines.term import start_term
from appeals.extensions import db, insert_on_conflict
from appeals.intake.access import can_read
from appeals.intake.attachments import CheckedFile, store_file
from appeals.intake.event_text import LEFT_ON_GROUND, NO_ROUTING_RULE, REPEAT_OF
from appeals.intake.labels import REPEAT_REASONS
from appeals.intake.models import (
    Answer,
    Appeal,
    AppealKind,
    AppealStatus,
    Attachment,
    EventKind,
    RegistrationCounter,
)
from appeals.intake.workflow import change_status, record_event
from appeals.language import chosen_language
from appeals.notifications.service import notify_applicant
from appeals.reference.models import Body, Category, Region, ancestor_chain
from appeals.reference.seed_data import URGENT_REPORT_CATEGORIES
from appeals.routing.rules import resolve_body
from appeals.timeutil import now_utc
from appeals.work.defect_rules import SIMPLIFIED_KINDS

# No 0/O, 1/I/L: the code is read off a printed receipt and typed in by hand.
ACCESS_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ACCESS_CODE_LENGTH = 10


class IntakeRefused(ValueError):
    """A submission the rules refuse (the form checks the same first); the message is for the
    user."""


@dataclass
class NewAppeal:
    kind: AppealKind
    category_id: int
    region_id: int
    subject: str
    text: str
    files: list[CheckedFile] = field(default_factory=list)
    # The applicant's own earlier appeal that this one repeats, and why.
    repeats_id: int | None = None
    repeat_reason: str | None = None
    # One of language.LANGUAGES; None: the interface language in use.
    language: str | None = None


def new_access_code() -> str:
    """A random code for checking the status without signing in (only its hash is kept)."""
    return "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _ in range(ACCESS_CODE_LENGTH))


def hash_access_code(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def access_code_matches(appeal: Appeal, code: str) -> bool:
    return hmac.compare_digest(appeal.access_code_hash, hash_access_code(code))


# Latin letters and digits that look like the Cyrillic letters of the prefixes: a number read
# off a receipt is often typed back with them ("3-2026-..." for "З-2026-...").
_PREFIX_LOOKALIKES = str.maketrans({"3": "З", "C": "С", "O": "О", "0": "О", "P": "Р"})


def normalize_number(typed: str) -> str:
    """A registration number as typed by a person, in the form it is stored."""
    prefix, dash, rest = typed.strip().upper().partition("-")
    return prefix.translate(_PREFIX_LOOKALIKES) + dash + rest


def next_registration_number(connection: Connection, kind: AppealKind, year: int) -> str:
    """The next number for a kind and year, gap-free: the counter row stays locked until commit,
    and a rolled-back appeal rolls its number back too. One statement: the year's first
    number makes the row, every later one adds to it."""
    prefix = current_app.config["REGISTRATION_PREFIXES"][kind]
    value = connection.execute(
        insert_on_conflict(RegistrationCounter)
        .values(prefix=prefix, year=year, last_value=1)
        .on_conflict_do_update(
            index_elements=[RegistrationCounter.prefix, RegistrationCounter.year],
            set_={"last_value": RegistrationCounter.last_value + 1},
        )
        .returning(RegistrationCounter.last_value)
    ).scalar_one()
    digits = current_app.config["REGISTRATION_DIGITS"]
    return f"{prefix}-{year}-{value:0{digits}d}"


@event.listens_for(Appeal, "before_insert")
def _numbered_as_written(mapper, connection: Connection, appeal: Appeal) -> None:
    """A new appeal takes its number as its row is written, not when it is built: the counter
    row is then locked from the INSERT to the commit, not through routing too (on PostgreSQL
    concurrent submissions queue on that row)."""
    if appeal.number is None:
        appeal.number = next_registration_number(connection, appeal.kind, appeal.registered_on.year)


def reception_body_id(region_id: int) -> int | None:
    """The prosecutor's office nearest to the region: it keeps the manual routing queue."""
    chain = ancestor_chain(Region, region_id)
    offices = dict(
        db.session.execute(
            select(Body.region_id, Body.id).where(
                Body.kind == "prosecutor", Body.is_active, Body.region_id.in_(chain)
            )
        ).all()
    )
    for region in chain:
        if region in offices:
            return offices[region]
    return db.session.execute(
        select(Body.id).where(Body.kind == "prosecutor", Body.region_id.is_(None)).limit(1)
    ).scalar_one_or_none()


def numbered_appeal(
    kind: AppealKind, applicant: User | None, now: datetime, **fields
) -> tuple[Appeal, str]:
    """A new appeal, accepted now: registered on the working day of receipt, with the hash of
    a fresh access code, added to the session; it is numbered when it is flushed. Returns it
    and the code. An anonymous appeal has no applicant."""
    registered_on = registration_day(now, working_calendar())
    access_code = new_access_code()
    appeal = Appeal(
        access_code_hash=hash_access_code(access_code),
        kind=kind,
        applicant_id=applicant.id if applicant else None,
        status=AppealStatus.SUBMITTED,
        submitted_at=now,
        registered_on=registered_on,
        # None yet: said here, so that its first notices do not ask the database for them.
        cosignatories=[],
        **fields,
    )
    db.session.add(appeal)
    return appeal, access_code


# The "repeat of" choice lists this many of the applicant's latest appeals; an older one is
# found by its number (own_appeal_by_number): a bounded query whatever the history.
RECENT_APPEALS_OFFERED = 20


def own_earlier_appeals(
    applicant: User, *, limit: int = RECENT_APPEALS_OFFERED, including: int | None = None
) -> list[tuple[int, str, str]]:
    """The applicant's latest appeals that a new one may repeat: (id, number, subject), newest
    first, at most `limit`; with `including`, that appeal too when it is the applicant's (the
    one chosen on a form, however old)."""
    rows = db.session.execute(
        select(Appeal.id, Appeal.number, Appeal.subject)
        .where(Appeal.applicant_id == applicant.id)
        .order_by(Appeal.submitted_at.desc(), Appeal.id.desc())
        .limit(limit)
    ).all()
    found = [(row.id, row.number, row.subject) for row in rows]
    if including and including not in {row[0] for row in found}:
        chosen = db.session.execute(
            select(Appeal.id, Appeal.number, Appeal.subject).where(
                Appeal.id == including, Appeal.applicant_id == applicant.id
            )
        ).first()
        if chosen is not None:
            found.append((chosen.id, chosen.number, chosen.subject))
    return found


def own_appeal_by_number(applicant: User, typed: str) -> tuple[int, str, str] | None:
    """The applicant's own appeal with this registration number (as a person types it), or
    None: another's appeal is not found either."""
    row = db.session.execute(
        select(Appeal.id, Appeal.number, Appeal.subject).where(
            Appeal.number == normalize_number(typed), Appeal.applicant_id == applicant.id
        )
    ).first()
    return None if row is None else (row.id, row.number, row.subject)


def linked_later_appeals(appeal: Appeal, reader: User) -> list[Appeal]:
    """The later appeals linked to this one (its repeats and complaints) that the reader may
    see, oldest first."""
    later = db.session.execute(
        select(Appeal).where(Appeal.parent_id == appeal.id).order_by(Appeal.id)
    ).scalars()
    return [item for item in later if can_read(reader, item)]


def _earlier_appeal(applicant: User, repeats_id: int, reason: str | None) -> Appeal:
    """The applicant's own earlier appeal, or a refusal: never another's appeal."""
    earlier = db.session.get(Appeal, repeats_id)
    if earlier is None or earlier.applicant_id != applicant.id:
        raise IntakeRefused(_("Choose one of your own earlier appeals."))
    if reason not in REPEAT_REASONS:
        raise IntakeRefused(_("Choose why you come back with the same matter."))
    return earlier


def attach_files(
    appeal: Appeal, files: Sequence[CheckedFile], answer: Answer | None = None
) -> list[Attachment]:
    """Store checked files (content-addressed) as the appeal's attachments, or its answer's."""
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    attachments = [
        Attachment(
            appeal=appeal,
            answer=answer,
            filename=checked.filename,
            content_type=checked.content_type,
            size=len(checked.content),
            sha256=checked.sha256,
            storage_key=store_file(upload_dir, checked),
        )
        for checked in files
    ]
    db.session.add_all(attachments)
    return attachments


def _accepted(appeal: Appeal, files: list[CheckedFile], actor: User | None, **event) -> None:
    """Store the attachments and write the submitted event."""
    attach_files(appeal, files)
    data = {"files": len(files)} | event.pop("data", {})
    record_event(appeal, EventKind.SUBMITTED, actor, data=data, **event)


def submit_appeal(
    applicant: User, new: NewAppeal, *, now: datetime | None = None
) -> tuple[Appeal, str]:
    """Accept an appeal: number, attachments, routing and registration, with their events.
    A repeat is linked to the applicant's earlier appeal with the reason; it is routed as any.

    Returns the appeal and its access code (shown once; only its hash is kept).
    """
    earlier = None
    if new.repeats_id is not None:
        earlier = _earlier_appeal(applicant, new.repeats_id, new.repeat_reason)
    appeal, access_code = numbered_appeal(
        new.kind,
        applicant,
        now or now_utc(),
        category_id=new.category_id,
        region_id=new.region_id,
        subject=new.subject.strip(),
        text=new.text.strip(),
        language=chosen_language(new.language),
        parent_id=earlier.id if earlier else None,
        parent_reason=new.repeat_reason if earlier else None,
    )
    if earlier is None:
        _accepted(appeal, new.files, applicant)
    else:
        _accepted(
            appeal,
            new.files,
            applicant,
            data={
                "code": REPEAT_OF,
                "parent_id": earlier.id,
                "parent_number": earlier.number,
                "reason": new.repeat_reason,
            },
        )
    route_new_appeal(appeal, appeal.registered_on)
    db.session.flush()
    notify_registered(appeal, access_code)
    return appeal, access_code


def is_urgent_report(category_id: int) -> bool:
    """A report of a crime or of a threat to state or public security (the category or one
    above it is in the seed's URGENT_REPORT_CATEGORIES): an anonymous one is still considered."""
    codes = db.session.execute(
        select(Category.code).where(Category.id.in_(ancestor_chain(Category, category_id)))
    ).scalars()
    return not URGENT_REPORT_CATEGORIES.isdisjoint(codes)


def submit_anonymous_appeal(
    new: NewAppeal, contact_email: str | None, *, now: datetime | None = None
) -> tuple[Appeal, str]:
    """Accept an anonymous appeal: numbered like any (acceptance is mandatory). By kind (APPK
    art. 88(1)(2)): a report, proposal, feedback or request is left without consideration on
    the "anonymous" ground, with a notice when an e-mail was given, unless it reports a crime
    or a threat to security, which is routed and registered at once; a statement or a
    complaint is registered too: its missing requisites are defects the body asks to be fixed
    (art. 64(6), work.defects).

    Returns the appeal and its access code (shown once; only its hash is kept).
    """
    now = now or now_utc()
    contact_email = (contact_email or "").strip() or None
    appeal, access_code = numbered_appeal(
        new.kind,
        None,
        now,
        category_id=new.category_id,
        region_id=new.region_id,
        subject=new.subject.strip(),
        text=new.text.strip(),
        language=chosen_language(new.language),
        is_anonymous=True,
        contact_email=contact_email,
    )
    _accepted(appeal, new.files, None, data={"anonymous": True})
    if new.kind not in SIMPLIFIED_KINDS or is_urgent_report(new.category_id):
        route_new_appeal(appeal, appeal.registered_on)
        db.session.flush()
        notify_registered(appeal, access_code)
        return appeal, access_code
    appeal.closed_at = now
    change_status(
        appeal,
        AppealStatus.LEFT_WITHOUT_CONSIDERATION,
        EventKind.LEFT_WITHOUT_CONSIDERATION,
        None,
        data={"code": LEFT_ON_GROUND, "ground": "anonymous"},
    )
    db.session.flush()
    notify_applicant(
        appeal,
        "anonymous_appeal_left",
        {"number": appeal.number, "ground": "anonymous", "access_code": access_code},
        dedup_key=f"anonymous_left:{appeal.id}",
    )
    return appeal, access_code


def notify_registered(appeal: Appeal, access_code: str) -> None:
    """The receipt by e-mail: number, body, due date and the access code (shown once); for a
    complaint, the complaint's receipt naming the appeal it is about."""
    complaint = appeal.kind == AppealKind.COMPLAINT
    notify_applicant(
        appeal,
        "complaint_received" if complaint else "appeal_registered",
        {
            "number": appeal.number,
            "subject": appeal.subject,
            "access_code": access_code,
            "body_id": appeal.current_body_id,
            "due_on": appeal.due_on.isoformat() if appeal.due_on else None,
            "manual": appeal.status == AppealStatus.MANUAL_ROUTING,
            "parent_number": appeal.parent.number if complaint and appeal.parent else None,
        },
        dedup_key=f"registered:{appeal.id}",
    )


def route_new_appeal(appeal: Appeal, registered_on: date) -> None:
    """Register the appeal at the competent body, or put it in the manual routing queue.
    The rules, policy and calendar are read without flushing: the new appeal is then written
    once, whole, rather than inserted and updated for its body, its policy and its term."""
    with db.session.no_autoflush:
        _route_new_appeal(appeal, registered_on)


def _route_new_appeal(appeal: Appeal, registered_on: date) -> None:
    decision = resolve_body(appeal.category_id, appeal.region_id)
    if decision is None:
        appeal.current_body_id = reception_body_id(appeal.region_id)
        change_status(
            appeal,
            AppealStatus.MANUAL_ROUTING,
            EventKind.ROUTED,
            None,
            to_body_id=appeal.current_body_id,
            data={"code": NO_ROUTING_RULE},
        )
        return
    appeal.routing_rule_id = decision.rule_id
    register_at_body(appeal, decision.body_id, registered_on, data={"rule_id": decision.rule_id})


def register_at_body(
    appeal: Appeal,
    body_id: int,
    received_on: date,
    *,
    actor: User | None = None,
    note: str | None = None,
    from_body_id: int | None = None,
    data: dict | None = None,
) -> None:
    """Register the appeal at the competent body: the term counts from its receipt there,
    under the policy in force at registration; the deadline jobs are scheduled."""
    appeal.current_body_id = body_id
    appeal.first_body_id = appeal.first_body_id or body_id
    due = start_term(appeal, received_on)
    change_status(
        appeal,
        AppealStatus.REGISTERED,
        EventKind.ROUTED,
        actor,
        note=note,
        from_body_id=from_body_id,
        to_body_id=body_id,
        data={**(data or {}), "due_on": due.isoformat()},
    )
    db.session.flush()  # the jobs need the appeal's id
    schedule_deadline_jobs(appeal)
