"""``hn note`` and ``hn devis`` never replace a file hn did not write (``core.outfolder.OutputDocument``).

A file of the same name is replaced when the folder's register proves hn wrote it
for this ledger, unchanged since; any other only with ``--force``; never a file the
ledger loads, nor, in its ``documents`` folder or among its ``document`` entries,
a file hn did not write (a signed devis scanned under its number), even with ``--force``.
"""

from __future__ import annotations

import os
from functools import partial

import pytest

from beancount_hn.core import atomic
from beancount_hn.core.outfolder import MARKER, REGISTER, FolderError, OutputDocument
from tests import notes_helpers
from tests.ledgers import run_hn

run = partial(run_hn, catch_exceptions=False)

SCAN = b"DEVIS SIGNE (scan)"


def listing(folder) -> list[str]:
    return sorted(os.listdir(folder))


def test_a_file_hn_did_not_write_is_kept_and_named(tmp_path):
    ledger = notes_helpers.ledger_file(tmp_path)
    out = tmp_path / "notes"
    out.mkdir()
    (out / "F-2025-0001.pdf").write_bytes(SCAN)
    result = run("note", "F-2025-0001", str(ledger), "--out", str(out))
    assert result.exit_code == 1
    assert f"Erreur : {out / 'F-2025-0001.pdf'} existe déjà et n'a pas été écrit par hn" in result.output
    assert "--force pour le remplacer" in result.output and "rien n'est écrit" in result.output
    assert (out / "F-2025-0001.pdf").read_bytes() == SCAN
    assert listing(out) == ["F-2025-0001.pdf"]  # no register, no temporary


def test_force_replaces_it_then_hn_replaces_its_own_file_until_someone_edits_it(tmp_path):
    ledger = notes_helpers.ledger_file(tmp_path)
    out = tmp_path / "notes"
    out.mkdir()
    page = out / "F-2025-0001.html"
    page.write_bytes(SCAN)
    result = run("note", "F-2025-0001", str(ledger), "--out", str(out), "--format", "html", "--force")
    assert result.exit_code == 0, result.output
    assert "Note d&#39;honoraires n°\xa0F-2025-0001" in page.read_text(encoding="utf-8")
    assert listing(out) == [REGISTER, "F-2025-0001.html"]
    # hn's own file, unchanged: written again without --force (a payment came in since)
    result = run("note", "F-2025-0001", str(ledger), "--out", str(out), "--format", "html", "--au", "2025-03-31")
    assert result.exit_code == 0, result.output
    assert "31 mars 2025" in page.read_text(encoding="utf-8")
    # edited since: not hn's any more
    page.write_text(page.read_text(encoding="utf-8") + "<!-- annoté -->", encoding="utf-8")
    edited = page.read_bytes()
    result = run("note", "F-2025-0001", str(ledger), "--out", str(out), "--format", "html")
    assert result.exit_code == 1 and "n'a pas été écrit par hn pour ce livre (ou a été modifié depuis)" in result.output
    assert page.read_bytes() == edited


def test_out_dot_in_the_ledgers_folder_keeps_a_signed_devis(tmp_path, monkeypatch):
    ledger = notes_helpers.ledger_file(tmp_path)
    (tmp_path / "D-2025-0001.pdf").write_bytes(SCAN)
    monkeypatch.chdir(tmp_path)
    result = run("devis", "D-2025-0001", ledger.name)
    assert result.exit_code == 1
    assert "./D-2025-0001.pdf existe déjà et n'a pas été écrit par hn" in result.output
    assert (tmp_path / "D-2025-0001.pdf").read_bytes() == SCAN
    assert listing(tmp_path) == ["D-2025-0001.pdf", ledger.name]
    result = run("devis", "D-2025-0001", ledger.name, "--force")  # the ledger's folder is not its documents
    assert result.exit_code == 0, result.output
    assert (tmp_path / "D-2025-0001.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_the_ledgers_documents_folder_keeps_what_hn_did_not_write_even_with_force(tmp_path, force):
    ledger = notes_helpers.ledger_file(tmp_path, 'option "documents" "documents"\n' + notes_helpers.LEDGER)
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "D-2025-0001.html").write_bytes(SCAN)
    result = run("devis", "D-2025-0001", str(ledger), "--out", str(documents), "--format", "html", *force)
    assert result.exit_code == 1
    assert "est dans le dossier de documents du livre" in result.output
    assert "hn ne le remplace jamais, même avec --force" in result.output
    assert listing(documents) == ["D-2025-0001.html"] and (documents / "D-2025-0001.html").read_bytes() == SCAN
    # a new file there is fine, and so is writing it again: hn wrote it
    for _ in range(2):
        result = run("devis", "D-2025-0002", str(ledger), "--out", str(documents), "--format", "html")
        assert result.exit_code == 0, result.output
    assert listing(documents) == [REGISTER, "D-2025-0001.html", "D-2025-0002.html"]


def test_hn_notes_never_writes_its_archive_as_the_documents_folder(tmp_path):
    ledger = notes_helpers.ledger_file(tmp_path, 'option "documents" "documents"\n' + notes_helpers.LEDGER)
    (tmp_path / "documents").mkdir()
    result = run("notes", str(ledger), "--year", "2025", "--out", str(tmp_path / "documents"), "--force")
    assert result.exit_code == 1 and "un fichier du livre (ou son dossier de documents)" in result.output
    assert listing(tmp_path / "documents") == []


def test_a_file_of_a_document_entry_is_kept_even_with_force(tmp_path):
    text = notes_helpers.LEDGER + '\n2025-03-02 document Assets:Creances:Patients "scans/D-2025-0001.html"\n'
    ledger = notes_helpers.ledger_file(tmp_path, text)
    (tmp_path / "scans").mkdir()
    (tmp_path / "scans" / "D-2025-0001.html").write_bytes(SCAN)
    result = run("devis", "D-2025-0001", str(ledger), "--out", str(tmp_path / "scans"), "--format", "html",
                 "--force")
    assert result.exit_code == 1 and "une pièce du livre (directive document)" in result.output
    assert (tmp_path / "scans" / "D-2025-0001.html").read_bytes() == SCAN


def test_a_file_the_ledger_loads_is_never_replaced(tmp_path, monkeypatch):
    ledger = notes_helpers.ledger_file(tmp_path, name="F-2025-0001.html")  # a ledger may have any name
    before = ledger.read_bytes()
    monkeypatch.chdir(tmp_path)
    result = run("note", "F-2025-0001", ledger.name, "--format", "html", "--force")
    assert result.exit_code == 1
    assert "./F-2025-0001.html est un fichier du livre : hn ne le remplace jamais, même avec --force" in result.output
    assert ledger.read_bytes() == before and listing(tmp_path) == [ledger.name]


def test_a_file_written_for_another_ledger_needs_force(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = notes_helpers.ledger_file(tmp_path / "a")
    second = notes_helpers.ledger_file(tmp_path / "b")
    out = tmp_path / "partage"
    assert run("note", "F-2025-0001", str(first), "--out", str(out), "--format", "html").exit_code == 0
    result = run("note", "F-2025-0001", str(second), "--out", str(out), "--format", "html")
    assert result.exit_code == 1 and "n'a pas été écrit par hn pour ce livre" in result.output
    assert run("note", "F-2025-0001", str(second), "--out", str(out), "--format", "html", "--force").exit_code == 0


def test_a_link_a_folder_or_a_folder_hn_notes_wrote_whole_is_refused(tmp_path):
    ledger = notes_helpers.ledger_file(tmp_path)
    out = tmp_path / "notes"
    out.mkdir()
    (tmp_path / "ailleurs.html").write_bytes(SCAN)
    os.symlink(tmp_path / "ailleurs.html", out / "F-2025-0001.html")
    (out / "F-2025-0003.html").mkdir()
    for number, what in (("F-2025-0001", "un lien symbolique"), ("F-2025-0003", "autre chose qu'un fichier")):
        result = run("note", number, str(ledger), "--out", str(out), "--format", "html", "--force")
        assert result.exit_code == 1 and f"existe et est {what}" in result.output
    assert (tmp_path / "ailleurs.html").read_bytes() == SCAN and os.path.islink(out / "F-2025-0001.html")
    archive = tmp_path / "2025"
    assert run("notes", str(ledger), "--year", "2025", "--out", str(archive), "--format", "html").exit_code == 0
    before = listing(archive)
    result = run("note", "F-2025-0001", str(ledger), "--out", str(archive), "--format", "html", "--force")
    assert result.exit_code == 1 and "est un dossier écrit d'un bloc par hn notes" in result.output
    assert listing(archive) == before and MARKER in before


def test_a_register_hn_did_not_write_is_kept(tmp_path):
    ledger = notes_helpers.ledger_file(tmp_path)
    out = tmp_path / "notes"
    out.mkdir()
    (out / REGISTER).write_text("à moi", encoding="utf-8")
    result = run("note", "F-2025-0001", str(ledger), "--out", str(out), "--format", "html", "--force")
    assert result.exit_code == 1 and "n'est pas un registre de documents écrit par hn" in result.output
    assert listing(out) == [REGISTER]


def target(tmp_path, name: str = "F-1.html") -> OutputDocument:
    ledger = tmp_path / "main.beancount"
    ledger.write_text("", encoding="utf-8")
    return OutputDocument.for_ledger(str(tmp_path / "out"), name, "hn note", str(ledger), {}, [])


def test_a_file_that_appears_or_changes_while_writing_is_kept(tmp_path, monkeypatch):
    document = target(tmp_path)
    path = tmp_path / "out" / "F-1.html"
    record = OutputDocument._record

    def meanwhile(self, digest, content=b"arrived meanwhile"):
        record(self, digest)
        path.write_bytes(content)

    monkeypatch.setattr(OutputDocument, "_record", meanwhile)
    with pytest.raises(FolderError, match="a changé pendant l'écriture"):
        document.write(b"new")
    assert path.read_bytes() == b"arrived meanwhile"
    monkeypatch.setattr(OutputDocument, "_record", record)
    path.unlink()
    document.write(b"mine")  # now hn's own
    monkeypatch.setattr(OutputDocument, "_record", lambda self, digest: meanwhile(self, digest, b"edited"))
    with pytest.raises(FolderError, match="a changé pendant l'écriture"):
        document.write(b"new")
    assert path.read_bytes() == b"edited"
    assert listing(tmp_path / "out") == [REGISTER, "F-1.html"]  # no temporary left


def test_exclusive_write_never_replaces_and_works_without_hard_links(tmp_path, monkeypatch):
    path = tmp_path / "a.txt"
    path.write_bytes(b"old")
    with pytest.raises(FileExistsError):
        atomic.write_bytes(str(path), b"new", exclusive=True)
    assert path.read_bytes() == b"old" and listing(tmp_path) == ["a.txt"]

    def no_links(*args):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    with pytest.raises(FileExistsError):
        atomic.write_bytes(str(path), b"new", exclusive=True)
    atomic.write_bytes(str(tmp_path / "b.txt"), b"new", exclusive=True)
    assert (tmp_path / "b.txt").read_bytes() == b"new" and listing(tmp_path) == ["a.txt", "b.txt"]
