"""The admin's policy form has a field for each figure of a policy version (rules.Terms, the
date of effect and the source), so a figure added to Terms cannot be left out of the form."""

from __future__ import annotations

from dataclasses import fields

from wtforms.fields.core import UnboundField

from appeals.admin.forms import PolicyForm
from appeals.deadlines.policy_versions import PolicyFigures
from appeals.deadlines.rules import Terms


def test_the_policy_form_has_a_field_for_every_terms_field():
    missing = [
        field.name
        for field in fields(Terms)
        if not isinstance(getattr(PolicyForm, field.name, None), UnboundField)
    ]
    assert missing == []


def test_the_policy_form_has_a_field_for_every_figure_it_returns():
    missing = [
        field.name
        for field in fields(PolicyFigures)
        if not isinstance(getattr(PolicyForm, field.name, None), UnboundField)
    ]
    assert missing == []
