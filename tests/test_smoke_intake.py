from tests.factories import submit


def test_submit_registers_and_routes(make_user):
    citizen = make_user()
    appeal, code = submit(citizen)
    assert appeal.number.startswith("З-")
    assert appeal.status == "registered"
    assert appeal.current_body.code == "health-71"
    assert [e.kind for e in appeal.events] == ["submitted", "routed"]
