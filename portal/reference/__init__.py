"""Reference pages: the rules and tariffs, rendered from ``portal.rules`` (never retyped)."""

from flask import Blueprint

bp = Blueprint("reference", __name__)

from portal.reference import views  # noqa: E402, F401
