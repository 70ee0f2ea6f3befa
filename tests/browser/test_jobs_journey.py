"""Issue 16's journey: the AMOI exports the lots; the export waits in the real queue
(huey's SQLite storage), the page follows it with htmx until the worker has built the
file, then offers the download; the page passes axe."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from portal.jobs import queue
from tests.browser.conftest import login

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def test_an_export_runs_in_the_worker_and_the_page_offers_its_file(page, live_app, tmp_path):
    live_app.config["JOBS_URL"] = f"sqlite:///{tmp_path / 'queue.sqlite'}"
    queue.configure(live_app)
    consumer = queue.huey.create_consumer(workers=1, worker_type="thread", periodic=False)
    try:
        login(page, "admin@sud-ouest-emploi.example")
        page.goto("/lots/")
        page.get_by_role("button", name="Excel (XLSX)").click()
        expect(page).to_have_url(re.compile(r"/exports/\d+$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Export : Lots (Excel, XLSX)")
        panel = page.locator("#job-panel")
        expect(panel).to_contain_text("En attente")  # nothing runs the queue yet
        expect(panel.get_by_role("link", name="Rafraîchir")).to_be_visible()

        consumer.start()  # the worker takes the job; htmx polls every second
        download_link = panel.get_by_role("link", name=re.compile(r"Télécharger lots-.*\.xlsx"))
        expect(download_link).to_be_visible(timeout=20_000)
        expect(panel).to_contain_text("le fichier est prêt")
        with page.expect_download() as download:
            download_link.click()
        assert download.value.suggested_filename.endswith(".xlsx")

        violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
        assert violations == []
        page.goto("/exports/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Mes exports")
        expect(page.get_by_role("link", name=re.compile(r"lots-.*\.xlsx"))).to_be_visible()
    finally:
        consumer.stop(graceful=True)
        live_app.config["JOBS_URL"] = "immediate"
        queue.configure(live_app)
