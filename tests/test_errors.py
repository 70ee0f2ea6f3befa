from __future__ import annotations

import pytest
from flask import abort

from portal.access import public
from tests.factories import make_user


@pytest.fixture
def erroring_app(app):
    """Routes that raise each error (added to this test's app only)."""

    @app.route("/_test/<int:code>", methods=["GET", "POST"])
    @public
    def _raise(code):
        if code == 500:
            raise RuntimeError("boom")
        abort(code)

    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


@pytest.mark.parametrize(
    ("code", "title"),
    [
        (403, "Accès refusé"),
        (404, "Page introuvable"),
        (409, "Modification concurrente"),
        (413, "Fichier trop volumineux"),
        (429, "Trop de tentatives"),
        (500, "Erreur du serveur"),
    ],
)
def test_error_page_and_fragment(erroring_app, code, title):
    client = erroring_app.test_client()
    page = client.get(f"/_test/{code}")
    assert page.status_code == code
    html = page.get_data(as_text=True)
    assert "<html" in html and title in html and "<h1>" in html
    fragment = client.get(f"/_test/{code}", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == code
    assert "<html" not in body and title in body
    assert fragment.headers["HX-Retarget"] == "#alerts"


def test_real_404_is_french(client):
    response = client.get("/nulle-part")
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)


def test_413_on_oversized_body(app, login_as):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    client = login_as(make_user())
    token = client.csrf_token()
    response = client.post("/compte", data={"csrf_token": token, "current": "x" * 5000})
    assert response.status_code == 413
    assert "Fichier trop volumineux" in response.get_data(as_text=True)
