"""The national prosecutor's office's daily digest of overdue appeals.

Regional offices are told of each overdue appeal in their scope (deadlines.jobs); the national
office, whose scope is the whole country, would drown in those, so it reads one digest a day:
the appeals flagged overdue since the previous digest, by region and body, each with a link.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from appeals.accounts.links import site_link
from appeals.accounts.scope import national_prosecutors
from appeals.deadlines.schedule import site_zone
from appeals.extensions import db
from appeals.intake.models import Appeal, Event, EventKind
from appeals.notifications.models import Notification
from appeals.notifications.service import queue_notice
from appeals.reference.models import Body, Region
from appeals.timeutil import local_today

DIGEST = "overdue_digest"
APPEALS_LISTED_PER_BODY = 50  # past this the body's line says how many more there are
_Place = tuple[int | None, str]  # a region or body: (its id, its English name)


def last_digest_until() -> datetime | None:
    """Where the previous digest stopped (its payload keeps the moment), if one was written."""
    payload = db.session.execute(
        select(Notification.payload)
        .where(Notification.template == DIGEST)
        .order_by(Notification.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return datetime.fromisoformat(payload["until"]) if payload else None


def overdue_since(since: datetime, until: datetime) -> list[dict[str, Any]]:
    """The appeals flagged overdue in [since, until), grouped by region and then body, each
    appeal with the link to its page on the prosecutor's desk. Regions and bodies carry their
    ids (the digest names them in its reader's language) and their English names."""
    body = aliased(Body)
    rows = db.session.execute(
        select(Appeal.id, Appeal.number, Region.id, Region.name_en, body.id, body.name_en)
        .join(Event, Event.appeal_id == Appeal.id)
        .join(Region, Region.id == Appeal.region_id)
        .outerjoin(body, body.id == Appeal.current_body_id)
        .where(
            Event.kind == EventKind.OVERDUE,
            Event.created_at >= since,
            Event.created_at < until,
        )
        .order_by(Region.name_en, body.name_en, Appeal.number)
    ).all()
    grouped: dict[_Place, dict[_Place, list[dict[str, Any]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    seen: set[int] = set()
    for appeal_id, number, region_id, region, body_id, body_name in rows:
        if appeal_id in seen:  # flagged, cleared and flagged again: listed once
            continue
        seen.add(appeal_id)
        link = site_link("prosecutor.appeal_page", appeal_id=appeal_id)
        grouped[(region_id, region)][(body_id, body_name or "-")].append(
            {"number": number, "url": link}
        )
    return [
        {
            "region_id": region_id,
            "region": region,
            "count": sum(len(appeals) for appeals in bodies.values()),
            "bodies": [
                {
                    "body_id": body_id,
                    "body": body_name,
                    "count": len(appeals),
                    "appeals": appeals[:APPEALS_LISTED_PER_BODY],
                }
                for (body_id, body_name), appeals in bodies.items()
            ],
        }
        for (region_id, region), bodies in grouped.items()
    ]


def queue_overdue_digest(now: datetime) -> int:
    """Write today's digest for each national prosecutor (at most once a day each, and none
    when no appeal went overdue). Returns how many notices were written."""
    today = local_today(now)
    since = last_digest_until() or datetime.combine(today, time.min, tzinfo=site_zone())
    regions = overdue_since(since, now)
    if not regions:
        return 0
    payload = {
        "day": f"{today:%d.%m.%Y}",
        "since": since.isoformat(),
        "until": now.isoformat(),
        "total": sum(region["count"] for region in regions),
        "regions": regions,
    }
    written = 0
    for user in national_prosecutors():
        notice = queue_notice(
            DIGEST,
            user.email,
            payload,
            user_id=user.id,
            dedup_key=f"{DIGEST}-{user.id}-{today:%Y%m%d}",
        )
        written += notice is not None
    return written
