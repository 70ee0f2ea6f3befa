"""What delivering a report does, said before it is done (docs/domain.md §9;
``portal.web.confirm``)."""

from __future__ import annotations

from portal.formatting import day, money
from portal.models import Report, ReportKind, SupportAction
from portal.web.confirm import Confirmation, confirmation


@confirmation
def confirm_bilan_delivery(report: Report) -> Confirmation:
    from portal.quotes.confirmations import confirm_report_delivery
    from portal.reports.services import balance_quote, invoiced_before

    what = "final" if report.year is None else f"annuel {report.year}"
    if report.kind == ReportKind.RESERVED_ANNUAL.value:
        what += f" du marché réservé {report.market.reference}"
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
    if report.kind == ReportKind.RESERVED_ANNUAL.value:
        from portal.reports.reserved import line_to_invoice

        due = line_to_invoice(report)
        if due is not None:
            quote, line = due
            consequence += (
                f" La facture du suivi annuel de {money(line.amount)} (« {line.label} », devis "
                f"{quote.display_number}) sera émise, datée du jour de la remise ; elle ne "
                "pourra pas être annulée."
            )
    return Confirmation(
        title=f"Remettre le bilan {what} ?",
        consequence=consequence,
        confirm_label="Remettre le bilan",
    )


@confirmation
def confirm_action_deletion(action: SupportAction) -> Confirmation:
    return Confirmation(
        title="Supprimer cette action ?",
        consequence=(
            f"L'action du {day(action.day)} ({action.commitment.label}) ne comptera plus dans "
            "le bilan du marché réservé ; le journal d'audit garde la trace de sa suppression."
        ),
        confirm_label="Supprimer l'action",
    )
