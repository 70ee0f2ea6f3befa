"""What turning a declaration into an operation will do, said before it is done (issue 8;
convention art. 3: the AMOI turns a retained purchase into an operation)."""

from __future__ import annotations

from portal.french import org_with_article
from portal.models import PurchaseDeclaration
from portal.web.confirm import Confirmation, confirmation


@confirmation
def confirm_declaration_conversion(declaration: PurchaseDeclaration) -> Confirmation:
    basis = declaration.recommended_basis_label
    clause = f", avec la clause recommandée ({basis})" if basis else ""
    return Confirmation(
        title=f"Créer l'opération « {declaration.title} » ?",
        consequence=(
            f"L'opération sera créée pour {org_with_article(declaration.buyer)}{clause}. "
            "La déclaration deviendra définitive : elle ne pourra plus être modifiée ni son "
            "avis rouvert."
        ),
        confirm_label="Créer l'opération",
    )
