"""The practitioner's identity, from the keyed option ``identity``.

Every document handed to a patient or a company (note d'honoraires, avoir,
devis, Factur-X invoice) carries who issued it::

    2024-09-01 custom "hn-option" "identity" "nom" "Camille Martin"
    2024-09-01 custom "hn-option" "identity" "adresse" "12 rue des Lilas"
    2024-09-01 custom "hn-option" "identity" "code-postal" "69003"
    2024-09-01 custom "hn-option" "identity" "ville" "Lyon"
    2024-09-01 custom "hn-option" "identity" "siret" "73282932000074"
    2024-09-01 custom "hn-option" "identity" "rpps" "10101234567"

Checks (``identity_problems``): SIREN (9 digits) and SIRET (14 digits) carry a
Luhn check digit (La Poste's establishments excepted: their digits add up to a
multiple of 5), a SIRET starts with its SIREN, RPPS has 11 digits, ADELI 9
(``2A``/``2B`` for Corsica), an IBAN passes its ISO 13616 mod-97 check. The
name gets the mention « EI » (décret 2022-725) unless it already says
« EI » or « entrepreneur individuel ».

``require_identity`` is what renderers call: it raises :class:`IdentityError`
naming every missing or malformed field and the option line to add.
"""

from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass, field

from beancount.core import data

from beancount_hn.core.acts import DEFAULT_PROFESSION
from beancount_hn.core.config import HnConfig
from beancount_hn.core.errors import as_written, error_type, source_of, where
from beancount_hn.core.ledger import LedgerIndex

IdentityConfigError = error_type("IdentityConfigError")

#: The profession labels of the ``profession`` option, as printed on documents.
PROFESSION_LABELS = {
    "masseur-kinesitherapeute": "Masseur-kinésithérapeute",
    "infirmier": "Infirmier",
    "orthophoniste": "Orthophoniste",
    "sage-femme": "Sage-femme",
}

#: Fields every document needs (``rpps`` or ``adeli`` is checked apart).
REQUIRED_FIELDS = ("nom", "adresse", "code-postal", "ville", "siret")

_EXAMPLES = {
    "nom": '"Camille Martin"',
    "profession": '"Masseur-kinésithérapeute"',
    "adresse": '"12 rue des Lilas"',
    "code-postal": '"69003"',
    "ville": '"Lyon"',
    "siret": '"73282932000074"',
    "siren": '"732829320"',
    "rpps": '"10101234567"',
    "adeli": '"699712345"',
}

# « EI » in capitals as a word of its own, or the words in full (any case).
_EI_RE = re.compile(r"(?<![\w.-])(?:E\.?I\.?|(?i:entrepreneur individuel|entrepreneuse individuelle))(?![\w-])")
_LA_POSTE_SIREN = "356000000"
SIRET_NOT_SIREN = "ne commence pas par le SIREN"


class IdentityError(ValueError):
    """Missing or malformed identity fields; the message lists what to add."""


def luhn_valid(digits: str) -> bool:
    """True if the digit string passes the Luhn check (the key of SIREN and SIRET)."""
    if not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _clean_number(value: str) -> str:
    """``"732 829 320 00074"`` -> ``"73282932000074"``: people write numbers with spaces."""
    return re.sub(r"[\s.\-\u00a0\u202f]", "", value)


def siren_problem(value: str) -> str | None:
    """What is wrong with a SIREN, or None."""
    number = _clean_number(value)
    if not number.isdigit() or len(number) != 9:
        return f"SIREN {as_written(value)} : il faut 9 chiffres"
    if not luhn_valid(number):
        return (f"SIREN {as_written(value)} : la clé de contrôle (Luhn) est fausse ; recopiez-le de votre avis de "
                "situation INSEE")
    return None


def siret_problem(value: str) -> str | None:
    """What is wrong with a SIRET, or None."""
    number = _clean_number(value)
    if not number.isdigit() or len(number) != 14:
        return f"SIRET {as_written(value)} : il faut 14 chiffres (les 9 du SIREN et les 5 du NIC)"
    if number[:9] == _LA_POSTE_SIREN:
        ok = sum(int(c) for c in number) % 5 == 0
    else:
        ok = luhn_valid(number)
    if not ok:
        return (f"SIRET {as_written(value)} : la clé de contrôle (Luhn) est fausse ; recopiez-le de votre avis de "
                "situation INSEE")
    return siren_problem(number[:9]) and f"SIRET {as_written(value)} : ses 9 premiers chiffres ne sont pas un SIREN valable"


def iban_problem(value: str) -> str | None:
    """What is wrong with an IBAN (ISO 13616 mod-97), or None."""
    number = _clean_number(value).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", number):
        return f"IBAN {as_written(value)} : ce n'est pas un IBAN (deux lettres, deux chiffres de contrôle, puis le compte)"
    rearranged = number[4:] + number[:4]
    if int("".join(str(int(c, 36)) for c in rearranged)) % 97 != 1:
        return f"IBAN {as_written(value)} : la clé de contrôle (modulo 97) est fausse ; recopiez-le de votre RIB"
    return None


def has_ei_mention(name: str) -> bool:
    """True if ``name`` already says « EI » or « entrepreneur individuel »."""
    return _EI_RE.search(name) is not None


@dataclass(frozen=True)
class Identity:
    """The practitioner as the documents print them (values as written, stripped)."""

    values: dict[str, str]
    profession_option: str | None = None
    entries: dict[str, data.Custom] = field(default_factory=dict, repr=False)

    def get(self, key: str) -> str | None:
        return self.values.get(key)

    @property
    def nom(self) -> str | None:
        return self.values.get("nom")

    @property
    def display_name(self) -> str:
        """The name with the « EI » mention (added when not written)."""
        name = self.nom or ""
        return name if has_ei_mention(name) else f"{name} EI"

    @property
    def profession(self) -> str | None:
        """``identity "profession"`` as written, else the label of the ``profession`` option."""
        return self.values.get("profession") or PROFESSION_LABELS.get(self.profession_option or "")

    @property
    def siret(self) -> str | None:
        value = self.values.get("siret")
        return _clean_number(value) if value else None

    @property
    def siren(self) -> str | None:
        """``identity "siren"``, else the first 9 digits of the SIRET."""
        value = self.values.get("siren")
        if value:
            return _clean_number(value)
        siret = self.siret
        return siret[:9] if siret else None

    @property
    def rpps(self) -> str | None:
        value = self.values.get("rpps")
        return _clean_number(value) if value else None

    @property
    def adeli(self) -> str | None:
        value = self.values.get("adeli")
        return _clean_number(value).upper() if value else None

    @property
    def iban(self) -> str | None:
        value = self.values.get("iban")
        return _clean_number(value).upper() if value else None

    @property
    def address_lines(self) -> list[str]:
        """``["12 rue des Lilas", "69003 Lyon"]``."""
        lines = [self.values[k] for k in ("adresse",) if self.values.get(k)]
        town = " ".join(v for v in (self.values.get("code-postal"), self.values.get("ville")) if v)
        return lines + ([town] if town else [])

    @property
    def logo_path(self) -> str | None:
        """The logo file, relative paths read from the directory of the option's file."""
        value = self.values.get("logo")
        if not value:
            return None
        if os.path.isabs(value):
            return value
        entry = self.entries.get("logo")
        filename = (entry.meta or {}).get("filename", "") if entry else ""
        base = os.path.dirname(filename) if filename and not filename.startswith("<") else os.getcwd()
        return os.path.normpath(os.path.join(base, value))

    def location(self, key: str) -> str:
        """``file:line`` of the directive that set ``key``."""
        entry = self.entries.get(key)
        return where(entry.meta) if entry else "<non déclaré>"


def read_identity(config: HnConfig, on: datetime.date | None = None) -> Identity:
    """The identity in force on ``on`` (latest value per key), unchecked."""
    values: dict[str, str] = {}
    entries: dict[str, data.Custom] = {}
    for option in config.entries("identity"):
        if on is not None and option.date > on:
            break
        key, value = option.value
        values[key] = value
        entries[key] = option.entry
    return Identity(values, config.value("profession", on, DEFAULT_PROFESSION), entries)


def identity_problems(identity: Identity) -> list[tuple[str, str]]:
    """``(key, message)`` for every malformed field of ``identity``."""
    problems: list[tuple[str, str]] = []
    values = identity.values
    if values.get("siren"):
        problem = siren_problem(values["siren"])
        if problem:
            problems.append(("siren", problem))
    if values.get("siret"):
        problem = siret_problem(values["siret"])
        if problem:
            problems.append(("siret", problem))
        elif values.get("siren") and not siren_problem(values["siren"]) and identity.siret[:9] != identity.siren:
            problems.append(("siret", f"SIRET {as_written(values['siret'])} : {SIRET_NOT_SIREN} {as_written(values['siren'])} ; "
                                      "l'un des deux est faux"))
    if values.get("rpps") and not re.fullmatch(r"\d{11}", identity.rpps or ""):
        problems.append(("rpps", f"RPPS {as_written(values['rpps'])} : il faut 11 chiffres"))
    if values.get("adeli") and not re.fullmatch(r"(\d{2}|2A|2B)\d{7}", identity.adeli or ""):
        problems.append(("adeli", f"ADELI {as_written(values['adeli'])} : il faut 9 chiffres"))
    if values.get("iban"):
        problem = iban_problem(values["iban"])
        if problem:
            problems.append(("iban", problem))
    if values.get("code-postal") and not re.fullmatch(r"\d{5}|2[AB]\d{3}", values["code-postal"]):
        problems.append(("code-postal", f"code postal {as_written(values['code-postal'])} : il faut 5 chiffres"))
    if values.get("email") and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", values["email"]):
        problems.append(("email", f"e-mail {as_written(values['email'])} : ce n'est pas une adresse électronique"))
    return problems


def check_identity(index: LedgerIndex) -> list:
    """Beancount errors, at the option's line, for every malformed identity value ever declared."""
    errors = []
    seen: set[tuple[str, str]] = set()
    for option in index.config.entries("identity"):
        key, value = option.value
        if (key, value) in seen:
            continue
        seen.add((key, value))
        single = Identity({key: value}, None, {key: option.entry})
        problems = [message for _, message in identity_problems(single)]
        if not problems and key in ("siren", "siret"):
            # SIRET and SIREN in force together must agree; reported on the later declaration.
            current = read_identity(index.config, option.date)
            problems = [message for k, message in identity_problems(current)
                        if k == "siret" and SIRET_NOT_SIREN in message]
        for message in problems:
            errors.append(IdentityConfigError(source_of(option.entry), f"hn-option identity : {message}",
                                              option.entry))
    return errors


def _add_line(key: str, on: datetime.date | None) -> str:
    day = (on or datetime.date.today()).isoformat()
    return f'{day} custom "hn-option" "identity" "{key}" {_EXAMPLES.get(key, chr(34) + "…" + chr(34))}'


def require_identity(config: HnConfig, on: datetime.date | None = None, *,
                     purpose: str = "une note d'honoraires") -> Identity:
    """The identity in force on ``on``, complete and valid, or :class:`IdentityError`.

    The message lists every missing field with the directive to add and every
    malformed one with the line that declares it.
    """
    identity = read_identity(config, on)
    missing = [key for key in REQUIRED_FIELDS if not identity.values.get(key)]
    if not identity.rpps and not identity.adeli:
        missing.append("rpps")
    if not identity.profession:
        missing.append("profession")
    lines = []
    if missing:
        lines.append(f"{purpose} demande l'identité du praticien ; ajoutez au grand livre :")
        lines.extend(f"  {_add_line(key, on)}" + ("   ; ou \"adeli\"" if key == "rpps" else "")
                     for key in missing)
    for key, message in identity_problems(identity):
        lines.append(f"{identity.location(key)}: {message}")
    logo = identity.logo_path
    if logo and not os.path.isfile(logo):
        lines.append(f"{identity.location('logo')}: le fichier du logo {logo} n'existe pas")
    if lines:
        raise IdentityError("\n".join(lines))
    return identity
