"""The policy's figures are described once, by rules.Terms: the model keeps a column for each,
and the seed rows, the admin's figures and terms_of are derived from it (no database)."""

from __future__ import annotations

from dataclasses import asdict, fields

from appeals.deadlines.models import DeadlinePolicy
from appeals.deadlines.policies import POLICIES, PolicySeed
from appeals.deadlines.policy_versions import PolicyFigures
from appeals.deadlines.rules import Terms
from appeals.deadlines.service import terms_of

TERMS = [field.name for field in fields(Terms)]


def test_the_model_has_a_column_for_every_terms_field():
    columns = DeadlinePolicy.__table__.columns.keys()
    assert [name for name in TERMS if name not in columns] == []


def test_the_model_has_a_column_for_every_seed_field():
    columns = DeadlinePolicy.__table__.columns.keys()
    assert [field.name for field in fields(PolicySeed) if field.name not in columns] == []


def test_the_seed_and_the_admins_figures_extend_terms():
    assert issubclass(PolicySeed, Terms)
    assert issubclass(PolicyFigures, Terms)
    assert [field.name for field in fields(PolicySeed)] == [
        *TERMS,
        "profile",
        "kind",
        "effective_from",
        "source",
    ]
    assert [field.name for field in fields(PolicyFigures)] == [*TERMS, "effective_from", "source"]


def test_terms_of_reads_every_figure_of_a_policy_row():
    for seed in POLICIES:
        policy = DeadlinePolicy(**asdict(seed))
        expected = Terms(**{name: getattr(seed, name) for name in TERMS})
        assert terms_of(policy) == expected
