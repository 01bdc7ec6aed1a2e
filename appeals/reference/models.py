"""Reference data: the region tree, state bodies, categories and routing rules."""

from __future__ import annotations

import functools

from flask_babel import get_locale
from sqlalchemy import (
    CTE,
    DDL,
    Column,
    ForeignKey,
    Index,
    Integer,
    Select,
    String,
    Table,
    UniqueConstraint,
    bindparam,
    event,
    func,
    literal,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import BindParameter

from appeals.extensions import db
from appeals.integrity import count_changes


class Localized:
    """Names kept in Kazakh, Russian and English; `name` picks the one for the current locale
    (a row without its Kazakh name, added by an admin, shows its Russian one to Kazakh readers:
    the other language of the country's offices)."""

    name_kk: Mapped[str | None]
    name_ru: Mapped[str]
    name_en: Mapped[str]

    @property
    def name(self) -> str:
        return next((n for n in (getattr(self, c) for c in name_columns()) if n), "")


def name_columns() -> tuple[str, ...]:
    """The name columns for the current locale, the first filled one read (Localized's rule:
    a Kazakh reader sees the Russian name of a row without its Kazakh one)."""
    try:
        lang = str(get_locale() or "en")
    except RuntimeError:  # outside a request: jobs and the CLI
        lang = "en"
    if lang.startswith("kk"):
        return ("name_kk", "name_ru")
    return ("name_ru",) if lang.startswith("ru") else ("name_en",)


def localized_name(model: type[Localized]):
    """The SQL expression of a row's name for the current locale (Localized.name's rule), so
    that a list of thousands of rows is read as plain columns rather than as objects."""
    columns = [getattr(model, column) for column in name_columns()]
    return func.coalesce(*columns) if len(columns) > 1 else columns[0]


def name_choices(model: type[Localized], *where) -> list[tuple[int, str]]:
    """(id, name) of the rows of `model` matching `where`, by name in the reader's language
    (a select of thousands of bodies as objects costs a page 100 ms and more)."""
    rows = db.session.execute(select(model.id, localized_name(model)).where(*where)).all()
    return sorted(((row[0], row[1]) for row in rows), key=lambda c: c[1])


class Region(Localized, db.Model):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)  # KATO code
    name_kk: Mapped[str | None] = mapped_column(String(200))
    name_ru: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))  # country | region | city | district
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)

    parent: Mapped[Region | None] = relationship(remote_side=[id])


class Body(Localized, db.Model):
    __tablename__ = "bodies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name_kk: Mapped[str | None] = mapped_column(String(300))
    name_ru: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(30), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)

    region: Mapped[Region | None] = relationship()
    parent: Mapped[Body | None] = relationship(remote_side=[id])


class Category(Localized, db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name_kk: Mapped[str | None] = mapped_column(String(200))
    name_ru: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)

    parent: Mapped[Category | None] = relationship(remote_side=[id])


# How many times the regions, the bodies and the categories have changed, counted by
# triggers: the choices made from them are kept in each process until the count moves
# (reference/choices.py).
reference_changes = Table(
    "reference_changes",
    db.metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
)
event.listen(
    reference_changes,
    "after_create",
    DDL("INSERT INTO reference_changes (id, version) VALUES (1, 0)"),
)
for _counted in (Region, Body, Category):
    count_changes(_counted.__table__, reference_changes)


class RoutingRule(db.Model):
    """Appeals of `category` from `region` (or anywhere, when region is null) go to `body`."""

    __tablename__ = "routing_rules"
    __table_args__ = (
        UniqueConstraint("category_id", "region_id", "body_id"),
        # NULLs are distinct in a unique constraint: national rules need their own index.
        Index(
            "uq_routing_rules_national",
            "category_id",
            "body_id",
            unique=True,
            sqlite_where=text("region_id IS NULL"),
            postgresql_where=text("region_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"))
    priority: Mapped[int] = mapped_column(default=100)  # lower wins between equally specific rules
    is_active: Mapped[bool] = mapped_column(default=True)

    category: Mapped[Category] = relationship()
    region: Mapped[Region | None] = relationship()
    body: Mapped[Body] = relationship()


# Deeper than any tree of regions, categories or bodies: it bounds the walk up a cycle.
LONGEST_CHAIN = 32

# The models whose rows form a tree through parent_id.
Tree = type[Region] | type[Category] | type[Body]


def chain_up(model: Tree, start_id: BindParameter, name: str = "up") -> CTE:
    """The recursive CTE of a tree's chain from `start_id` up: (id, parent_id, depth), the
    start at depth 0. A cycle typed in by mistake repeats its rows, deeper each time, until
    LONGEST_CHAIN."""
    up = (
        select(model.id, model.parent_id, literal(0).label("depth"))
        .where(model.id == start_id)
        .cte(name, recursive=True)
    )
    return up.union_all(
        select(model.id, model.parent_id, up.c.depth + 1).where(
            model.id == up.c.parent_id, up.c.depth < LONGEST_CHAIN
        )
    )


@functools.cache
def _walk_up(model: Tree) -> Select:
    """The recursive query of a tree's chain from :start_id up, built once per tree: building
    a CTE costs SQLAlchemy a millisecond, running it microseconds."""
    up = chain_up(model, bindparam("start_id"))
    return select(up.c.id).order_by(up.c.depth)


def ancestor_chain(model: Tree, start_id: int) -> list[int]:
    """Ids from `start_id` up to the root of its tree, in one recursive query; a cycle typed in
    by mistake ends the chain where it closes."""
    walk = db.session.execute(_walk_up(model), {"start_id": start_id}).scalars()
    chain: list[int] = []
    for node in walk:
        if node in chain:
            break
        chain.append(node)
    return chain or [start_id]  # an id not stored (or no longer) is its own chain


@functools.cache
def _walk_down() -> Select:
    """The recursive query of a body and every body below :body_id, built once (as _walk_up)."""
    tree = select(Body.id).where(Body.id == bindparam("body_id")).cte("body_tree", recursive=True)
    # UNION (not UNION ALL): a cycle typed in by mistake ends the recursion instead of looping.
    tree = tree.union(select(Body.id).where(Body.parent_id == tree.c.id))
    return select(tree.c.id)


def body_subtree_ids(body_id: int | None) -> list[int]:
    """A body and every body below it (Body.parent_id tree), in one recursive query."""
    if body_id is None:
        return []
    return list(db.session.execute(_walk_down(), {"body_id": body_id}).scalars())
