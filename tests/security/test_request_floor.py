"""What every logged-in request pays (issue 15, « the request floor »): the user and its
organisation in one statement, and no re-signed session cookie on most responses — the
idle timeout still holds, to the minute."""

from __future__ import annotations

from sqlalchemy import event

from portal.extensions import db as _db
from tests.factories import make_user


def test_a_second_page_within_a_minute_sends_no_new_cookie(login_as):
    client = login_as(make_user())
    client.get("/compte")  # the activity time was written at login
    again = client.get("/compte")
    assert again.status_code == 200
    assert "Set-Cookie" not in again.headers


def test_the_activity_time_is_refreshed_once_a_minute(login_as):
    client = login_as(make_user())
    with client.session_transaction() as session:
        session["seen_at"] -= 61
        before = session["seen_at"]
    response = client.get("/compte")
    assert "Set-Cookie" in response.headers
    with client.session_transaction() as session:
        assert session["seen_at"] > before


def test_the_user_and_its_organisation_come_in_one_statement(app, login_as):
    client = login_as(make_user())
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(_db.engine, "before_cursor_execute", count)
    try:
        assert client.get("/compte").status_code == 200
    finally:
        event.remove(_db.engine, "before_cursor_execute", count)
    user_loads = [s for s in statements if "FROM users" in s and "users.id =" in s]
    assert len(user_loads) == 1, statements
    assert "JOIN organisations" in user_loads[0]
    assert not [s for s in statements if s.lstrip().startswith("SELECT organisations.")]
