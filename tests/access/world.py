"""One world for the access matrix: two bodies in two regions, their people, appeals open and
answered with files on the appeal and on the answer, audits with an act, a manual-routing
appeal, notices and API tokens. Built once per module through the real services; the matrix
names its objects by the keys of `World.ids`."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select, update

from appeals.accounts.models import Role, User
from appeals.accounts.service import create_user
from appeals.api.models import ApiToken
from appeals.api.tokens import issue_token
from appeals.audit.service import record_audit
from appeals.deadlines.models import DeadlinePolicy, Holiday
from appeals.extensions import db
from appeals.intake.attachments import CheckedFile
from appeals.intake.models import Appeal, AppealKind, AppealStatus, Attachment, Decision
from appeals.intake.service import NewAppeal, submit_appeal
from appeals.notifications.models import Notification
from appeals.reference.models import Body, Category, Region, RoutingRule, ancestor_chain
from appeals.work.service import answer_appeal, assign_executor
from tests.conftest import PASSWORD
from tests.factories import ASTANA, category_id, region_id
from tests.samples import minimal_pdf, minimal_png

ALMATY = "750000000"
YESIL = "711210000"  # a district of Astana: its reception is prosecutor-71

# Every standing a cell is tried from, in the table's column order. "anonymous" has no
# session (on the pages) and no token (on the API).
STANDINGS = (
    "anonymous",
    "applicant",  # the citizen whose appeals are at body A (A_OPEN, A_ANSWERED, A_NEW)
    "other_citizen",  # a citizen with appeals of her own (B_OPEN, B_ANSWERED)
    "executor",  # official of body A (health-71), the executor of A_OPEN and A_ANSWERED
    "official",  # another official of body A, assigned to none (A_NEW is nobody's yet)
    "other_official",  # official of body B (health-75, Almaty), executor of B's appeals
    "head",  # head of body A
    "prosecutor",  # prosecutor of Astana (region A): A in scope, B out of it
    "prosecutor_out",  # prosecutor of Almaty (region B): A out of scope
    "national",  # the General Prosecutor's Office: the whole country
    "admin",
)


# The world's appeals, by the names the matrix uses.
APPEALS = ("a_open", "a_answered", "a_new", "b_open", "b_answered", "manual")


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)  # standing -> user
    tokens: dict[str, str] = field(default_factory=dict)  # standing -> read+write token
    read_tokens: dict[str, str] = field(default_factory=dict)  # standing -> read-only token
    token_prefixes: dict[str, list[str]] = field(default_factory=dict)  # as the token page shows
    ids: dict[str, int | str] = field(default_factory=dict)  # names the matrix's paths use


def _user(role: Role, body_code: str | None, email: str, name: str) -> User:
    body_id = None
    if body_code:
        body_id = db.session.execute(select(Body.id).where(Body.code == body_code)).scalar_one()
    return create_user(email, PASSWORD, name, role, body_id=body_id)


def _file(name: str, content: bytes, content_type: str) -> CheckedFile:
    return CheckedFile(filename=name, content_type=content_type, content=content)


def _submit(applicant: User, region: str, subject: str, files=()) -> Appeal:
    appeal, _code = submit_appeal(
        applicant,
        NewAppeal(
            kind=AppealKind.STATEMENT,
            category_id=category_id("healthcare"),
            region_id=region_id(region),
            subject=subject,
            text="I have been waiting for an appointment for two months. Please help.",
            files=list(files),
        ),
    )
    return appeal


def _manual_routing_appeal(applicant: User) -> Appeal:
    """An appeal no rule covers: it waits at prosecutor-71's reception (rules switched off for
    its submission only)."""
    categories = ancestor_chain(Category, category_id("healthcare"))
    regions = ancestor_chain(Region, region_id(YESIL))
    rule_ids = list(
        db.session.execute(
            select(RoutingRule.id).where(
                RoutingRule.is_active,
                RoutingRule.category_id.in_(categories),
                RoutingRule.region_id.in_(regions) | RoutingRule.region_id.is_(None),
            )
        ).scalars()
    )
    db.session.execute(
        update(RoutingRule).where(RoutingRule.id.in_(rule_ids)).values(is_active=False)
    )
    try:
        appeal = _submit(applicant, YESIL, "Nobody knows whose this is")
    finally:
        db.session.execute(
            update(RoutingRule).where(RoutingRule.id.in_(rule_ids)).values(is_active=True)
        )
    assert appeal.status == AppealStatus.MANUAL_ROUTING
    return appeal


def build_world() -> World:
    """The world, committed. Call inside an app context."""
    world = World()
    people = {
        "applicant": (Role.CITIZEN, None),
        "other_citizen": (Role.CITIZEN, None),
        "executor": (Role.OFFICIAL, "health-71"),
        "official": (Role.OFFICIAL, "health-71"),
        "other_official": (Role.OFFICIAL, "health-75"),
        "head": (Role.HEAD, "health-71"),
        "prosecutor": (Role.PROSECUTOR, "prosecutor-71"),
        "prosecutor_out": (Role.PROSECUTOR, "prosecutor-75"),
        "national": (Role.PROSECUTOR, "prosecutor-00"),
        "admin": (Role.ADMIN, None),
    }
    for standing, (role, body_code) in people.items():
        name = f"{standing.title()} Matrixov"  # a surname no page prints by itself
        world.users[standing] = _user(role, body_code, f"{standing}@matrix.kz", name)
    head_b = _user(Role.HEAD, "health-75", "head-b@matrix.kz", "Head Of Body B")
    db.session.flush()
    users = world.users

    png = _file("photo.png", minimal_png(), "image/png")
    pdf = _file("answer.pdf", minimal_pdf(), "application/pdf")

    def appeal_at(applicant, region, executor, head, *, answered: bool, letter: str) -> Appeal:
        appeal = _submit(applicant, region, f"Appeal {letter}", files=[png])
        assign_executor(appeal, executor, head)
        if answered:
            answer_appeal(
                appeal, "Refused: the list is long.", Decision.REFUSED, executor, files=[pdf]
            )
        return appeal

    a_open = appeal_at(
        users["applicant"],
        ASTANA,
        users["executor"],
        users["head"],
        answered=False,
        letter="A open",
    )
    a_answered = appeal_at(
        users["applicant"],
        ASTANA,
        users["executor"],
        users["head"],
        answered=True,
        letter="A answered",
    )
    b_open = appeal_at(
        users["other_citizen"],
        ALMATY,
        users["other_official"],
        head_b,
        answered=False,
        letter="B open",
    )
    b_answered = appeal_at(
        users["other_citizen"],
        ALMATY,
        users["other_official"],
        head_b,
        answered=True,
        letter="B answered",
    )
    a_new = _submit(users["applicant"], ASTANA, "Appeal A new", files=[png])  # nobody assigned
    manual = _manual_routing_appeal(users["applicant"])
    db.session.flush()
    audit_a = record_audit(
        a_answered, False, ["formal_reply"], "Formal.", "representation", users["prosecutor"]
    )
    audit_b = record_audit(
        b_answered, False, ["formal_reply"], "Formal.", "representation", users["prosecutor_out"]
    )
    db.session.flush()

    def files_of(appeal: Appeal, answer: bool) -> int:
        query = select(Attachment.id).where(Attachment.appeal_id == appeal.id)
        query = query.where(
            Attachment.answer_id.is_not(None) if answer else Attachment.answer_id.is_(None)
        )
        return db.session.execute(query.order_by(Attachment.id).limit(1)).scalar_one()

    body = {
        code: db.session.execute(select(Body.id).where(Body.code == code)).scalar_one()
        for code in ("health-71", "health-75")
    }
    notice = db.session.execute(
        select(Notification.id).where(Notification.appeal_id == a_open.id).limit(1)
    ).scalar_one()
    for standing, user in users.items():
        world.tokens[standing] = issue_token(user, "matrix", ("read", "write"), 30)[1]
        world.read_tokens[standing] = issue_token(user, "matrix read", ("read",), 30)[1]
        world.token_prefixes[standing] = list(
            db.session.execute(select(ApiToken.prefix).where(ApiToken.user_id == user.id)).scalars()
        )
    applicant_token_row = db.session.execute(
        select(ApiToken.id)
        .where(ApiToken.user_id == users["applicant"].id)
        .order_by(ApiToken.id)
        .limit(1)
    ).scalar_one()
    world.ids.update(
        a_open=a_open.id,
        a_answered=a_answered.id,
        a_new=a_new.id,
        file_new=files_of(a_new, answer=False),
        b_open=b_open.id,
        b_answered=b_answered.id,
        manual=manual.id,
        file_a=files_of(a_open, answer=False),
        answer_file_a=files_of(a_answered, answer=True),
        file_b=files_of(b_open, answer=False),
        answer_file_b=files_of(b_answered, answer=True),
        audit_a=audit_a.id,
        audit_b=audit_b.id,
        body_a=body["health-71"],
        body_b=body["health-75"],
        notice=notice,
        token_of_applicant=applicant_token_row,
        applicant_id=users["applicant"].id,
        executor_id=users["executor"].id,
        official_id=users["official"].id,
        other_official_id=users["other_official"].id,
        region_a=region_id(ASTANA),
        category=category_id("healthcare"),
        rule=db.session.execute(
            select(RoutingRule.id).order_by(RoutingRule.id).limit(1)
        ).scalar_one(),
        policy=db.session.execute(
            select(DeadlinePolicy.id).order_by(DeadlinePolicy.id).limit(1)
        ).scalar_one(),
        holiday=db.session.execute(select(Holiday.day).order_by(Holiday.day.desc()).limit(1))
        .scalar_one()
        .isoformat(),
    )
    for key in APPEALS:
        version, number = db.session.execute(
            select(Appeal.version, Appeal.number).where(Appeal.id == world.ids[key])
        ).one()
        world.ids[f"version_{key}"] = version
        world.ids[f"number_{key}"] = number
    db.session.commit()
    return world
