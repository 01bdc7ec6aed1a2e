"""A citizen's own data: everything the system holds about them as a ZIP (a JSON file and
their attachments), and closing the account (personal data erased, appeals kept as the record
the law requires, the applicant shown as a closed account). Functions flush, the caller
commits."""

from __future__ import annotations

import io
import json
import secrets
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select, update

from appeals.accounts.models import User
from appeals.accounts.service import WrongPassword, end_sessions, hash_password, password_matches
from appeals.extensions import db
from appeals.intake.attachments import stored_path
from appeals.intake.event_text import event_text
from appeals.intake.models import Appeal
from appeals.notifications.models import Notification

CLOSED_NAME = "closed account"  # stored, as the record's other words are (English)
CLOSED_DOMAIN = "closed.invalid"  # a reserved domain: no mail can go there


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _appeals_of(user: User) -> list[Appeal]:
    return list(
        db.session.execute(
            select(Appeal).where(Appeal.applicant_id == user.id).order_by(Appeal.id)
        ).scalars()
    )


def personal_data(user: User) -> dict[str, Any]:
    """Everything held about the user, as plain data."""
    appeals = _appeals_of(user)
    notices = db.session.execute(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    ).scalars()
    return {
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "iin": user.iin,
            "phone": user.phone,
            "phone_verified_at": _plain(user.phone_verified_at),
            "notice_channels": user.notice_channels,
            "notices_off": user.notices_off,
            "role": str(user.role),
            "created_at": _plain(user.created_at),
            "email_verified_at": _plain(user.email_verified_at),
        },
        "appeals": [
            {
                "number": appeal.number,
                "kind": str(appeal.kind),
                "category": appeal.category.code,
                "region": appeal.region.code,
                "subject": appeal.subject,
                "text": appeal.text,
                "status": str(appeal.status),
                "submitted_at": _plain(appeal.submitted_at),
                "registered_on": _plain(appeal.registered_on),
                "due_on": _plain(appeal.due_on),
                "body": appeal.current_body.code if appeal.current_body else None,
                "satisfaction": appeal.satisfaction,
                "satisfaction_comment": appeal.satisfaction_comment,
                "answers": [
                    {
                        "text": answer.text,
                        "decision": str(answer.decision),
                        "at": _plain(answer.created_at),
                    }
                    for answer in appeal.answers
                ],
                "events": [
                    {
                        "kind": str(event.kind),
                        "at": _plain(event.created_at),
                        "status_after": event.status_after,
                        "note": event.note,
                        "text": event_text(event),
                    }
                    for event in appeal.events
                ],
                "attachments": [
                    {
                        "file": _attachment_name(appeal, a),
                        "filename": a.filename,
                        "content_type": a.content_type,
                        "size": a.size,
                        "sha256": a.sha256,
                    }
                    for a in appeal.attachments
                ],
            }
            for appeal in appeals
        ],
        "notices": [
            {
                "template": n.template,
                "address": n.address,
                "status": str(n.status),
                "created_at": _plain(n.created_at),
                "sent_at": _plain(n.sent_at),
            }
            for n in notices
        ],
    }


def _attachment_name(appeal: Appeal, attachment) -> str:
    safe = Path(attachment.filename).name.replace("/", "_") or "file"
    return f"attachments/{appeal.number}/{attachment.id}-{safe}"


def export_zip(user: User) -> bytes:
    """The ZIP: data.json and every attachment of the user's appeals."""
    data = personal_data(user)
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        for appeal in _appeals_of(user):
            for attachment in appeal.attachments:
                path = stored_path(upload_dir, attachment.storage_key)
                if path.exists():
                    archive.write(path, _attachment_name(appeal, attachment))
    return buffer.getvalue()


def close_account(user: User, current_password: str) -> None:
    """Erase the personal data after the current password (WrongPassword): e-mail, name, IIN,
    phone, password and the addresses of their notices. The appeals, their texts, answers
    and attachments stay (the record of the state's work the law requires); the applicant
    reads as a closed account. Every session ends; nobody can sign in to it again."""
    if not password_matches(user, current_password):
        raise WrongPassword()
    user.email = f"closed-{user.id}@{CLOSED_DOMAIN}"
    user.full_name = CLOSED_NAME
    user.iin = None
    user.phone = user.phone_verified_at = user.phone_code_hash = None
    user.password_hash = hash_password(secrets.token_urlsafe(32))
    user.email_verified_at = None
    user.is_active = False
    end_sessions(user)
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id)
        .values(address="", payload={})
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
