"""POST /appeals/suggest-category as the appeal form's script calls it: who may ask, the CSRF
check, bad input, the suggestion itself, and a fresh install without a model."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import update

from appeals.accounts.models import Role
from appeals.extensions import db
from appeals.queues import get_queue
from appeals.reference.models import Category
from appeals.suggest.model import MODEL_FILENAME
from appeals.suggest.service import FIRST_TRAINING_JOB_ID, request_first_training
from tests.conftest import PASSWORD
from tests.factories import category_id
from tests.pages import csrf_token, parse

URL = "/appeals/suggest-category"
HEALTHCARE_TEXT = (
    "Нет записи к врачу\nВ нашей поликлинике уже месяц невозможно записаться к терапевту, "
    "в регистратуре говорят, что талонов нет. Маме нужны лекарства по рецепту."
)


@pytest.fixture
def citizen(make_user, login):
    user = make_user()
    login(user)
    return user


def ask(client, text, **headers):
    return client.post(URL, json={"text": text}, headers=headers)


# --- the suggestion --------------------------------------------------------------------------


def test_a_healthcare_text_gets_the_healthcare_category(client, citizen, model_dir):
    response = ask(client, HEALTHCARE_TEXT)

    assert response.status_code == 200
    answer = response.get_json()
    assert answer["category_id"] == category_id("healthcare")
    assert answer["category"] == "Healthcare"
    assert 0.5 <= answer["confidence"] <= 1


def test_the_category_name_is_in_the_pages_language(client, citizen, model_dir):
    answer = ask(client, HEALTHCARE_TEXT, **{"Accept-Language": "ru"}).get_json()
    assert answer["category"] == "Здравоохранение"


def test_every_signed_in_role_may_ask(client, make_user, login, model_dir):
    official = make_user(Role.OFFICIAL, body_code="health-71")
    login(official)
    assert ask(client, HEALTHCARE_TEXT).get_json()["category_id"] == category_id("healthcare")


@pytest.mark.parametrize(
    "text",
    [
        "Помогите",  # too short to say anything
        "Здравствуйте! Прошу разобраться и дать ответ в установленный срок. Спасибо.",
    ],
)
def test_no_suggestion_when_the_text_says_too_little(client, citizen, model_dir, text):
    response = ask(client, text)
    assert response.status_code == 200
    assert response.get_json() == {"category_id": None}


def test_no_suggestion_of_a_deactivated_category(client, citizen, model_dir):
    healthcare = category_id("healthcare")
    db.session.execute(update(Category).where(Category.id == healthcare).values(is_active=False))
    db.session.commit()
    try:
        assert ask(client, HEALTHCARE_TEXT).get_json() == {"category_id": None}
    finally:  # the reference tables are shared by the whole run
        db.session.execute(update(Category).where(Category.id == healthcare).values(is_active=True))
        db.session.commit()


# --- refusals --------------------------------------------------------------------------------


def test_signed_out_visitors_get_no_suggestion(client, model_dir):
    response = ask(client, HEALTHCARE_TEXT)

    assert response.status_code == 401
    assert response.get_json()["error"] == "Sign in to get a category suggestion."
    assert "category_id" not in response.get_json()


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({}, "The appeal's text is missing."),
        ({"text": ""}, "The appeal's text is missing."),
        ({"text": "   \n  "}, "The appeal's text is missing."),
        ({"text": 42}, "The appeal's text is missing."),
        ({"text": ["a list"]}, "The appeal's text is missing."),
        ([HEALTHCARE_TEXT], "Send a JSON object with the appeal's text."),
    ],
)
def test_missing_text_is_refused(client, citizen, model_dir, body, error):
    response = client.post(URL, json=body)

    assert response.status_code == 400
    assert response.get_json() == {"error": error, "fields": {"text": "Required."}}


def test_a_form_post_instead_of_json_is_refused(client, citizen, model_dir):
    response = client.post(URL, data={"text": HEALTHCARE_TEXT})

    assert response.status_code == 400
    assert response.get_json()["fields"] == {"text": "Required."}


def test_oversized_text_is_refused(app, client, citizen, model_dir):
    limit = app.config["APPEAL_SUBJECT_MAX"] + 1 + app.config["APPEAL_TEXT_MAX"]

    assert ask(client, "а" * limit).status_code == 200  # the longest an appeal can be
    response = ask(client, "а" * (limit + 1))

    assert response.status_code == 400
    assert response.get_json() == {
        "error": "The text is too long.",
        "fields": {"text": f"At most {limit:,} characters."},
    }


def test_without_the_csrf_token_the_request_is_refused_in_json(
    app, client, citizen, model_dir, monkeypatch
):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    response = ask(client, HEALTHCARE_TEXT)

    assert response.status_code == 400
    assert "security token" in response.get_json()["error"]
    wrong = ask(client, HEALTHCARE_TEXT, **{"X-CSRFToken": "forged"})
    assert wrong.status_code == 400


def test_the_forms_csrf_token_in_the_header_is_accepted(
    app, client, citizen, model_dir, monkeypatch
):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    token = csrf_token(client.get("/appeals/new").get_data(as_text=True))

    response = ask(client, HEALTHCARE_TEXT, **{"X-CSRFToken": token})

    assert response.status_code == 200
    assert response.get_json()["category_id"] == category_id("healthcare")


@pytest.fixture
def limited_app(second_app, model_dir):
    """An app with rate limiting on, as in production (TestConfig turns it off)."""
    return second_app(
        SUGGEST_MODEL_DIR=model_dir,
        SUGGEST_RATE_LIMIT="3 per minute",
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
    )


def test_too_many_requests_are_refused_per_user(limited_app, make_user):
    def signed_in_client():
        client = limited_app.test_client()  # all from the same address, 127.0.0.1
        user = make_user()
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
        return client

    first = signed_in_client()
    for _ in range(3):
        assert ask(first, HEALTHCARE_TEXT).status_code == 200
    refused = ask(first, HEALTHCARE_TEXT)
    assert refused.status_code == 429
    assert refused.get_json() == {
        "error": "Too many requests. Please wait a minute.",
        "fields": {},
    }
    # Another citizen from the same address has an allowance of their own.
    assert ask(signed_in_client(), HEALTHCARE_TEXT).status_code == 200


# --- a fresh install -------------------------------------------------------------------------


def test_no_model_and_no_training_on_demand_gives_no_suggestion(client, citizen, empty_model_dir):
    assert ask(client, HEALTHCARE_TEXT).get_json() == {"category_id": None}
    assert not empty_model_dir.exists()


def test_without_a_model_the_answer_comes_at_once_and_the_slow_worker_trains(
    app, client, citizen, empty_model_dir, monkeypatch, run_jobs
):
    monkeypatch.setitem(app.config, "SUGGEST_TRAIN_ON_DEMAND", True)
    monkeypatch.setitem(app.config, "SUGGEST_MIN_APPEALS", 800)  # a smaller corpus: faster
    slow = get_queue(app.config["RQ_SLOW_QUEUE"])

    started = time.perf_counter()
    answers = [ask(client, HEALTHCARE_TEXT).get_json() for _ in range(3)]
    elapsed = time.perf_counter() - started

    # No training in the web process: no suggestion, no model, one training queued.
    assert answers == [{"category_id": None}] * 3
    assert not (empty_model_dir / MODEL_FILENAME).exists()
    assert slow.job_ids == [FIRST_TRAINING_JOB_ID]
    assert elapsed < 3, f"three answers took {elapsed:.1f} s: something trained meanwhile"

    run_jobs([app.config["RQ_SLOW_QUEUE"]])

    assert (empty_model_dir / MODEL_FILENAME).is_file()
    assert ask(client, HEALTHCARE_TEXT).get_json()["category_id"] == category_id("healthcare")
    assert request_first_training() is False  # a model is there: nothing more is queued
    assert slow.count == 0


def test_without_redis_there_is_no_suggestion_and_no_error(
    app, client, citizen, empty_model_dir, monkeypatch
):
    monkeypatch.setitem(app.config, "SUGGEST_TRAIN_ON_DEMAND", True)
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens

    assert ask(client, HEALTHCARE_TEXT).get_json() == {"category_id": None}
    assert not empty_model_dir.exists()


# --- the page --------------------------------------------------------------------------------


def test_the_appeal_form_carries_the_suggestion_box_and_its_script(client, citizen):
    page = parse(client.get("/appeals/new").get_data(as_text=True))
    boxes = [e for e in page.iter() if e.attrs.get("id") == "category-suggestion"]
    assert len(boxes) == 1
    assert boxes[0].attrs["data-url"] == URL
    assert "d-none" in boxes[0].classes  # empty until the script has something to say
    scripts = [e.attrs.get("src", "") for e in page.iter() if e.tag == "script"]
    assert any(src.endswith("/static/suggest.js") for src in scripts)


def test_the_script_is_served(client):
    response = client.get("/static/suggest.js")
    assert response.status_code == 200
    assert "X-CSRFToken" in response.get_data(as_text=True)
