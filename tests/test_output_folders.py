"""The output-folder rule (``beancount_hn.core.outfolder``): ``hn export``, ``hn notes`` and Fava's zips.

A command creates its folder, or replaces only a folder it wrote itself for the
same ledger (its marker), only with ``--force``; never a folder that holds, equals
or is above a ledger file; never a non-empty folder it did not write; a signal
or a ``kill -9`` leaves no staging folder of health data behind (for long).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from dataclasses import replace
from functools import partial

import pytest

from beancount_hn.core import atomic, outfolder
from beancount_hn.core.outfolder import MARKER, FolderError, OutFile, OutputFolder, zip_files
from beancount_hn.invoicing.notes_files import archive_files, filename
from tests.exports_ledger import SMALL
from tests.ledgers import header_for, run_hn
from tests import notes_helpers

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


run = partial(run_hn, catch_exceptions=False)


@pytest.fixture
def ledger(tmp_path):
    """A small practice in ``tmp/compta/``: ``main.beancount`` including ``2025.beancount``."""
    folder = tmp_path / "compta"
    folder.mkdir()
    (folder / "2025.beancount").write_text(SMALL, encoding="utf-8")
    main_file = folder / "main.beancount"
    main_file.write_text('plugin "beancount_hn.plugins.all"\n' + header_for(SMALL) + 'include "2025.beancount"\n',
                         encoding="utf-8")
    return main_file


def export(ledger, out, *extra: str):
    return run("export", str(ledger), "--year", "2025", "--out", str(out), *extra)


def snapshot(folder) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> bytes)."""
    found = {}
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            with open(path, "rb") as handle:
                found[os.path.relpath(path, folder)] = handle.read()
    return found


def hidden_staging(parent) -> list[str]:
    return sorted(n for n in os.listdir(parent) if n.endswith((".tmp", ".old")))


# --- never over the ledger ---------------------------------------------------------------


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_out_dot_in_the_ledgers_folder_is_refused(ledger, monkeypatch, force):
    before = snapshot(ledger.parent)
    monkeypatch.chdir(ledger.parent)
    result = run("export", "main.beancount", "--year", "2025", "--out", ".", *force)
    assert result.exit_code == 1
    assert "Erreur : . contient" in result.output and "un fichier du livre" in result.output
    assert "rien n'est écrit" in result.output and "Traceback" not in result.output
    assert snapshot(ledger.parent) == before  # every .beancount file is still there, nothing added


def test_the_ledgers_parent_and_an_included_files_folder_are_refused(ledger, tmp_path):
    before = snapshot(tmp_path)
    for out in (tmp_path, ledger.parent, ledger.parent / ".." / "compta"):
        result = export(ledger, out, "--force")
        assert result.exit_code == 1, out
        assert "un fichier du livre" in result.output
    # a folder holding only an included file (not the main one) is refused as well
    (ledger.parent / "annees").mkdir()
    (ledger.parent / "2025.beancount").rename(ledger.parent / "annees" / "2025.beancount")
    ledger.write_text(ledger.read_text(encoding="utf-8").replace('"2025.beancount"', '"annees/2025.beancount"'),
                      encoding="utf-8")
    result = export(ledger, ledger.parent / "annees", "--force")
    assert result.exit_code == 1
    assert "annees/2025.beancount, un fichier du livre" in result.output
    assert os.listdir(ledger.parent / "annees") == ["2025.beancount"]
    assert set(snapshot(tmp_path)) == {"compta/main.beancount", "compta/annees/2025.beancount"}
    assert len(before) == 2


def test_notes_follows_the_same_rule(tmp_path, monkeypatch):
    path = notes_ledger(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = run("notes", path.name, "--year", "2025", "--out", ".", "--force")
    assert result.exit_code == 1 and "un fichier du livre" in result.output
    assert os.listdir(tmp_path) == [path.name]


# --- never over what hn did not write ----------------------------------------------------


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_a_folder_with_user_files_is_refused_even_with_force(ledger, tmp_path, force):
    out = tmp_path / "Documents"
    (out / "photos").mkdir(parents=True)
    (out / "lettre.odt").write_bytes(b"mine")
    (out / "photos" / "ete.jpg").write_bytes(b"\xff\xd8")
    result = export(ledger, out, *force)
    assert result.exit_code == 1
    assert "n'est pas vide et n'a pas été écrit par hn export" in result.output
    assert "lettre.odt, photos" in result.output and "même avec --force" in result.output
    assert snapshot(out) == {"lettre.odt": b"mine", os.path.join("photos", "ete.jpg"): b"\xff\xd8"}
    assert hidden_staging(tmp_path) == []


def test_many_foreign_files_are_named_in_part(ledger, tmp_path):
    out = tmp_path / "plein"
    out.mkdir()
    for i in range(8):
        (out / f"f{i}.txt").write_text("x")
    result = export(ledger, out, "--force")
    assert result.exit_code == 1
    assert "f0.txt, f1.txt, f2.txt, f3.txt, f4.txt (… et 3 autre(s))" in result.output


def test_an_empty_folder_is_used_and_a_file_or_a_link_is_refused(ledger, tmp_path):
    empty = tmp_path / "vide"
    empty.mkdir()
    assert export(ledger, empty).exit_code == 0
    assert MARKER in os.listdir(empty)
    (tmp_path / "fichier").write_text("x")
    result = export(ledger, tmp_path / "fichier", "--force")
    assert result.exit_code == 1 and "existe et n'est pas un dossier" in result.output
    os.symlink(empty, tmp_path / "lien")
    result = export(ledger, tmp_path / "lien", "--force")
    assert result.exit_code == 1 and "est un lien symbolique" in result.output


def test_the_current_folder_is_refused(ledger, tmp_path, monkeypatch):
    here = tmp_path / "ici"
    here.mkdir()
    monkeypatch.chdir(here)
    result = run("export", str(ledger), "--year", "2025", "--out", ".")
    assert result.exit_code == 1 and "est le dossier courant" in result.output
    assert os.listdir(here) == []


# --- a folder hn wrote ---------------------------------------------------------------------


def test_a_previous_bundle_needs_force_and_is_then_replaced(ledger, tmp_path):
    out = tmp_path / "export-2025"
    assert export(ledger, out).exit_code == 0
    marker = json.loads((out / MARKER).read_text(encoding="utf-8"))
    assert marker["command"] == "hn export" and marker["pid"] is None
    assert set(marker["files"]) == set(os.listdir(out)) - {MARKER}
    assert str(tmp_path) not in (out / MARKER).read_text(encoding="utf-8")  # the path is only a digest
    (out / "2035-2025.csv").unlink()  # a file of ours removed: still ours to replace
    result = export(ledger, out)
    assert result.exit_code == 1
    assert "existe déjà (écrit par hn export pour ce livre) ; utilisez --force" in result.output
    result = export(ledger, out, "--force")
    assert result.exit_code == 0, result.output
    assert "2035-2025.csv" in os.listdir(out)
    assert sorted(os.listdir(tmp_path)) == ["compta", "export-2025"]


def test_a_file_added_or_changed_in_a_written_folder_is_kept(ledger, tmp_path):
    out = tmp_path / "export-2025"
    assert export(ledger, out).exit_code == 0
    (out / "notes-du-comptable.txt").write_text("à garder")
    result = export(ledger, out, "--force")
    assert result.exit_code == 1
    assert "des fichiers que hn export n'y a pas écrits : notes-du-comptable.txt" in result.output
    (out / "notes-du-comptable.txt").unlink()
    with open(out / "livre-journal-2025.csv", "a", encoding="utf-8") as handle:
        handle.write("annotation\r\n")
    before = snapshot(out)
    result = export(ledger, out, "--force")
    assert result.exit_code == 1
    assert "modifiés depuis que hn export les a écrits : livre-journal-2025.csv" in result.output
    assert snapshot(out) == before


def test_a_marker_of_another_command_or_ledger_is_refused(ledger, tmp_path):
    out = tmp_path / "dossier"
    assert export(ledger, out).exit_code == 0
    before = snapshot(out)
    result = run("notes", str(ledger), "--year", "2025", "--out", str(out), "--force")
    assert result.exit_code == 1
    assert "a été écrit par hn export pour ce livre, pas par hn notes" in result.output
    other = tmp_path / "autre" / "main.beancount"
    other.parent.mkdir()
    other.write_text(ledger.read_text(encoding="utf-8").replace('include "2025.beancount"', SMALL), encoding="utf-8")
    result = export(other, out, "--force")
    assert result.exit_code == 1
    assert "a été écrit par hn export pour un autre livre" in result.output
    assert snapshot(out) == before


def test_a_marker_that_is_not_ours_does_not_count(ledger, tmp_path):
    out = tmp_path / "dossier"
    out.mkdir()
    (out / MARKER).write_text("{pas du json")
    result = export(ledger, out, "--force")
    assert result.exit_code == 1 and "n'a pas été écrit par hn export" in result.output


# --- interrupted writes -------------------------------------------------------------------


SLOW_WRITE = """
import os, sys, time
from beancount_hn.core import outfolder
real = outfolder._write_file
def slow(folder, name, content):
    real(folder, name, content)
    if name == "2035-2025.csv":  # a few files (and the marker) are in the staging folder
        print("ECRITURE", flush=True)
        time.sleep(60)
outfolder._write_file = slow
from beancount_hn.cli import main
main(["export", sys.argv[1], "--year", "2025", "--out", sys.argv[2], *sys.argv[3:]])
"""


def killed_export(ledger, out, signum: int, *extra: str) -> subprocess.CompletedProcess:
    """``hn export`` in a child process, sent ``signum`` while its staging folder is half written."""
    env = dict(os.environ, BEANCOUNT_DISABLE_LOAD_CACHE="1", PYTHONPATH=REPO)
    child = subprocess.Popen([sys.executable, "-c", SLOW_WRITE, str(ledger), str(out), *extra],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout.readline().strip() == "ECRITURE", child.stderr.read()
        [staging] = hidden_staging(os.path.dirname(out))
        assert "2035-2025.csv" in os.listdir(os.path.join(os.path.dirname(out), staging))
        child.send_signal(signum)
        stdout, stderr = child.communicate(timeout=60)
    finally:
        child.kill()
    return subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_removes_the_staging_folder_and_keeps_the_previous_bundle(ledger, tmp_path, signum):
    out = tmp_path / "export-2025"
    assert export(ledger, out).exit_code == 0
    before = snapshot(out)
    done = killed_export(ledger, out, signum, "--force")
    assert done.returncode == 1
    assert f"interrompu ({signal.Signals(signum).name})" in done.stderr and "Traceback" not in done.stderr
    assert hidden_staging(tmp_path) == []
    assert snapshot(out) == before


def test_a_killed_export_leaves_a_staging_folder_the_next_run_removes(ledger, tmp_path):
    out = tmp_path / "export-2025"
    done = killed_export(ledger, out, signal.SIGKILL)
    assert done.returncode == -signal.SIGKILL
    [staging] = hidden_staging(tmp_path)
    assert not out.exists()
    assert json.loads((tmp_path / staging / MARKER).read_text(encoding="utf-8"))["pid"] > 0
    result = export(ledger, out)
    assert result.exit_code == 0, result.output
    assert f"dossier temporaire d'une exécution interrompue supprimé : {tmp_path / staging}" in result.output
    assert sorted(os.listdir(tmp_path)) == ["compta", "export-2025"]


def test_stale_staging_folders_are_recognised_by_name_marker_and_process(ledger, tmp_path):
    out = tmp_path / "export-2025"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    living = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        def staging(name: str, pid: int | None, files: dict[str, bytes]) -> None:
            (tmp_path / name).mkdir()
            marker = outfolder.Marker("hn export", "x", {}, pid)
            (tmp_path / name / MARKER).write_text(marker.to_json(), encoding="utf-8")
            for file, content in files.items():
                (tmp_path / name / file).write_bytes(content)

        staging(".export-2025.0123abcd.tmp", dead_pid, {"2035-2025.csv": b"Patient"})  # killed run
        staging(".export-2025.4567cdef.old", None, {"LISEZMOI.txt": b"old"})  # killed mid-swap
        staging(".export-2025.89abcdef.tmp", living.pid, {})  # another run, still writing
        (tmp_path / ".export-2025.deadbeef.tmp").mkdir()  # empty: killed before its marker
        (tmp_path / ".export-2025.feedf00d.tmp").mkdir()  # not hn's (no marker): kept
        (tmp_path / ".export-2025.feedf00d.tmp" / "a moi").write_text("x")
        (tmp_path / ".export-2026.0123abcd.tmp").mkdir()  # another target's: not looked at
        result = export(ledger, out)
        assert result.exit_code == 0, result.output
        assert result.output.count("dossier temporaire d'une exécution interrompue supprimé") == 3
        assert sorted(os.listdir(tmp_path)) == [".export-2025.89abcdef.tmp", ".export-2025.feedf00d.tmp",
                                                ".export-2026.0123abcd.tmp", "compta", "export-2025"]
    finally:
        living.kill()
        living.wait()


def test_a_signal_during_the_swap_waits_and_the_run_succeeds(ledger, tmp_path, monkeypatch):
    out = tmp_path / "export-2025"
    assert export(ledger, out).exit_code == 0
    real = atomic._swap

    def interrupted_swap(*args):
        os.kill(os.getpid(), signal.SIGTERM)  # arrives between the two renames' caller and them
        real(*args)

    monkeypatch.setattr(atomic, "_swap", interrupted_swap)
    result = export(ledger, out, "--force")
    assert result.exit_code == 0, result.output
    assert "fichiers pour 2025" in result.output
    assert sorted(os.listdir(tmp_path)) == ["compta", "export-2025"]
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # the handlers are put back


def test_a_signal_while_writing_in_process_cleans_up(ledger, tmp_path, monkeypatch):
    out = tmp_path / "export-2025"
    real = outfolder._write_file

    def write(folder, name, content):
        real(folder, name, content)
        if name == "factures-2025.csv":
            os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(outfolder, "_write_file", write)
    result = export(ledger, out)
    assert result.exit_code == 1
    assert "interrompu (SIGTERM) : " in result.output and "le dossier temporaire est supprimé" in result.output
    assert sorted(os.listdir(tmp_path)) == ["compta"]


# --- file names ------------------------------------------------------------------------------


SERIES = ('2024-01-01 custom "hn-option" "invoice-series" "S" "F {seq}"\n'
          '2024-01-01 custom "hn-option" "invoice-series" "U" "F_{seq}"\n')


def notes_ledger(tmp_path, renumber: dict[str, str] | None = None):
    text = notes_helpers.LEDGER
    for old, new in (renumber or {}).items():
        text = text.replace(old, new)
    return notes_helpers.ledger_file(tmp_path, (SERIES if renumber else "") + textwrap.dedent(text),
                                     "cabinet.beancount")


def test_numbers_f_space_1_and_f_underscore_1_get_distinct_files(tmp_path):
    path = notes_ledger(tmp_path, {"F-2025-0003": "F 1", "F-2025-0002": "F_1"})
    out = tmp_path / "archive"
    result = run("notes", str(path), "--year", "2025", "--out", str(out), "--format", "html")
    assert result.exit_code == 0, result.output
    names = sorted(os.listdir(out))
    [hashed] = [n for n in names if n.startswith("F_1~")]
    assert names == [MARKER, "AV-2025-001.html", "F-2025-0001.html", "F_1.html", hashed, "index.html"]
    assert "F 1" in (out / hashed).read_text(encoding="utf-8")
    assert "F_1" in (out / "F_1.html").read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f'href="{hashed}"' in index and 'href="F_1.html"' in index


def test_names_equal_but_for_case_are_an_error_naming_both(tmp_path):
    doc = notes_helpers.document("F-2025-0001")
    documents = [replace(doc, number="F-1"), replace(doc, number="f-1")]
    assert filename(documents[0], "html") != filename(documents[1], "html")
    folder = OutputFolder(str(tmp_path / "archive"), "hn notes", str(tmp_path / "x.beancount"), ())
    with pytest.raises(FolderError, match="le document F-1 et le document f-1 auraient le même fichier f-1.html"):
        folder.write(archive_files(documents, "html", "Notes"))
    assert os.listdir(tmp_path) == []


def test_zips_check_names_the_same_way():
    with pytest.raises(FolderError, match="LISEZMOI.txt et lisezmoi.txt auraient le même fichier"):
        zip_files("export-2025", [OutFile("LISEZMOI.txt", b"a"), OutFile("lisezmoi.txt", b"b")])
    with pytest.raises(FolderError, match="nom de fichier invalide"):
        zip_files("export-2025", [OutFile("../evil", b"a")])
    with pytest.raises(FolderError, match="nom de fichier invalide"):
        zip_files("export-2025", [OutFile(MARKER, b"a")])
