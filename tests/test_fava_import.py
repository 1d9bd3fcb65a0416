"""Fava's import page runs the example's import.py on ledger_example/documents/."""

from __future__ import annotations

from tests.fava_support import EXAMPLE, fava_app, slug_of


def test_fava_import_page_identifies_every_sample_document():
    app = fava_app(EXAMPLE)
    client = app.test_client()
    slug = slug_of(app)
    assert client.get(f"/{slug}/import/").status_code == 200
    files = client.get(f"/{slug}/api/imports").json["data"]
    importers = {f["basename"]: [i["account"] for i in f["importers"]] for f in files}
    assert importers["banque-2025-03.csv"] == ["Assets:Banque:Courant"]
    assert importers["banque-2025-04.ofx"] == ["Assets:Banque:Courant"]
    assert importers["banque-2025-05.camt053.xml"] == ["Assets:Banque:Courant"]
    assert importers["journal-factures-2025.csv"] == ["Assets:Creances"]
