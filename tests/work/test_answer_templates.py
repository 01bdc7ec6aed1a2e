"""Answer templates: a head keeps their body's, an admin every body's; an official starts an
answer from one, its placeholders filled from the appeal; and every answer ends with the
paragraph on how to complain, written by the system in the appeal's language."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from appeals.extensions import db
from appeals.intake.models import Answer
from appeals.reference.models import Body, Category
from appeals.replies.models import AnswerTemplate
from appeals.work.service import answer_appeal
from tests.pages import by_testid, field_error, field_value, page_text
from tests.work.conftest import post_step

TEXT = (
    "Dear {applicant}, your appeal {number} of {submitted_on} was considered by {body}. "
    "An appointment is arranged; the executor {executor} will call you before {due_on}."
)


def template_count() -> int:
    value = db.session.execute(select(func.count(AnswerTemplate.id))).scalar_one()
    db.session.commit()
    return value


def new_template(client, **changes):
    healthcare = db.session.execute(
        select(Category.id).where(Category.code == "healthcare")
    ).scalar_one()
    db.session.commit()
    data = {
        "title": "Appointment arranged",
        "decision": "satisfied",
        "language": "en",
        "category_id": healthcare,
        "text": TEXT,
    } | changes
    return client.post("/work/answer-templates/new", data=data)


def test_a_head_keeps_a_template_and_the_official_answers_from_it(client, login, people, assigned):
    login(people.head)
    assert new_template(client).status_code == 302
    template = db.session.execute(select(AnswerTemplate)).scalar_one()
    assert template.body.code == "health-71"
    db.session.commit()

    login(people.official)
    page = client.get(f"/work/appeals/{assigned.id}").get_data(as_text=True)
    assert "Appointment arranged" in by_testid(page, "template-picker").text()
    filled = client.get(f"/work/appeals/{assigned.id}?template={template.id}")
    text = field_value(filled.get_data(as_text=True), "answer-text")
    assert text.startswith(f"Dear Aigerim Sadykova, your appeal {assigned.number} of ")
    assert f"considered by {assigned.current_body.name_en}. " in text  # the template's language
    assert "the executor Daniyar Omarov will call you before " in text
    assert f"{assigned.effective_due_on:%d.%m.%Y}" in text
    assert field_value(filled.get_data(as_text=True), "answer-decision") == "satisfied"

    response = post_step(client, assigned.id, "answer", "answer", text=text, decision="satisfied")

    assert response.status_code == 302
    answer = db.session.execute(select(Answer).where(Answer.appeal_id == assigned.id)).scalar_one()
    assert answer.text == text
    # The system's paragraph, in the appeal's language (English here), naming the superior body.
    superior = db.session.execute(select(Body).where(Body.code == "akimat-71")).scalar_one()
    assert superior.name_en in answer.how_to_complain
    assert "APPK art. 92" in answer.how_to_complain and "court" in answer.how_to_complain
    login(people.citizen)
    applicant_page = client.get(f"/appeals/{assigned.id}").get_data(as_text=True)
    assert answer.how_to_complain in by_testid(applicant_page, "how-to-complain").text()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Dear {name}, your appeal is answered.", "Unknown placeholder {name}"),
        ("Dear {applicant, your appeal is answered.", "A brace is not closed"),
        ("Your {number.__class__} is answered.", "Unknown placeholder"),
    ],
)
def test_a_template_with_a_bad_placeholder_is_refused_and_keeps_what_was_typed(
    client, login, people, text, message
):
    login(people.head)

    response = new_template(client, text=text)

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in field_error(page, "text")
    assert field_value(page, "text") == text
    assert field_value(page, "title") == "Appointment arranged"
    assert template_count() == 0


def test_an_official_cannot_keep_templates(client, login, people):
    login(people.official)

    assert new_template(client).status_code == 403
    assert template_count() == 0


def test_another_bodys_template_is_neither_offered_nor_editable(client, login, people, assigned):
    login(people.stranger_head)  # the head of Almaty's health department
    new_template(client, title="Almaty's own")
    theirs = db.session.execute(select(AnswerTemplate)).scalar_one()
    db.session.commit()

    login(people.head)
    assert client.get(f"/work/answer-templates/{theirs.id}").status_code == 404
    assert client.post(f"/work/answer-templates/{theirs.id}/delete").status_code == 404
    assert "Almaty's own" not in page_text(client.get("/work/answer-templates/").get_data(True))
    login(people.official)
    page = client.get(f"/work/appeals/{assigned.id}").get_data(as_text=True)
    assert by_testid(page, "template-picker") is None
    assert client.get(f"/work/appeals/{assigned.id}?template={theirs.id}").status_code == 404
    assert template_count() == 1


def test_an_admins_template_serves_every_body_and_only_its_category(
    client, login, people, assigned
):
    login(people.admin)
    new_template(client, title="For every body")
    new_template(
        client,
        title="Only for schools",
        category_id=db.session.execute(
            select(Category.id).where(Category.code != "healthcare").limit(1)
        ).scalar_one(),
    )
    db.session.commit()
    assert {t.body_id for t in db.session.scalars(select(AnswerTemplate))} == {None}
    db.session.commit()

    login(people.official)
    picker = by_testid(
        client.get(f"/work/appeals/{assigned.id}").get_data(as_text=True), "template-picker"
    ).text()

    assert "For every body" in picker and "Only for schools" not in picker


def test_an_appeal_in_russian_gets_the_paragraph_in_russian(people, assigned):
    assigned.language = "ru"
    answer = answer_appeal(assigned, "A reasoned answer " * 5, "refused", people.official)
    db.session.commit()

    assert answer.how_to_complain.startswith("Если вы не согласны, вы можете обжаловать ответ")
    assert "Акимат города Астаны" in answer.how_to_complain
    assert "3 месяцев (ст. 92 АППК)" in answer.how_to_complain


def test_the_template_list_needs_staff(client, login, people):
    login(people.citizen)

    assert client.get("/work/answer-templates/").status_code == 403
