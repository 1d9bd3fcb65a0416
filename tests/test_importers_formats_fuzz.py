"""Hostile bytes for the CFONB, QIF, OFX and camt readers: a French one-line error naming the
file (and its line when it has one), or entries Beancount accepts — never another exception."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from beancount.core import data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beancount_hn.importers.camt import CamtImporter
from beancount_hn.importers.cfonb import CFONBImporter
from beancount_hn.importers.detect import detect
from beancount_hn.importers.ofx import OFXImporter
from beancount_hn.importers.qif import QIFImporter
from beancount_hn.importers.textfile import ImportFileError

DATA = Path(__file__).parent / "data" / "importers"
ACCOUNT = "Assets:Banque:Courant"

SAMPLES = {
    "releve-cfonb.cfo": CFONBImporter,
    "cfonb-pennylane.txt": CFONBImporter,
    "releve-boursorama.qif": QIFImporter,
    "comptes.qif": QIFImporter,
    "lbp.ofx": OFXImporter,
    "banque-populaire.ofx": OFXImporter,
    "releve-deux-comptes.camt053.xml": CamtImporter,
    "releve.camt053.xml": CamtImporter,
}

#: English words that would betray a message nobody translated (quoted file content aside).
ENGLISH = re.compile(r"\b(the|is|not|of|and|cannot|invalid|missing|expected|error|found|file|"
                     r"line|without|must|unknown)\b", re.IGNORECASE)
QUOTED = re.compile(r"«[^»]*»|'[^']*'|\"[^\"]*\"|<[^>]*>")


def _mutate(original: bytes, cut: int, position: int, noise: bytes, how: str) -> bytes:
    position %= len(original) + 1
    if how == "truncate":
        return original[:cut % (len(original) + 1)]
    if how == "insert":
        return original[:position] + noise + original[position:]
    if how == "overwrite":
        return original[:position] + noise + original[position + len(noise):]
    return noise


def _check(importer_type, path: str) -> None:
    try:
        entries = importer_type(ACCOUNT).extract(path, [])
    except ImportFileError as error:
        text = str(error)
        assert text.startswith(path) and "\n" not in text, text
        assert not ENGLISH.search(QUOTED.sub("", error.message)), error.message
        return
    for entry in entries:
        data.sanity_check_types(entry)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(SAMPLES)), cut=st.integers(0, 10**6),
       position=st.integers(0, 10**6), noise=st.binary(max_size=40),
       how=st.sampled_from(["truncate", "insert", "overwrite", "replace"]))
def test_mutated_statement_gives_entries_or_a_french_error(name: str, cut: int, position: int,
                                                           noise: bytes, how: str) -> None:
    content = _mutate((DATA / name).read_bytes(), cut, position, noise, how)
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / name)
        Path(path).write_bytes(content)
        _check(SAMPLES[name], path)
        try:
            detect(path)
        except ImportFileError as error:
            assert str(error).startswith(path)


@settings(max_examples=100, deadline=None)
@given(lines=st.lists(st.text(alphabet="0123456789 {}ABCDEFGHIJKLMNOPQRZ\r\n", max_size=130),
                      min_size=1, max_size=6))
def test_cfonb_like_records(lines: list[str]) -> None:
    head = (DATA / "releve-cfonb.cfo").read_text(encoding="ascii").splitlines()[0]
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "r.cfo")
        Path(path).write_text("\n".join([head, *lines]), encoding="ascii")
        _check(CFONBImporter, path)


@settings(max_examples=100, deadline=None)
@given(fields=st.lists(st.tuples(st.sampled_from(list("DTUPMNLCS^!")),
                                 st.text(max_size=15)), max_size=12))
def test_qif_like_records(fields: list[tuple[str, str]]) -> None:
    text = "!Type:Bank\n" + "\n".join(code + value.replace("\n", " ") for code, value in fields)
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "r.qif")
        Path(path).write_text(text, encoding="utf-8")
        _check(QIFImporter, path)
