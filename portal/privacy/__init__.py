"""A person's rights over their data (docs/gdpr-record.md): the retention rule applied by
``flask anonymise-expired``, the export of a person's file for an access request, and the
erasure (anonymisation now). The AMOI only."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)

from portal.privacy import access, confirmations, views  # noqa: E402, F401
