"""Fava's downloads of ``hn export``'s files are refused where ``hn export`` writes nothing.

Tester's report: over a ledger with errors (a duplicate invoice number…) ``hn export`` wrote
nothing, yet Fava's zip was a complete bundle whose 2035 JSON said ``"final": true`` and whose
invoice report dropped the duplicate without a word. The same core function now decides
(``core.loading.refuse_to_write``), and the page says why.
"""

from __future__ import annotations

import io
import json
import os
import zipfile

import pytest
from beancount import loader

from beancount_hn.fava import downloads
from beancount_hn.fava.figures import LedgerFigures
from tests.fava_support import fava_app, slug_of
from tests.ledgers import run_hn, write_ledger

HEADER = """\
option "operating_currency" "EUR"
plugin "beancount_hn.plugins.all"
2025-01-01 custom "fava-extension" "beancount_hn.fava"
2025-01-01 custom "hn-option" "treasury" Assets:Banque
2025-01-01 custom "hn-option" "invoice-series" "F" "F-{year}-{seq:04d}"
2025-01-01 custom "hn-option" "identity" "nom" "Jeanne Kiné EI"
2025-01-01 custom "hn-option" "identity" "siren" "935919142"
2025-01-01 open Assets:Banque EUR
2025-01-01 open Assets:Creances:Patients EUR
2025-01-01 open Income:Honoraires:HN EUR
  convention: "non-conventionne"

2025-01-10 * "Mme Alice Durand" "Massage"
  facture: "F-2025-0001"
  Assets:Banque   60.00 EUR
  Income:Honoraires:HN  -60.00 EUR
"""
DUPLICATE = """
2025-01-12 * "M. Carl Petit" "Massage"
  facture: "F-2025-0001"
  Assets:Banque   40.00 EUR
  Income:Honoraires:HN  -40.00 EUR
"""
#: A clean load whose 2035 is not final: a payment that settles nothing (reconciliation open).
UNSETTLED = """
2025-02-03 * "Inconnu" "Virement sans facture"
  Assets:Banque   75.00 EUR
  Assets:Creances:Patients
"""
EXPORT_FILES = ("fec", "livre_journal", "registre", "bundle", "bundle_pseudonymise")


def figures_of(path: str) -> LedgerFigures:
    """The figures of the Cabinet page, with the ledger's errors as Fava gives them."""
    entries, errors, options = loader.load_file(path)
    return LedgerFigures(entries, options, ledger_errors=errors, ledger_name=path)


@pytest.fixture(scope="module")
def duplicate(tmp_path_factory) -> str:
    return write_ledger(tmp_path_factory.mktemp("doublon"), HEADER + DUPLICATE)


def test_hn_export_writes_nothing_for_this_ledger(duplicate, tmp_path):
    """What Fava must do: the CLI's refusal."""
    result = run_hn("export", duplicate, "--year", "2025", "--out", str(tmp_path / "dossier"))
    assert result.exit_code == 1 and "le livre comporte 1 erreur(s)" in result.output
    assert not os.path.exists(tmp_path / "dossier")


@pytest.mark.parametrize("name", EXPORT_FILES)
def test_no_file_of_hn_export_over_a_ledger_with_errors(duplicate, name):
    figures = figures_of(duplicate)
    assert figures.errors  # the duplicate F-2025-0001
    with pytest.raises(downloads.DownloadError) as refused:
        downloads.DOWNLOADS[name][1](figures, 2025)
    message = str(refused.value)
    assert "le livre comporte 1 erreur(s) ; aucun fichier n'est écrit tant qu'elles ne sont pas corrigées" in message
    assert f"{duplicate}:18:" in message and "F-2025-0001" in message  # the duplicate's line


def test_the_2035_downloads_stay_and_say_not_final(duplicate):
    figures = figures_of(duplicate)
    form = json.loads(downloads.form2035_json(figures, 2025).content)
    assert form["final"] is False and form["errors"]
    assert "CHIFFRES NON DÉFINITIFS" in downloads.form2035_csv(figures, 2025).content.decode("utf-8")


def test_a_2035_that_is_not_final_is_refused_like_hn_export(tmp_path):
    path = write_ledger(tmp_path, HEADER + UNSETTLED)
    figures = figures_of(path)
    assert not figures.errors  # the load is clean, the 2035 is not final
    result = run_hn("export", path, "--year", "2025", "--out", str(tmp_path / "dossier"))
    assert result.exit_code == 1 and "la 2035 de 2025 n'est pas définitive" in result.output
    for name in EXPORT_FILES:
        with pytest.raises(downloads.DownloadError) as refused:
            downloads.DOWNLOADS[name][1](figures, 2025)
        message = str(refused.value)
        assert message.startswith("la 2035 de 2025 n'est pas définitive ; aucun fichier n'est écrit"), message
        assert f"{path}:18: 75,00\xa0€ sur Assets:Creances:Patients ne règle rien d'ouvert" in message


def test_the_clean_ledger_gives_its_bundle(tmp_path):
    """The check can pass: without the duplicate, the zip is the bundle, final."""
    figures = figures_of(write_ledger(tmp_path, HEADER))
    with zipfile.ZipFile(io.BytesIO(downloads.bundle(figures, 2025).content)) as archive:
        assert json.loads(archive.read("export-2025/2035-2025.json"))["final"] is True


def test_the_page_says_why_and_sends_no_zip(duplicate):
    app = fava_app(duplicate)
    client = app.test_client()
    base = f"/{slug_of(app)}/extension/Cabinet/"
    for name in ("bundle", "bundle_pseudonymise"):
        response = client.get(f"{base}{name}", query_string={"year": "2025"})
        assert response.status_code == 303, name  # back to the page, never a zip
        assert response.mimetype != "application/zip"
        html = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "Téléchargement impossible — " in html and "le livre comporte 1 erreur(s)" in html, name
    assert client.get(f"{base}form2035_json", query_string={"year": "2025"}).json["final"] is False
