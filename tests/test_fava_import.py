"""Fava's import page runs the example's import.py on ledger_example/documents/.

Every statement but February 2026's is already booked: Fava marks all their entries
as duplicates. February 2026 proposes its lines, each on an account the ledger opens.
"""

from __future__ import annotations

from beancount.core import data

from tests.fava_support import EXAMPLE, fava_app, ledger_of, slug_of

NEW_STATEMENT = "banque-2026-02.csv"


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
    assert importers[NEW_STATEMENT] == ["Assets:Banque:Courant"]
    assert importers["journal-factures-2025.csv"] == ["Assets:Creances:Patients"]


def test_fava_import_page_proposes_february_2026_only_on_opened_accounts():
    app = fava_app(EXAMPLE)
    client = app.test_client()
    slug = slug_of(app)
    opened = {e.account for e in ledger_of(app).all_entries if isinstance(e, data.Open)}
    new: dict[str, int] = {}
    for file in client.get(f"/{slug}/api/imports").json["data"]:
        for importer in file["importers"]:
            assert importer["account"] in opened, (file["basename"], importer["account"])
            response = client.get(f"/{slug}/api/extract",
                                  query_string={"filename": file["name"], "importer": importer["importer_name"]})
            assert response.status_code == 200, response.data[:500]
            proposed = response.json["data"]
            assert proposed, file["basename"]
            accounts = {posting["account"] for entry in proposed if entry["t"] == "Transaction"
                        for posting in entry["postings"]}
            accounts |= {entry["account"] for entry in proposed if "account" in entry}
            assert accounts <= opened, (file["basename"], accounts - opened)
            new[file["basename"]] = sum(1 for entry in proposed if not entry["meta"].get("__duplicate__"))
    # Seven bank lines and the closing balance; everything else is already in the ledger.
    assert new == {name: (8 if name == NEW_STATEMENT else 0) for name in new} and NEW_STATEMENT in new
