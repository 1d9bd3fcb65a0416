"""Detection and decoding of CSV statements, and hostile input: French errors with file:line, never
a traceback.

Encodings (UTF-8 with or without BOM, Windows-1252, ISO-8859-15, UTF-16 with BOM), headers
damaged upstream (U+FFFD), preambles, NBSP thousands, summary lines, absurd amounts; then
hypothesis: random bytes, truncated and corrupted exports of every bank give an
:class:`ImportFileError` naming the file, or entries.
"""

from __future__ import annotations

import codecs
from decimal import Decimal
from pathlib import Path

import pytest
from beancount.core import data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beancount_hn.importers.amounts import AmountError, parse_amount
from beancount_hn.importers.bank_csv import BankCSVImporter
from beancount_hn.importers.detect import detect
from beancount_hn.importers.layouts import header_key, key_matches, presets
from beancount_hn.importers.textfile import ImportFileError, decode, eight_bit_encoding
from tests.ledgers import write_file as _write

BANKS = Path(__file__).parent / "data" / "importers" / "banks"
ACCOUNT = "Assets:Banque:Courant"
STATEMENT = "Date;Libellé;Montant\n03/03/2025;Café « Le Zéphyr » 12 €;-1 234,56\n"


def _transactions(path: str, preset: str = "montant-signe") -> list[data.Transaction]:
    entries = BankCSVImporter(ACCOUNT, preset).extract(path, [])
    return [e for e in entries if isinstance(e, data.Transaction)]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "iso8859-15", "utf-16",
                                      "utf-16-be"])
def test_every_encoding_banks_use_reads_the_same(tmp_path: Path, encoding: str) -> None:
    raw = STATEMENT.encode(encoding)
    if encoding == "utf-16-be":
        raw = codecs.BOM_UTF16_BE + raw
    path = _write(tmp_path, "releve.csv", raw)
    assert detect(path).label == "montant-signe"
    [txn] = _transactions(path)
    assert txn.narration == "Café « Le Zéphyr » 12 €"
    assert txn.postings[0].units.number == Decimal("-1234.56")


def test_the_euro_byte_tells_windows_1252_from_iso_8859_15() -> None:
    assert eight_bit_encoding("12 €".encode("iso8859-15")) == "iso8859-15"  # 0xA4
    assert eight_bit_encoding("12 €".encode("cp1252")) == "cp1252"  # 0x80
    assert eight_bit_encoding("Crédit".encode("latin-1")) == "cp1252"  # same letter in both
    assert eight_bit_encoding("’ 12 €".encode("cp1252") + b"\xa4") == "cp1252"  # C1 bytes: 1252
    assert decode("Débit 12 €".encode("iso8859-15"), "x.csv") == ("Débit 12 €", "iso8859-15")


def test_a_header_damaged_upstream_still_matches(tmp_path: Path) -> None:
    """Accents already replaced by U+FFFD (a cp1252 file once read as UTF-8): any letter fits."""
    assert key_matches(header_key("D\ufffdbit"), frozenset({"debit"}))
    assert not key_matches(header_key("D\ufffdbut"), frozenset({"debit"}))
    assert not key_matches(header_key("D\ufffdbits"), frozenset({"debit"}))
    text = "Date;Libell\ufffd;D\ufffdbit;Cr\ufffddit\n03/03/2025;URSSAF;245,00;\n"
    path = _write(tmp_path, "abime.csv", text)
    assert detect(path).label == "banque-traditionnelle"
    assert [t.postings[0].units.number for t in _transactions(path, "banque-traditionnelle")] \
        == [Decimal("-245.00")]


def test_header_found_through_a_long_preamble(tmp_path: Path) -> None:
    preamble = "".join(f"Information {i};valeur {i}\n" for i in range(60))
    path = _write(tmp_path, "releve.csv", preamble + STATEMENT)
    assert detect(path).label == "montant-signe"
    [txn] = _transactions(path)
    assert txn.meta["lineno"] == 62


def test_old_mac_line_ends(tmp_path: Path) -> None:
    path = _write(tmp_path, "mac.csv", STATEMENT.replace("\n", "\r"))
    assert len(_transactions(path)) == 1


@pytest.mark.parametrize("space", ["\u00a0", "\u202f", " "])
def test_non_breaking_thousands(tmp_path: Path, space: str) -> None:
    text = f"Date;Libellé;Débit;Crédit\n03/03/2025;URSSAF;1{space}245,00;\n04/03/2025;CPAM;;12{space}975,20\n"
    path = _write(tmp_path, "releve.csv", text.encode("cp1252", "replace") if space != "\u202f"
                  else text.encode("utf-8"))
    amounts = [t.postings[0].units.number for t in _transactions(path, "banque-traditionnelle")]
    assert amounts == [Decimal("-1245.00"), Decimal("12975.20")]


def test_trailing_summary_lines_are_skipped(tmp_path: Path) -> None:
    text = ("Date;Libellé;Débit;Crédit\n03/03/2025;URSSAF;245,00;\n04/03/2025;CPAM;;975,20\n"
            "Total des opérations;;245,00;975,20\nSous-total;;245,00;975,20\n"
            "Nombre d'opérations : 2\n")
    path = _write(tmp_path, "releve.csv", text)
    assert len(_transactions(path, "banque-traditionnelle")) == 2


def test_a_dated_short_line_after_the_table_is_a_truncated_row(tmp_path: Path) -> None:
    text = "Date;Libellé;Débit;Crédit\n03/03/2025;URSSAF;245,00;\n04/03/2025;CPAM\n"
    path = _write(tmp_path, "releve.csv", text)
    with pytest.raises(ImportFileError, match="tronquée") as info:
        _transactions(path, "banque-traditionnelle")
    assert info.value.line == 3


@pytest.mark.parametrize("amount", ["1e9999", "NaN", "-Infinity", "1E3", "9" * 30, "0x1F", "1 24",
                                    "1_000"])
def test_absurd_amounts_are_refused_with_their_line(tmp_path: Path, amount: str) -> None:
    path = _write(tmp_path, "releve.csv", f"Date;Libellé;Montant\n03/03/2025;OK;1,00\n"
                                          f"04/03/2025;X;{amount}\n")
    with pytest.raises(ImportFileError) as info:
        _transactions(path)
    assert info.value.line == 3 and str(info.value).startswith(f"{path}:3: ")
    with pytest.raises(AmountError):
        parse_amount(amount, ".")


def test_messages_are_french(tmp_path: Path) -> None:
    path = _write(tmp_path, "releve.csv", "Date;Libellé;Montant\n31/02/2025;X;1,00\n")
    with pytest.raises(ImportFileError, match="la date « 31/02/2025 » n'est pas écrite jj/mm/aaaa"):
        _transactions(path)


# -- hypothesis: no traceback on any input ------------------------------------------------

IMPORTERS = [BankCSVImporter(ACCOUNT, name) for name, layout in sorted(presets().items())
             if layout.kind == "bank"]
FIXTURES = sorted(BANKS.glob("*.csv"))


def _never_crashes(path: str) -> None:
    try:
        detect(path)
    except ImportFileError as exc:
        assert str(exc).startswith(path) and "\n" not in str(exc)
    for importer in IMPORTERS:
        assert importer.identify(path) in (True, False)
        try:
            assert all(isinstance(i, str) for i in importer.account_ids(path))
            entries = importer.extract(path, [])
        except ImportFileError as exc:
            assert str(exc).startswith(path) and "\n" not in str(exc)
        else:
            assert all(isinstance(e, (data.Transaction, data.Balance)) for e in entries)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_random_bytes(tmp_path: Path, raw: bytes) -> None:
    _never_crashes(_write(tmp_path, "hasard.csv", raw))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(FIXTURES), st.floats(min_value=0, max_value=1))
def test_truncated_exports(tmp_path: Path, fixture: Path, where: float) -> None:
    raw = fixture.read_bytes()
    _never_crashes(_write(tmp_path, fixture.name, raw[: int(len(raw) * where)]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(FIXTURES), st.lists(st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=3)),
                                           min_size=1, max_size=4))
def test_corrupted_exports(tmp_path: Path, fixture: Path, damage: list[tuple[float, bytes]]) -> None:
    raw = bytearray(fixture.read_bytes())
    for where, junk in damage:
        at = int(len(raw) * where)
        raw[at:at + len(junk)] = junk
    _never_crashes(_write(tmp_path, fixture.name, bytes(raw)))
