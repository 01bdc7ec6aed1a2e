"""events: the system's sentences stored as codes with parameters (intake.event_text), read in
the reader's language; notifications.language, the language a notice is written in

The known English sentences the services wrote in Event.note are parsed into Event.data
("code" and its parameters); what a person typed after them stays in note; any other text is
left as it is. The English labels are copied here as they were written, so that this
migration does not change when the labels do.

Revision ID: a7e3c9d51f42
Revises: 4e7b1c9a2f60
Create Date: 2026-12-05 03:40:00

"""
import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7e3c9d51f42"
down_revision = "4e7b1c9a2f60"
branch_labels = None
depends_on = None

REPEAT_REASONS = {
    "disagrees": "I disagree with the decision",
    "late": "The answer was late, or there was no answer in time",
    "other_defect": "Another defect of the answer",
    "no_new_arguments": "No new arguments: I raise the same matter again",
}
COMPLAINT_REASONS = {
    "disagrees": "I disagree with the decision",
    "late": "The answer was late, or there was no answer in time",
    "other_defect": "Another defect: the answer is not reasoned or not on my matter",
}
LEAVE_GROUNDS = {
    "anonymous": "Anonymous appeal: the applicant's name or postal/e-mail address is not given",
    "no_matter": "The appeal does not state its matter",
    "repeated": "Repeated appeal with no new arguments on a matter already decided",
    "abusive": "The appeal contains obscene or insulting language, or threats",
    "court": "The matter has been decided by a court decision in force",
    "representative_withdrew": "Withdrawn by the applicant's representative",
}
DAY_KINDS = {
    "public_holiday": "public holiday",
    "day_off": "extra day off (by decree)",
    "working_day": "extra working day (by decree)",
}
NO_ROUTING_RULE = "No routing rule: queued for manual routing at the prosecutor's reception."
TO_SUPERIOR = "A complaint about a body's answer goes to its superior body."
CALENDAR = "Working calendar changed: "
SEE_ANSWER = re.compile(r"\. See the answer to (\S+) of (\d\d)\.(\d\d)\.(\d{4})$")
REPEAT = re.compile(r"^Repeat of (\S+): (.+)$")
YEAR_LOADED = re.compile(r"^(\d+) day\(s\) of (\d{4}) loaded from the holidays package\.$")
DAY = re.compile(r"^(\d\d)\.(\d\d)\.(\d{4}) ")

# The kinds of event whose notes the services composed.
KINDS = (
    "submitted",
    "routed",
    "left_without_consideration",
    "complained",
    "audited",
    "assigned",
    "due_date_changed",
)

events = sa.table(
    "events",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("note", sa.Text),
    sa.column("data", sa.JSON),
)


def _key(labels: dict, text: str) -> str | None:
    return next((key for key, label in labels.items() if label == text), None)


def _left(note: str, data: dict):
    for ground, label in LEAVE_GROUNDS.items():
        if note == label or note.startswith(label + "."):
            rest = note[len(label) :]
            found = {"code": "left_on_ground", "ground": data.get("ground") or ground}
            match = SEE_ANSWER.search(rest)
            if match:
                number, day, month, year = match.groups()
                found |= {"earlier_number": number, "earlier_answered_on": f"{year}-{month}-{day}"}
                rest = rest[: match.start()]
            typed = rest[2:] if rest.startswith(". ") else rest.lstrip(".")
            return found, typed.strip() or None
    return None


def _calendar(note: str):
    rest = note[len(CALENDAR) :]
    match = YEAR_LOADED.match(rest)
    if match:
        return {
            "code": "calendar_year_loaded",
            "days_added": int(match.group(1)),
            "year": int(match.group(2)),
        }
    day = DAY.match(rest)
    if not day:
        return None
    rest = rest[day.end() :]
    for kind, label in DAY_KINDS.items():
        if rest.startswith(f"added as {label} (") and rest.endswith(")."):
            name = rest[len(f"added as {label} (") : -2]
            return {"code": "calendar_day_added", "day_kind": kind, "day_name": name}
        if rest.startswith(f"({label}, ") and rest.endswith(") removed."):
            name = rest[len(f"({label}, ") : -len(") removed.")]
            return {"code": "calendar_day_removed", "day_kind": kind, "day_name": name}
    return None


def converted(kind: str, note: str, data: dict):
    """(the data's new keys, the note left) for a sentence the system wrote, or None."""
    if kind == "submitted" and (match := REPEAT.match(note)):
        reason = data.get("reason") or _key(REPEAT_REASONS, match.group(2))
        return {"code": "repeat_of", "parent_number": match.group(1), "reason": reason}, None
    if kind in ("submitted", "complained") and note in COMPLAINT_REASONS.values():
        return {"code": "complaint_reason", "reason": data.get("reason")
                or _key(COMPLAINT_REASONS, note)}, None
    if kind == "routed" and note == NO_ROUTING_RULE:
        return {"code": "no_routing_rule"}, None
    if kind == "routed" and note == TO_SUPERIOR:
        return {"code": "to_superior_body"}, None
    if kind == "left_without_consideration":
        return _left(note, data)
    if kind == "audited" and note.startswith("Audit: ") and "lawful" in data:
        return {"code": "audit_verdict"}, None
    if kind == "assigned" and note.startswith("Executor: "):
        return {"code": "executor", "executor_name": note[len("Executor: ") :]}, None
    if kind == "due_date_changed" and note.startswith(CALENDAR):
        found = _calendar(note)
        return (found, None) if found else None
    return None


def upgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=5), nullable=True))

    connection = op.get_bind()
    rows = connection.execute(
        sa.select(events.c.id, events.c.kind, events.c.note, events.c.data).where(
            events.c.note.is_not(None), events.c.kind.in_(KINDS)
        )
    ).all()
    changes = []
    for row in rows:
        data = dict(row.data or {})
        if "code" in data:
            continue
        result = converted(row.kind, row.note, data)
        if result is None:
            continue  # a person's own text, or a sentence not known: kept as it is
        found, note = result
        changes.append({"row_id": row.id, "new_note": note, "new_data": data | found})
    for start in range(0, len(changes), 1000):
        connection.execute(
            events.update()
            .where(events.c.id == sa.bindparam("row_id"))
            .values(note=sa.bindparam("new_note"), data=sa.bindparam("new_data")),
            changes[start : start + 1000],
        )


def _english(data: dict, note: str | None) -> str | None:
    """The sentence the services used to write for a code (the downgrade's way back)."""
    code = data.get("code")
    if code == "repeat_of":
        text = f"Repeat of {data.get('parent_number')}: {REPEAT_REASONS.get(data.get('reason'), '')}"
    elif code == "complaint_reason":
        text = COMPLAINT_REASONS.get(data.get("reason"), "")
    elif code == "no_routing_rule":
        text = NO_ROUTING_RULE
    elif code == "to_superior_body":
        text = TO_SUPERIOR
    elif code == "left_on_ground":
        text = LEAVE_GROUNDS.get(data.get("ground"), "") + (f". {note}" if note else "")
        if data.get("earlier_number"):
            year, month, day = (data.get("earlier_answered_on") or "--").split("-")
            text += f". See the answer to {data['earlier_number']} of {day}.{month}.{year}"
        return text
    elif code == "audit_verdict":
        text = "Audit: the answer is lawful." if data.get("lawful") else "Audit: violations found."
    elif code == "executor":
        text = f"Executor: {data.get('executor_name')}"
    elif code in ("calendar_day_added", "calendar_day_removed"):
        year, month, day = (data.get("day") or "--").split("-")
        label, name = DAY_KINDS.get(data.get("day_kind"), ""), data.get("day_name")
        if code == "calendar_day_added":
            text = f"{CALENDAR}{day}.{month}.{year} added as {label} ({name})."
        else:
            text = f"{CALENDAR}{day}.{month}.{year} ({label}, {name}) removed."
    elif code == "calendar_year_loaded":
        text = f"{CALENDAR}{data.get('days_added')} day(s) of {data.get('year')} loaded from the holidays package."
    else:
        return note
    return text + (f". {note}" if note else "")


def downgrade():
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(events.c.id, events.c.note, events.c.data).where(events.c.kind.in_(KINDS))
    ).all()
    changes = []
    for row in rows:
        data = dict(row.data or {})
        if "code" not in data:
            continue
        note = _english(data, row.note)
        del data["code"]
        changes.append({"row_id": row.id, "new_note": note, "new_data": data})
    for start in range(0, len(changes), 1000):
        connection.execute(
            events.update()
            .where(events.c.id == sa.bindparam("row_id"))
            .values(note=sa.bindparam("new_note"), data=sa.bindparam("new_data")),
            changes[start : start + 1000],
        )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("language")
