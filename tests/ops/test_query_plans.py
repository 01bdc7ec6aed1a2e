"""The hot queries use indexes: every statement that the inbox (with its filters), the
citizen's list, the status check, the deadline sweep, the desk's list of a body's appeals and
the score cells' refresh of the changed bodies send is EXPLAINed, and a full scan of appeals or
events fails the test. On SQLite by the plan's words; on PostgreSQL with sequential scans
priced out (enable_seqscan off), so that a small test table does not hide a missing index."""

from __future__ import annotations

import json
import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select, text

from appeals.accounts.models import Role
from appeals.deadlines.jobs import sweep_deadlines
from appeals.extensions import db
from appeals.intake.models import Appeal, Decision
from appeals.reference.models import Body, Category
from appeals.scores.cells import build_cells
from appeals.work.service import answer_appeal, assign_executor
from tests.factories import submit

# The tables that grow with every appeal: a full scan of one is a page that slows by the year.
WATCHED = ("appeals", "events", "attachments")
NEVER_TRUE = re.compile(r"WHERE (0 = 1|false)\b", re.IGNORECASE)
TOUCHES = re.compile(rf"\b(FROM|JOIN|UPDATE|INTO)\s+({'|'.join(WATCHED)})\b", re.IGNORECASE)


@contextmanager
def captured():
    """The statements sent meanwhile that read or write appeals or events."""
    statements: list[tuple[str, object]] = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        if not executemany and TOUCHES.search(statement) and not statement.startswith("EXPLAIN"):
            statements.append((statement, parameters))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", listen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listen)


def sqlite_plan(statement: str, parameters) -> list[str]:
    """The lines of SQLite's plan of the statement."""
    cursor = db.session.connection().connection.driver_connection.cursor()
    rows = cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
    cursor.close()
    return [row[-1] for row in rows]


def postgres_plan(statement: str, parameters, *priced_out: str) -> list[dict]:
    """Every node of PostgreSQL's plan of the statement, with the kinds of scan named
    (enable_seqscan, ...) priced out, so that a small test table does not hide an index."""
    raw = db.session.connection().connection.driver_connection
    with raw.cursor() as cursor:
        for setting in priced_out:
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + statement, parameters)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    nodes, stack = [], [plan[0]["Plan"]]
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack.extend(node.get("Plans", []))
    return nodes


def full_scans(statement: str, parameters, whole_index: bool = False) -> list[str]:
    """The full scans of a watched table in the statement's plan. On PostgreSQL, with the
    sequential scan priced out, a full scan may come as a walk of a whole index (an index
    scan with no condition on the index): counted too with `whole_index`. Not always: the
    planner may rightly walk the primary key in order for a LIMIT when the statistics an
    earlier test left make the rows it looks for seem many."""
    if db.session.connection().dialect.name == "sqlite":
        return [
            detail
            for detail in sqlite_plan(statement, parameters)
            if (match := re.match(r"SCAN (\w+)", detail)) and match.group(1) in WATCHED
        ]
    return [
        f"{node['Node Type']} on {node['Relation Name']} {node.get('Index Name') or ''}".strip()
        for node in postgres_plan(statement, parameters, "enable_seqscan")
        if node.get("Relation Name") in WATCHED
        and (
            node["Node Type"] == "Seq Scan"
            or (whole_index and node["Node Type"].startswith("Index") and "Index Cond" not in node)
        )
    ]


def assert_no_full_scan(statements, whole_index: bool = False) -> None:
    assert statements, "nothing was captured"
    problems = []
    for statement, parameters in statements:
        if NEVER_TRUE.search(statement):
            continue  # a filter that can match nothing (SQLAlchemy's false()): read no row
        scans = full_scans(statement, parameters, whole_index)
        if scans:
            problems.append(f"{scans}\n{statement}")
    db.session.rollback()
    assert not problems, "\n\n".join(problems)


@pytest.fixture
def world(make_user):
    citizen = make_user()
    official = make_user(Role.OFFICIAL, body_code="health-71")
    head = make_user(Role.HEAD, body_code="health-71")
    prosecutor = make_user(Role.PROSECUTOR, body_code="prosecutor-00")
    appeals = [submit(citizen)[0] for _ in range(3)]
    first, code = submit(citizen, subject="Status check")
    assign_executor(appeals[0], official, head)
    db.session.commit()
    category = db.session.execute(select(Category.id)).scalars().first()
    ids = {
        "citizen": citizen,
        "official": official,
        "head": head,
        "prosecutor": prosecutor,
        "number": first.number,
        "code": code,
        "body": first.current_body_id,
        "category": category,
    }
    db.session.commit()
    return ids


def test_the_inbox_with_its_filters_uses_indexes(client, login, world):
    for user in (world["official"], world["head"]):
        login(user)
        with captured() as statements:
            for query in (
                "",
                "?status=all",
                "?status=registered",
                "?overdue=y",
                "?due_this_week=y",
                "?executor=none&kind=statement",
                f"?category_id={world['category']}",
                "?q=Status",
            ):
                assert client.get(f"/work/{query}").status_code == 200
        assert_no_full_scan(statements)


KEYS_OF_A_PAGE = re.compile(r"^SELECT appeals\.id\s+FROM appeals\b.*\bORDER BY", re.DOTALL)


def reads_of(statement: str, parameters, table: str = "appeals") -> list[str]:
    """How the statement's plan reads a table (appeals unless told), one entry a scan."""
    if db.session.connection().dialect.name == "sqlite":
        return [d for d in sqlite_plan(statement, parameters) if re.search(rf"\b{table}\b", d)]
    nodes = postgres_plan(statement, parameters, "enable_seqscan", "enable_bitmapscan")
    return [
        f"{n['Node Type']} using {n.get('Index Name')}"
        for n in nodes
        if n.get("Relation Name") == table
    ]


def index_alone(reads: list[str]) -> bool:
    """Whether appeals is read from ix_appeals_body_inbox alone, no table row."""
    if db.session.connection().dialect.name == "sqlite":
        return any("COVERING INDEX ix_appeals_body_inbox" in read for read in reads)
    return reads == ["Index Only Scan using ix_appeals_body_inbox"]


def spread_over_every_body(copies: int, crowded: int | None = None) -> None:
    """PostgreSQL chooses among indexes by the table's statistics. Left alone, they describe
    whatever an earlier test left in the table (a body that held every appeal, then an empty
    table), and any index is as good as another. So the table is made a country's in small:
    copies of the test's appeals in every body, most of them closed, vacuumed and analyzed
    (the visibility map is what makes a scan of the index alone cheaper). A `crowded` body
    gets 100 times the copies, all of them running: a big body's inbox."""
    columns = [c.name for c in db.metadata.tables["appeals"].columns if c.name != "id"]
    last = db.session.scalar(text("SELECT max(id) FROM appeals"))  # the test's own appeals
    chosen = {
        "number": "a.number || '-' || b.id || '-' || g",
        "current_body_id": "b.id",
        "status": "CASE WHEN g % 5 = 0 THEN a.status ELSE 'closed' END",
    }
    db.session.execute(
        text(
            f"INSERT INTO appeals ({', '.join(columns)}) "
            f"SELECT {', '.join(chosen.get(c, 'a.' + c) for c in columns)} "
            "FROM appeals a CROSS JOIN bodies b CROSS JOIN generate_series(1, :copies) g"
        ),
        {"copies": copies},
    )
    if crowded is not None:
        chosen.update(number="a.number || '-c-' || g", current_body_id="b.id", status="a.status")
        db.session.execute(
            text(
                f"INSERT INTO appeals ({', '.join(columns)}) "
                f"SELECT {', '.join(chosen.get(c, 'a.' + c) for c in columns)} "
                "FROM appeals a CROSS JOIN bodies b CROSS JOIN generate_series(1, :copies) g "
                "WHERE a.id <= :last AND a.current_body_id = :crowded AND b.id = :crowded"
            ),
            {"copies": copies * 100, "crowded": crowded, "last": last},
        )
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE appeals"))


def test_the_inbox_pages_its_keys_from_one_index(client, login, world):
    """Many bodies, many appeals: the inbox sorts and counts the open ones of a body from the
    index alone and reads only the page's 25 rows from the table. (SQLite's planner takes the
    covering index by its equalities, whatever the table holds.)"""
    if db.session.connection().dialect.name == "postgresql":
        spread_over_every_body(copies=40)
    for user in (world["official"], world["head"]):
        login(user)
        with captured() as statements:
            assert client.get("/work/").status_code == 200
        keys = [(s, p) for s, p in statements if KEYS_OF_A_PAGE.match(s)]
        assert len(keys) == 1, [s for s, _p in statements]
        reads = reads_of(*keys[0])
        assert index_alone(reads), (reads, keys[0][0])
        db.session.rollback()


NEWEST_OF_A_BODY = re.compile(
    r"^SELECT appeals\.id\s+FROM appeals\b.*ORDER BY appeals\.submitted_at DESC", re.DOTALL
)


def sorts(statement: str, parameters) -> list[str]:
    """The sorts in the statement's plan: rows read first, then put in order."""
    if db.session.connection().dialect.name == "sqlite":
        return [d for d in sqlite_plan(statement, parameters) if "TEMP B-TREE" in d]
    nodes = postgres_plan(statement, parameters, "enable_seqscan", "enable_bitmapscan")
    return [n["Node Type"] for n in nodes if "Sort" in n["Node Type"]]


def test_an_appeals_look_alikes_are_read_newest_first_from_an_index(client, login, world):
    """The official's page of an appeal compares it with the body's newest running appeals.
    A big body has tens of thousands running: they are read from an index in submission
    order until enough are found, not all read and then sorted (on the generated data, a
    body of 16,789 running appeals: 30 ms a page before, 1.4 ms after). The index holds the
    status and the group too, so no table row is read to skip the answered and grouped
    ones (a big body's 300: 3.3-4.1 ms before, 0.24 after). PostgreSQL plans by the table's
    statistics, so there the body is made big; a small body's few are rightly read from the
    inbox's index and sorted. SQLite's planner goes by the query's shape."""
    if db.session.connection().dialect.name == "postgresql":
        spread_over_every_body(copies=40, crowded=world["body"])
    appeal_id = db.session.scalar(
        select(Appeal.id).where(Appeal.current_body_id == world["body"]).order_by(Appeal.id)
    )
    login(world["official"])
    with captured() as statements:
        assert client.get(f"/work/appeals/{appeal_id}").status_code == 200
    newest = [(s, p) for s, p in statements if NEWEST_OF_A_BODY.match(s)]
    assert len(newest) == 1, [s for s, _p in statements]
    reads = reads_of(*newest[0])
    # Newest first from an index on the submission time. PostgreSQL may rightly walk all
    # bodies' newest (ix_appeals_submitted) when the crowded body is much of the table.
    wanted = ["ix_appeals_body_submitted"]
    if db.session.connection().dialect.name == "postgresql":
        wanted.append("ix_appeals_submitted")
    assert any(name in read for read in reads for name in wanted), (reads, newest[0][0])
    assert not sorts(*newest[0]), newest[0][0]
    from_the_body_index = [read for read in reads if "ix_appeals_body_submitted" in read]
    covering = ("COVERING INDEX", "Index Only Scan")
    assert all(any(c in read for c in covering) for read in from_the_body_index), reads
    db.session.rollback()


def test_an_answered_appeals_pages_use_indexes(client, login, world):
    """The citizen's and the official's page of an answered appeal read the answer's files
    by the answer (they were a scan of every file anyone ever attached)."""
    appeal = db.session.scalars(
        select(Appeal).where(Appeal.executor_id == world["official"].id)
    ).one()
    answer_appeal(
        appeal, "The clinic will see you on Monday.", Decision.SATISFIED, world["official"]
    )
    db.session.commit()
    for user, page in ((world["citizen"], "/appeals/{}"), (world["official"], "/work/appeals/{}")):
        login(user)
        with captured() as statements:
            assert client.get(page.format(appeal.id)).status_code == 200
        assert any("FROM attachments" in s and "answer_id" in s for s, _p in statements)
        assert_no_full_scan(statements)


def test_the_citizens_list_uses_indexes(client, login, world):
    login(world["citizen"])
    with captured() as statements:
        assert client.get("/appeals/").status_code == 200
    assert_no_full_scan(statements)


def test_the_status_check_uses_indexes(client, world):
    with captured() as statements:
        response = client.post(
            "/status", data={"number": world["number"], "access_code": world["code"]}
        )
        assert response.status_code == 200
        assert world["number"] in response.get_data(as_text=True)
    assert_no_full_scan(statements)


def test_the_open311_listing_uses_indexes(client, world):
    """The public listing, newest first over the last 90 days, of all services or some, open,
    closed or both: read from indexes, each row's last step from its own events (it grouped
    every event of every appeal, and read every appeal: 1.6 to 2.9 s on a million)."""
    for query in ("", "?status=open", "?status=closed", "?service_code=healthcare"):
        with captured() as statements:
            response = client.get(f"/open311/v2/requests.json{query}")
            assert response.status_code == 200, query
            assert (query != "?status=closed") == bool(response.get_json()), query
        # Newest first, read in that order: not every open appeal read by status, then sorted
        # (SQLite's planner goes by the query's shape; PostgreSQL's by the statistics, and a
        # test's small table is rightly sorted).
        if db.session.connection().dialect.name == "sqlite":
            assert not [sorts(s, p) for s, p in statements if sorts(s, p)], query
        assert_no_full_scan(statements, whole_index=True)


def test_the_open_datas_statistics_read_the_months_asked_for(client, world):
    """The statistics count the appeals received in the months asked for: read by the date
    of receipt, not a scan of every appeal (11 to 17 s a request on a million)."""
    with captured() as statements:
        response = client.get("/api/v1/open-data/statistics")
        assert response.status_code == 200 and response.get_json()
    assert_no_full_scan(statements, whole_index=True)


def test_the_deadline_sweep_uses_indexes(world):
    db.session.commit()
    with captured() as statements:
        sweep_deadlines()
    assert_no_full_scan(statements)


def test_the_desks_list_of_a_bodys_appeals_uses_indexes(client, login, world):
    login(world["prosecutor"])
    with captured() as statements:
        for measure in ("appeals", "timely", "open_overdue", "very_overdue", "no_followup"):
            response = client.get(f"/prosecutor/bodies/{world['body']}/appeals?measure={measure}")
            assert response.status_code == 200, measure
    assert_no_full_scan(statements)


def audits_of_years(prosecutor_id: int, copies: int) -> None:
    """As spread_over_every_body, for audits: years of them in every body, their acts
    answered or never demanded but for one a body, vacuumed and analyzed. Else the planner
    goes by what an earlier test left; and where the unanswered are a good share of the
    table, reading all of it in order is rightly the cheaper."""
    db.session.execute(
        text(
            "INSERT INTO audits (appeal_id, body_id, prosecutor_id, lawful, violations, note, "
            "act, act_due_on, act_answered_at, reopens_case, act_extensions, created_at) "
            "SELECT a.id, b.id, :prosecutor, g % 5 <> 0, '[]', '', "
            "CASE WHEN g % 5 = 0 THEN 'representation' ELSE 'none' END, "
            "CASE WHEN g % 5 = 0 THEN DATE '2025-01-01' + g END, "
            "CASE WHEN g % 5 = 0 AND g <> 5 THEN now() END, false, 0, now() "
            "FROM (SELECT min(id) AS id FROM appeals) a CROSS JOIN bodies b "
            "CROSS JOIN generate_series(1, :copies) g"
        ),
        {"prosecutor": prosecutor_id, "copies": copies},
    )
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE audits"))


OVERDUE_ACTS = re.compile(r"\bFROM audits\b.*ORDER BY audits\.act_due_on", re.DOTALL)


def test_the_desks_overdue_acts_are_read_from_the_unanswered_ones(client, login, world):
    """The dashboard lists the oldest overdue acts of response, of the whole country or of a
    region: read from the index of the acts not yet answered, which holds only them, not from
    every audit the prosecutors ever made (a scan that grew with each year's audits)."""
    region = db.session.scalar(select(Body.region_id).where(Body.id == world["body"]))
    if db.session.connection().dialect.name == "postgresql":
        audits_of_years(world["prosecutor"].id, copies=200)
    login(world["prosecutor"])
    for query in ("", f"?region={region}"):
        with captured() as statements:
            assert client.get(f"/prosecutor/{query}").status_code == 200
        acts = [(s, p) for s, p in statements if OVERDUE_ACTS.search(s)]
        assert len(acts) == 1, (query, [s for s, _p in statements])
        reads = reads_of(*acts[0], table="audits")
        assert reads and all("ix_audits_unanswered_acts" in read for read in reads), (query, reads)
        db.session.rollback()


def test_a_build_of_the_changed_bodies_score_cells_uses_indexes(app, monkeypatch, world):
    """The refresh job every few minutes counts again only the bodies with new events
    (scores/cell_scope.py): finding them and counting them reads no whole table."""
    monkeypatch.setitem(app.config, "SCORE_CELLS_WHOLE_SECONDS", 3600)
    monkeypatch.setitem(app.config, "SCORE_CELLS_EVENT_MARGIN_SECONDS", 0)
    build_cells(whole=True)
    db.session.commit()
    submit(world["citizen"])
    with captured() as statements:
        build_cells()
    assert_no_full_scan(statements)
