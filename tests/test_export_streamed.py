"""``hn export`` writes its bundle as it makes it (issue 22: its memory grows with the ledger's).

Each file is written to the staging folder as soon as it is made, then dropped;
the 2035's detail and the livre-journal's page come in pieces; the 2035 is let go
once the files made of it are written. The bytes must be those of the bundle
made whole in memory, the errors the same, and a failure must leave everything
as it was (stale staging folders of a killed run included).
"""

from __future__ import annotations

import gc
import hashlib
import io
import json
import os
import weakref
import zipfile

import pytest

from beancount_hn.core.loading import load_ledger
from beancount_hn.core.outfolder import MARKER, OutFile, OutputFolder, zip_files
from beancount_hn.exports import bundle as bundle_module
from beancount_hn.exports.bundle import BundleStream, build_bundle
from beancount_hn.render import form2035 as render2035
from beancount_hn.tax import lines2035
from beancount_hn.tax.form2035 import compute_2035
from tests.exports_ledger import SMALL
from tests.ledgers import EXAMPLE, ledger_text, loaded, run_hn, write_ledger


def written(folder: str) -> dict[str, bytes]:
    found = {}
    for name in os.listdir(folder):
        with open(os.path.join(folder, name), "rb") as handle:
            found[name] = handle.read()
    return found


@pytest.mark.parametrize("options", [(), ("--pseudonymise",), ("--charset", "utf-8", "--separator", "pipe")])
def test_the_written_bundle_is_the_bundle_made_in_memory(tmp_path, options):
    out = str(tmp_path / "dossier")
    result = run_hn("export", EXAMPLE, "--year", "2025", "--out", out, *options, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    ledger = load_ledger(EXAMPLE, show_errors=False)
    keywords = {"pseudonymise": "--pseudonymise" in options}
    if "--charset" in options:
        keywords.update(charset="utf-8", separator="pipe")
    made = build_bundle(ledger.entries, ledger.index, 2025, ledger_name=EXAMPLE, **keywords)
    files = written(out)
    marker = json.loads(files.pop(MARKER))
    assert files == {f.name: f.content for f in made.files}
    assert marker["files"] == {f.name: hashlib.sha256(f.content).hexdigest() for f in made.files}
    assert list(marker["files"]) == made.names()  # in the order LISEZMOI lists them


def test_the_detail_comes_in_pieces_and_says_what_each_line_s_text_says(monkeypatch):
    entries, index = loaded(ledger_text(SMALL))
    form = compute_2035(entries, index, 2025)
    expected = "".join(render2035.explain_text(form, row.code) for row in form.lines()
                       if row.kind != lines2035.TOTAL and row.parent is None and form.values[row.code])
    monkeypatch.setattr(bundle_module, "PIECE_CHARS", 100)
    stream = BundleStream(entries, index, 2025)
    pieces = {}
    for item in stream:
        pieces[item.name] = [item.content] if isinstance(item.content, bytes) else list(item.content)
    assert len(pieces["2035-2025-detail.txt"]) > 3
    assert b"".join(pieces["2035-2025-detail.txt"]).decode("utf-8") == expected
    assert len(pieces["livre-journal-2025.html"]) > 1
    sums = dict(reversed(line.split("  ", 1)) for line in b"".join(pieces["SHA256SUMS"]).decode().splitlines())
    assert sums == {name: hashlib.sha256(b"".join(parts)).hexdigest()
                    for name, parts in pieces.items() if name != "SHA256SUMS"}


def test_a_year_without_a_non_zero_line_says_so_in_the_detail():
    assert "".join(bundle_module._detail_lines(_EmptyForm())) == "(aucune ligne non nulle)\n"


class _EmptyForm:
    values: dict = {}

    def lines(self) -> list:
        return []


def test_the_2035_is_let_go_before_the_invoices_and_the_vat_are_made(monkeypatch):
    entries, index = loaded(ledger_text(SMALL))
    forms = []

    def kept(*args, **kwargs):
        form = compute_2035(*args, **kwargs)
        forms.append(weakref.ref(form))
        return form

    alive_at = []

    def build_invoice_book(*args, **kwargs):
        gc.collect()
        alive_at.append(forms[0]() is not None)
        return real_book(*args, **kwargs)

    real_book = bundle_module.build_invoice_book
    monkeypatch.setattr(bundle_module, "compute_2035", kept)
    monkeypatch.setattr(bundle_module, "build_invoice_book", build_invoice_book)
    for item in BundleStream(entries, index, 2025):
        if not isinstance(item.content, bytes):
            b"".join(item.content)
    assert alive_at == [False]


def test_sums_are_refused_over_a_file_not_read_to_its_end():
    with pytest.raises(RuntimeError, match="SHA256SUMS serait faux"):
        for _ in BundleStream(*loaded(ledger_text(SMALL)), 2025):
            pass  # the detail's pieces are never read


def test_a_file_given_in_pieces_is_written_hashed_and_zipped_whole(tmp_path):
    def pieces():
        yield b"premi\xc3\xa8re partie, "
        yield b""
        yield b"seconde partie\n"

    whole = b"premi\xc3\xa8re partie, seconde partie\n"
    folder = OutputFolder(str(tmp_path / "sortie"), "hn export", str(tmp_path / "livre.beancount"), ())
    folder.write([OutFile("a.txt", pieces()), OutFile("b.txt", whole)])
    assert written(str(tmp_path / "sortie"))["a.txt"] == whole
    marker = json.loads(written(str(tmp_path / "sortie"))[MARKER])
    assert marker["files"]["a.txt"] == marker["files"]["b.txt"] == hashlib.sha256(whole).hexdigest()
    archive = zipfile.ZipFile(io.BytesIO(zip_files("z", [OutFile("a.txt", pieces())])))
    assert archive.read("z/a.txt") == whole


def test_a_file_that_fails_half_made_leaves_nothing(tmp_path):
    def pieces():
        yield b"le debut"
        raise ValueError("rendu impossible")

    folder = OutputFolder(str(tmp_path / "sortie"), "hn export", str(tmp_path / "livre.beancount"), ())
    with pytest.raises(ValueError, match="rendu impossible"):
        folder.write([OutFile("a.txt", b"complet"), OutFile("b.txt", pieces())])
    assert os.listdir(tmp_path) == []


def stale_staging(tmp_path) -> str:
    """What a ``kill -9`` of an export to ``tmp_path/dossier`` leaves: a staging folder whose process is gone."""
    staging = tmp_path / ".dossier.0123abcd.tmp"
    staging.mkdir()
    (staging / MARKER).write_text(json.dumps({"command": "hn export", "ledger": "x", "files": {},
                                              "pid": 2 ** 22 + 12345}), encoding="utf-8")
    (staging / "2035-2025.csv").write_text("Patient", encoding="utf-8")
    return str(staging)


@pytest.mark.parametrize("change, message", [
    (lambda t: t + '2025-02-03 * "Inconnu" "Virement sans facture"\n  Assets:Banque  75.00 EUR\n'
                   '  Assets:Creances:Patients\n', "la 2035 de 2025 n'est pas définitive"),
    (lambda t: t + '2024-01-01 open Assets:Divers\n2025-07-01 * "Avance"\n  Assets:Banque  -5.00 EUR\n'
                   '  Assets:Divers  5.00 EUR\n', "Assets:Divers n'a pas de numéro de compte du PCG"),
])
def test_a_failed_export_removes_nothing_not_even_a_stale_staging_folder(tmp_path, change, message):
    ledger = write_ledger(tmp_path, ledger_text(change(SMALL)), "cabinet.beancount")
    staging = stale_staging(tmp_path)
    result = run_hn("export", ledger, "--year", "2025", "--out", str(tmp_path / "dossier"), catch_exceptions=False)
    assert result.exit_code == 1
    assert "rien n'est écrit" in result.output and "Traceback" not in result.output
    assert message in result.output
    assert sorted(os.listdir(tmp_path)) == [".dossier.0123abcd.tmp", "cabinet.beancount"]
    assert sorted(os.listdir(staging)) == sorted([MARKER, "2035-2025.csv"])
    result = run_hn("export", write_ledger(tmp_path, ledger_text(SMALL), "cabinet.beancount"), "--year", "2025",
                    "--out", str(tmp_path / "dossier"), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"dossier temporaire d'une exécution interrompue supprimé : {staging}" in result.output
    assert sorted(os.listdir(tmp_path)) == ["cabinet.beancount", "dossier"]
