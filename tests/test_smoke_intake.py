from tests.factories import submit


def test_submit_registers_and_routes(make_user):
    citizen = make_user()
    appeal, code = submit(citizen)
    assert appeal.number.startswith("З-")
    assert appeal.status == "registered"
    assert appeal.current_body.code == "health-71"
    assert [e.kind for e in appeal.events] == ["submitted", "routed"]


def test_appeal_page_explains_its_due_date(make_user, client, login):
    citizen = make_user()
    appeal, _ = submit(citizen)
    login(citizen)
    page = client.get(f"/appeals/{appeal.id}").get_data(as_text=True)
    assert "15 working days" in page
    assert f"due {appeal.due_on:%d.%m.%Y}" in page
