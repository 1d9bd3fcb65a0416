"""The NGAP tables of four professions: letters, validity, values, and the ``profession`` option."""

from __future__ import annotations

import csv
import datetime
import re
from decimal import Decimal
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from beancount_hn.core import frtypo
from beancount_hn.core.acts import (COMMON_FILE, TABLE_FILES, VALUES_FILE, ActError, act_status, key_letters,
                                    parse_acts, tariff)
from beancount_hn.core.config import PROFESSIONS
from tests.ledgers import line_of, load

KINE, INFIRMIER, ORTHOPHONISTE, SAGE_FEMME = PROFESSIONS
BEFORE, AFTER = datetime.date(2024, 2, 21), datetime.date(2024, 2, 22)
#: The 20 body-region letters of the décision UNCAM of 14 December 2023 (fr-rules §10.5).
BODY_REGION = ("RAM RAO DRA RSM RSC VSM VSC RIM RIC VIM VIC ARL NMI RAV APM RPE TER RAB RPB PLL").split()


def _rows(path: str) -> list[dict[str, str]]:
    return list(csv.DictReader(resources.files("beancount_hn").joinpath(path).read_text("utf-8").splitlines()))


# --- the kiné table --------------------------------------------------------------------------


@pytest.mark.parametrize("code", BODY_REGION + ["TMK"])
def test_the_letters_of_22_february_2024(code):
    assert act_status(f"{code} 8.1", AFTER) == "conventionne"
    with pytest.raises(ActError, match=f"« {code} » n'est pas en vigueur le 21 février 2024 : elle l'est à partir "
                                       "du 22 février 2024"):
        act_status(f"{code} 8.1", BEFORE)


def test_ams_and_amc_end_when_the_body_region_letters_start():
    for code in ("AMS", "AMC"):
        assert act_status(f"{code} 7.5", BEFORE) == "conventionne"
        with pytest.raises(ActError, match="remplacées le 22 février 2024 par AMK"):
            act_status(f"{code} 7.5", AFTER)
    assert act_status("AMK 8", BEFORE) == act_status("AMK 8", AFTER) == "conventionne"


def test_key_letter_values_mainland_and_dom():
    amk = key_letters()["AMK"]
    assert (amk.value(BEFORE).mainland, amk.value(BEFORE).dom) == (Decimal("2.15"), Decimal("2.36"))
    assert (amk.value(AFTER).mainland, amk.value(AFTER).dom) == (Decimal("2.21"), Decimal("2.43"))
    assert amk.value(datetime.date(2012, 7, 14)) is None  # before any value the sources confirm
    for code in BODY_REGION:
        value = key_letters()[code].value(datetime.date(2025, 3, 4))
        assert (value.mainland, value.dom) == (Decimal("2.21"), Decimal("2.43")), code
    assert key_letters()["TMK"].value(AFTER).mainland == Decimal("2.15")


def test_tariffs_round_each_act_to_the_cent():
    on = datetime.date(2025, 3, 4)
    assert tariff(parse_acts("RAB 8"), on) == Decimal("17.68")
    assert tariff(parse_acts("DRA 7.5"), on) == Decimal("16.58")  # 16,575 €
    assert tariff(parse_acts("DRA 7.5"), on, dom=True) == Decimal("18.23")  # 18,225 €
    assert tariff(parse_acts("RAB 8 + IFD + IKP 12"), on) == Decimal("17.68") + Decimal("2.50") + Decimal("4.56")
    assert tariff(parse_acts("AMS 7.5"), BEFORE) == Decimal("16.13")
    assert tariff(parse_acts("IK 12"), on) is None  # the zone decides: no value without IKP/IKM/IKS
    assert tariff(parse_acts("DE"), on) is None


def test_travel_indemnities_carry_their_official_labels():
    labels = {code: key_letters()[code].label for code in ("IFO", "IFR", "IFN", "IFP", "IFS", "FRD", "FAD")}
    assert labels == {
        "IFO": "Indemnité forfaitaire orthopédique et rhumatologique",
        "IFR": "Indemnité forfaitaire rhumatismale",
        "IFN": "Indemnité forfaitaire neurologique",
        "IFP": "Indemnité forfaitaire pneumologique",
        "IFS": "Indemnité forfaitaire de sortie",
        "FRD": "Forfait prise en charge rapide du retour à domicile post-AVC",
        "FAD": "Forfait accompagnement du retour à domicile post-chirurgie orthopédique",
    }
    assert {key_letters()[code].value(AFTER).mainland for code in ("IFO", "IFR", "IFN", "IFP", "IFS")} == {
        Decimal("4.00")}


# --- four professions ------------------------------------------------------------------------


@pytest.mark.parametrize("profession, code, status", [
    (INFIRMIER, "AMI 1", "conventionne"), (INFIRMIER, "AIS 3 + IFD + MAU", "conventionne"),
    (INFIRMIER, "BSB", "conventionne"), (INFIRMIER, "AMI 1 + MIE", "conventionne"),
    (ORTHOPHONISTE, "AMO 12.2", "conventionne"), (SAGE_FEMME, "C + MSF", "conventionne"),
    (SAGE_FEMME, "SF 15", "conventionne"), (SAGE_FEMME, "SFI 2", "conventionne"),
    (INFIRMIER, "DE", "depassement"), (SAGE_FEMME, "HN", "non-conventionne"), (ORTHOPHONISTE, "HC", "non-conventionne"),
])
def test_each_profession_reads_its_own_table(profession, code, status):
    assert act_status(code, datetime.date(2025, 3, 4), profession=profession) == status


@pytest.mark.parametrize("profession, code, other", [
    (KINE, "AMI 1", "infirmiers (NGAP titre XVI)"),
    (INFIRMIER, "RAB 8", "masseurs-kinésithérapeutes (NGAP titre XIV)"),
    (KINE, "AMO 10", "orthophonistes"),
    (ORTHOPHONISTE, "SF 15", "sages-femmes"),
])
def test_a_letter_of_another_profession_is_an_error(profession, code, other):
    with pytest.raises(ActError, match=f"appartient à la table des {re.escape(other)}, pas à celle des .* que ce "
                                       "livre applique"):
        act_status(code, datetime.date(2025, 3, 4), profession=profession)


def test_shared_letters_take_the_value_of_the_practice_profession():
    on = datetime.date(2025, 3, 4)
    assert tariff(parse_acts("IFD", profession=KINE), on) == Decimal("2.50")
    assert tariff(parse_acts("IFD", profession=INFIRMIER), on) == Decimal("2.75")
    assert tariff(parse_acts("AMI 1.5", profession=INFIRMIER), on) == Decimal("4.73")  # 4,725 €
    assert tariff(parse_acts("AMO 10", profession=ORTHOPHONISTE), on) is None  # dated value not confirmed


def test_ngap_letter_still_declares_a_missing_letter():
    letters = frozenset({"XYZ", "AMI"})
    assert act_status("XYZ 2", datetime.date(2025, 3, 4), letters, INFIRMIER) == "conventionne"
    assert act_status("AMI 1", datetime.date(2025, 3, 4), letters, KINE) == "conventionne"


LEDGER = """
2024-01-01 custom "hn-option" "profession" "{profession}"
2024-01-01 open Assets:Banque
2024-01-01 open Income:Honoraires
2025-03-04 * "Mme Petit" "Injection à domicile"
  Assets:Banque    8.25 EUR
  Income:Honoraires  -8.25 EUR
    acte: "AMI 1 + IFD"
"""


def test_the_profession_option_decides_and_the_error_names_the_line():
    entries, errors, _ = load(LEDGER.replace("{profession}", INFIRMIER))
    assert errors == []
    text = LEDGER.replace("{profession}", KINE)
    entries, errors, _ = load(text)
    [error] = errors
    assert error.source["lineno"] == line_of(text, '"Injection à domicile"')
    assert "la lettre clé « AMI » (acte « AMI 1 + IFD ») appartient à la table des infirmiers" in error.message
    entries, errors, _ = load(text.replace(f'"profession" "{KINE}"', '"ngap-letter" "AMI"'))
    assert errors == []  # the escape hatch, in a ledger without the option (a kiné's by default)


# --- the tables themselves -----------------------------------------------------------------


def test_every_letter_has_a_label_a_source_and_a_confidence():
    for profession in PROFESSIONS:
        for letter in key_letters(profession).values():
            assert letter.label and letter.source and letter.confidence in ("H", "M", "L"), (profession, letter)
            assert letter.status in ("conventionne", "depassement", "non-conventionne")
            if letter.valid_from and letter.valid_to:
                assert letter.valid_from <= letter.valid_to


def test_every_value_belongs_to_a_letter_of_its_profession_and_within_its_validity():
    for row in _rows(VALUES_FILE):
        letter = key_letters(row["profession"])[row["code"]]
        assert row["source"] and row["confidence"] in ("H", "M", "L")
        for value in letter.values:
            assert letter.in_force(value.valid_from) or value.valid_from == datetime.date.min, row
            assert value.mainland > 0 and (value.dom is None or value.dom > 0)


def test_the_common_codes_are_not_redefined_by_a_profession():
    common = {row["code"] for row in _rows(COMMON_FILE)}
    for path in TABLE_FILES.values():
        assert common.isdisjoint(row["code"] for row in _rows(path)), path


@given(st.sampled_from(PROFESSIONS), st.dates(datetime.date(2000, 1, 1), datetime.date(2030, 12, 31)),
       st.data())
def test_any_letter_on_any_day_is_its_status_or_a_dated_refusal(profession, day, data):
    code = data.draw(st.sampled_from(sorted(key_letters(profession))))
    letter = key_letters(profession)[code]
    try:
        status = act_status(f"{code} 2", day, profession=profession)
    except ActError as error:
        assert not letter.in_force(day) and f"n'est pas en vigueur le {frtypo.date(day)}" in str(error)
    else:
        assert letter.in_force(day) and status == letter.status
    value = letter.value(day)
    assert value is None or value.valid_from <= day <= value.valid_to
