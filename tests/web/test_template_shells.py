"""The htmx form shell and the filter forms are written once (templates/_layout/forms.html and
filters.html): no template copies them again."""

from __future__ import annotations

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
LAYOUT = TEMPLATES / "_layout"


def _templates():
    return [p for p in TEMPLATES.rglob("*.html") if p.parent != LAYOUT]


def test_every_htmx_form_uses_the_shell():
    copies = [
        str(p.relative_to(TEMPLATES)) for p in _templates() if 'hx-target="this"' in p.read_text()
    ]
    assert copies == []
    partials = sorted(TEMPLATES.glob("*/_partials/_*form.html"))
    assert len(partials) >= 10
    assert [p.name for p in partials if "form_shell(" not in p.read_text()] == []


def test_every_filter_form_is_drawn_by_list_filters():
    copies = [
        str(p.relative_to(TEMPLATES)) for p in _templates() if 'class="filters"' in p.read_text()
    ]
    assert copies == []
    users = {
        p.relative_to(TEMPLATES).as_posix()
        for p in _templates()
        if "list_filters(" in p.read_text()
    }
    assert users >= {
        "admin/audit.html",
        "admin/users.html",
        "census/index.html",
        "census/summary.html",
        "invoices/index.html",
        "invoices/recap.html",
        "markets/lots.html",
        "markets/operations.html",
        "organisations/index.html",
        "quotes/index.html",
    }
