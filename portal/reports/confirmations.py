"""What delivering a report does, said before it is done (docs/domain.md §9;
``portal.web.confirm``)."""

from __future__ import annotations

from portal.models import Report, ReportKind
from portal.web.confirm import Confirmation, confirmation


@confirmation
def confirm_bilan_delivery(report: Report) -> Confirmation:
    from portal.quotes.confirmations import confirm_report_delivery
    from portal.reports.services import balance_quote, invoiced_before

    what = "final" if report.year is None else f"annuel {report.year}"
    consequence = (
        f"Les chiffres et le texte du bilan {what} seront figés : un relevé validé plus tard "
        "ne les changera pas, seule une nouvelle version pourra les corriger. L'acheteur "
        "sera prévenu par courriel."
    )
    if report.kind == ReportKind.OPERATION_FINAL.value and report.operation is not None:
        quote = balance_quote(report.operation)
        if quote is not None and not invoiced_before(report):
            consequence += " " + confirm_report_delivery(quote).consequence
    if report.kind == ReportKind.TERRITORY_ANNUAL.value:
        from portal.reports.services import pilotage_quotes

        quotes = pilotage_quotes(report.year)
        if quotes:
            numbers = ", ".join(q.display_number for q in quotes)
            consequence += f" Le pilotage {report.year} sera facturé (devis {numbers})."
    return Confirmation(
        title=f"Remettre le bilan {what} ?",
        consequence=consequence,
        confirm_label="Remettre le bilan",
    )
