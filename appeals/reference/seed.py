"""Loads the reference data into the database. Idempotent: rows are matched by their codes,
so running it again adds what is missing and leaves the admin's edits alone."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from sqlalchemy import select

from appeals.deadlines.calendar import kazakhstan_days
from appeals.deadlines.models import DeadlinePolicy, Holiday
from appeals.deadlines.policies import POLICIES
from appeals.extensions import db
from appeals.reference import seed_data
from appeals.reference.models import Body, Category, Region, RoutingRule
from appeals.reference.seed_kk import BODIES_KK, CATEGORIES_KK, REGIONS_KK


def _ids_by_code(model) -> dict[str, int]:
    return dict(db.session.execute(select(model.code, model.id)).all())


def _fill_kazakh_names(model, names_kk: dict[str, str]) -> None:
    """Rows seeded before the Kazakh names existed get theirs; a name an admin gave is kept."""
    for row in db.session.execute(select(model).where(model.name_kk.is_(None))).scalars():
        row.name_kk = names_kk.get(row.code)


def _seed_tree(
    model, rows, names_kk: dict[str, str], parent_field: str = "parent_code", **extra_maps
) -> int:
    """Insert the rows whose code is missing; parents come first in the seed lists."""
    _fill_kazakh_names(model, names_kk)
    ids = _ids_by_code(model)
    added = 0
    for row in rows:
        if row.code in ids:
            continue
        values = asdict(row) | {"name_kk": names_kk.get(row.code)}
        parent_code = values.pop(parent_field)
        values["parent_id"] = ids[parent_code] if parent_code else None
        for field_name, (code_field, lookup) in extra_maps.items():
            code = values.pop(code_field)
            values[field_name] = lookup[code] if code else None
        obj = model(**values)
        db.session.add(obj)
        db.session.flush()
        ids[row.code] = obj.id
        added += 1
    return added


def seed_holidays(years: list[int]) -> int:
    """The holidays package's calendar for these years; days already present are kept."""
    existing = set(db.session.execute(select(Holiday.day)).scalars())
    added = 0
    for row in kazakhstan_days(years):
        if row.day not in existing:
            db.session.add(Holiday(day=row.day, kind=row.kind, name=row.name, source="holidays"))
            existing.add(row.day)
            added += 1
    return added


def seed_policies() -> int:
    existing = set(
        db.session.execute(
            select(DeadlinePolicy.profile, DeadlinePolicy.kind, DeadlinePolicy.effective_from)
        ).all()
    )
    added = 0
    for seed in POLICIES:
        if (seed.profile, seed.kind, seed.effective_from) not in existing:
            db.session.add(DeadlinePolicy(**asdict(seed)))
            added += 1
    return added


def seed_reference(today: date | None = None) -> dict[str, int]:
    """Regions, categories, bodies, routing rules, policies and this and next year's holidays."""
    today = today or date.today()
    counts = {
        "regions": _seed_tree(Region, seed_data.REGIONS, REGIONS_KK),
        "categories": _seed_tree(Category, seed_data.CATEGORIES, CATEGORIES_KK),
    }
    region_ids = _ids_by_code(Region)
    counts["bodies"] = _seed_tree(
        Body, seed_data.BODIES, BODIES_KK, region_id=("region_code", region_ids)
    )
    category_ids, body_ids = _ids_by_code(Category), _ids_by_code(Body)
    existing_rules = set(
        db.session.execute(
            select(RoutingRule.category_id, RoutingRule.region_id, RoutingRule.body_id)
        ).all()
    )
    added = 0
    for rule in seed_data.routing_rules():
        key = (
            category_ids[rule.category_code],
            region_ids[rule.region_code] if rule.region_code else None,
            body_ids[rule.body_code],
        )
        if key not in existing_rules:
            db.session.add(
                RoutingRule(
                    category_id=key[0], region_id=key[1], body_id=key[2], priority=rule.priority
                )
            )
            existing_rules.add(key)
            added += 1
    counts["routing_rules"] = added
    counts["policies"] = seed_policies()
    counts["holidays"] = seed_holidays([today.year - 1, today.year, today.year + 1])
    db.session.flush()
    return counts
