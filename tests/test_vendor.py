"""The vendored htmx is exactly the published file (npm package htmx.org 2.0.11)."""

import hashlib
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "static"
HTMX_SHA256 = "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"


def test_htmx_checksum():
    path = STATIC / "vendor" / "htmx-2.0.11.min.js"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == HTMX_SHA256


def test_base_template_loads_the_vendored_file():
    base = (STATIC.parent / "templates" / "base.html").read_text()
    assert "vendor/htmx-2.0.11.min.js" in base
    assert "unpkg" not in base and "cdn" not in base.lower()
