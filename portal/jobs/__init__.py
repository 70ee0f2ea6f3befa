"""Background jobs (issue 16): exports and documents whose cost grows with the data run
outside the request, on the job queue (huey), and the user downloads the file when it
is ready (« Mes exports », ``/exports/``)."""

from flask import Blueprint

bp = Blueprint("jobs", __name__)

from portal.jobs import views  # noqa: E402, F401
