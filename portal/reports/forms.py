"""The AMOI's text of a report (indicator 7; docs/domain.md §9)."""

from __future__ import annotations

from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length, Optional

from portal.models.reports import TEXT_FIELDS
from portal.web.forms import Form

TEXT_MAX = 20000


class ReportTextForm(Form):
    """Pathways, relation with the company, actions undertaken: saved as a draft."""

    pathways = TextAreaField(TEXT_FIELDS["pathways"], validators=[Optional(), Length(max=TEXT_MAX)])
    company_relation = TextAreaField(
        TEXT_FIELDS["company_relation"], validators=[Optional(), Length(max=TEXT_MAX)]
    )
    actions = TextAreaField(TEXT_FIELDS["actions"], validators=[Optional(), Length(max=TEXT_MAX)])


class OpenForm(Form):
    """Open the draft (or a new version) of a report: the year, blank for the final one."""

    year = HiddenField()
