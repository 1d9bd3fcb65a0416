"""Typed, dated configuration read from ``custom "hn-option"`` directives.

Like Fava's ``fava-option``, every option is a ``custom`` directive::

    2024-09-01 custom "hn-option" "vat-regime" "franchise"
    2024-09-01 custom "hn-option" "treasury" Assets:Banque:Courant
    2024-09-01 custom "hn-option" "invoice-series" "F" "F-{year}-{seq:04d}"

An option dated later overrides an earlier one *from its date on*; asking for an
option "on" a date returns the value in force that day. Three shapes exist:

* single options (``vat-regime``): the latest value dated on or before the day;
* repeatable options (``treasury``): every value declared on or before the day;
* keyed options (``identity "siret" "…"``, ``invoice-series NAME PATTERN``): one
  value per key, the latest per key.

Unknown option names and malformed values are errors at their line.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from beancount.core import account as account_lib
from beancount.core.amount import Amount
from beancount.core import data

from beancount_hn.core.errors import as_written, error_type, source_of, where
from beancount_hn.core.frtypo import date as french_date
from beancount_hn.core.frtypo import number as french_number
from beancount_hn.core.words import unaccented

ConfigError = error_type("ConfigError")

OPTION_DIRECTIVE = "hn-option"


class OptionValueError(ValueError):
    """A malformed option value; the message says what was expected."""


def normalize_word(text: str) -> str:
    """Lower case, accents removed, spaces and underscores turned into hyphens.

    ``"Non conventionné"`` and ``"non_conventionne"`` both become
    ``"non-conventionne"``: users type accents, tags and keys never carry them.
    """
    return "-".join(unaccented(text.strip().lower()).replace("_", " ").split())


# --- value parsers: each takes the raw custom values after the option name ---------


def _expect_count(values: list[Any], count: int, shape: str) -> None:
    if len(values) != count:
        raise OptionValueError(f"attendu {shape} ; reçu {len(values)} valeur(s)")


def _string(values: list[Any], what: str = "un texte entre guillemets") -> str:
    _expect_count(values, 1, what)
    if not isinstance(values[0], str) or not values[0].strip():
        raise OptionValueError(f"attendu {what} ; reçu {as_written(values[0])}")
    return values[0].strip()


def _choice(choices: Iterable[str]) -> Callable[[list[Any]], str]:
    allowed = tuple(choices)

    def parse(values: list[Any]) -> str:
        word = normalize_word(_string(values, "l'une des valeurs " + ", ".join(allowed)))
        if word not in allowed:
            raise OptionValueError(f"{as_written(values[0])} n'est pas l'une des valeurs {', '.join(allowed)}")
        return word

    return parse


def _date(values: list[Any]) -> datetime.date:
    _expect_count(values, 1, "une date (AAAA-MM-JJ, sans guillemets)")
    if not isinstance(values[0], datetime.date):
        raise OptionValueError(f"attendu une date (AAAA-MM-JJ, sans guillemets) ; reçu {as_written(values[0])}")
    return values[0]


def _account(values: list[Any]) -> str:
    _expect_count(values, 1, "un nom de compte (sans guillemets)")
    value = values[0]
    if not isinstance(value, str) or not account_lib.is_valid(value):
        raise OptionValueError(f"attendu un nom de compte ; reçu {as_written(value)}")
    return value


def _bool(values: list[Any]) -> bool:
    _expect_count(values, 1, "TRUE ou FALSE")
    if not isinstance(values[0], bool):
        raise OptionValueError(f"attendu TRUE ou FALSE ; reçu {as_written(values[0])}")
    return values[0]


def _share(values: list[Any]) -> Decimal:
    _expect_count(values, 1, "une part entre 0 et 1 (p. ex. 0.8)")
    value = values[0]
    if not isinstance(value, Decimal) or isinstance(value, bool) or not 0 < value <= 1:
        raise OptionValueError(f"attendu une part entre 0 et 1 (p. ex. 0.8) ; reçu {as_written(value)}")
    return value


def _keyed_string(keys: Iterable[str]) -> Callable[[list[Any]], tuple[str, str]]:
    allowed = tuple(keys)

    def parse(values: list[Any]) -> tuple[str, str]:
        _expect_count(values, 2, "une clé et une valeur")
        key, value = values
        if not isinstance(key, str) or normalize_word(key) not in allowed:
            raise OptionValueError(f"clé inconnue {as_written(key)} ; clés possibles : {', '.join(allowed)}")
        if isinstance(value, Decimal):  # an unquoted number such as a SIRET
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            raise OptionValueError(f"attendu une valeur entre guillemets pour {as_written(key)}")
        return normalize_word(key), value.strip()

    return parse


def _invoice_series(values: list[Any]) -> tuple[str, str]:
    _expect_count(values, 2, 'un nom de série et un modèle, p. ex. "F" "F-{year}-{seq:04d}"')
    name, pattern = values
    if not isinstance(name, str) or not name.strip():
        raise OptionValueError(f"attendu un nom de série ; reçu {as_written(name)}")
    if not isinstance(pattern, str) or "{seq" not in pattern:
        raise OptionValueError(f"attendu un modèle contenant {{seq:0Nd}} ; reçu {as_written(pattern)}")
    return name.strip(), pattern


@dataclass(frozen=True)
class BaremeKm:
    """The barème kilométrique option of one year: fiscal horsepower and distance."""

    year: int
    horsepower: int
    kilometers: Decimal
    vehicle: str = ""  # its designation, for the 2035-B cadre 7 (optional fourth value)
    electric: bool = False  # "electrique": the barème +20 % of electric vehicles

    def __str__(self) -> str:
        """The option as a user reads it in a message: ``2025, 5 CV, 8 200 km, « Clio », électrique``."""
        parts = [str(self.year), f"{self.horsepower} CV", f"{french_number(self.kilometers, 0)} km"]
        if self.vehicle:
            parts.append(f"« {self.vehicle} »")
        if self.electric:
            parts.append("électrique")
        return ", ".join(parts)


#: Bounds of a ``bareme-km`` option: fiscal horsepower (CV) and kilometres in the year.
BAREME_CV = (1, 50)
BAREME_KM = (1, 1_000_000)


def _whole(value: Decimal) -> bool:
    return value.is_finite() and value == value.to_integral_value()


def _bareme_km(values: list[Any]) -> tuple[int, BaremeKm]:
    if not 3 <= len(values) <= 5:
        raise OptionValueError(f"attendu une année, la puissance fiscale (CV) et les kilomètres, "
                               f"p. ex. 2025 5 8200, puis si besoin le véhicule et \"electrique\", "
                               f"p. ex. 2025 5 8200 \"Peugeot e-208 GA-123-BC\" \"electrique\" ; "
                               f"reçu {len(values)} valeur(s)")
    vehicle, electric = _bareme_vehicle(values[3:])
    values = values[:3]
    if not all(isinstance(v, Decimal) and not isinstance(v, bool) for v in values):
        negative = any(isinstance(v, Decimal) and not isinstance(v, bool) and v < 0 for v in values)
        hint = (" ; Beancount lit un signe moins entre deux nombres comme une soustraction "
                "(« 5 -100 » vaut -95) : écrivez des nombres positifs" if negative else "")
        raise OptionValueError(f"attendu trois nombres ANNÉE CV KM, reçu {as_written(values)}{hint}")
    year, horsepower, kilometers = values
    if not _whole(year) or not 2000 <= year <= 2100:
        raise OptionValueError(f"attendu une année entre 2000 et 2100, reçu {year}")
    low, high = BAREME_CV
    if not _whole(horsepower) or not low <= horsepower <= high:
        raise OptionValueError(f"puissance fiscale hors limites : {horsepower} CV (attendu un nombre "
                               f"entier de {low} à {high} CV)")
    low, high = BAREME_KM
    if not _whole(kilometers) or not low <= kilometers <= high:
        most = f"{high:,}".replace(",", " ")
        raise OptionValueError(f"distance hors limites : {kilometers} km (attendu un nombre entier de "
                               f"kilomètres de {low} à {most} km)")
    return int(year), BaremeKm(int(year), int(horsepower), Decimal(int(kilometers)), vehicle, electric)


def _bareme_vehicle(extra: list[Any]) -> tuple[str, bool]:
    """The optional values after ``YEAR CV KM``: the vehicle's designation and/or its energy
    (``"electrique"`` or ``"thermique"``), each at most once, in any order."""
    vehicle, energy = "", None
    for value in extra:
        if not isinstance(value, str) or not value.strip():
            raise OptionValueError(f"après ANNÉE CV KM, attendu le véhicule entre guillemets ou "
                                   f"\"electrique\", reçu {as_written(value)}")
        word = normalize_word(value)
        if word in ("electrique", "thermique"):
            if energy is not None:
                raise OptionValueError(f"énergie donnée deux fois : {as_written(value)}")
            energy = word
        elif vehicle:
            raise OptionValueError(f"véhicule donné deux fois : « {vehicle} » puis {as_written(value)} ; une option "
                                   "bareme-km porte sur un véhicule")
        else:
            vehicle = value.strip()
    return vehicle, energy == "electrique"


#: ``custom "hn-option" "vat-turnover" YEAR AMOUNT EUR``: the counted 293 B turnover of a year.
TURNOVER_OPTION = "vat-turnover"
TURNOVER_EXAMPLE = f'custom "hn-option" "{TURNOVER_OPTION}" 2024 38500.00 EUR'


def _vat_turnover(values: list[Any]) -> tuple[int, Decimal]:
    """``(year, amount)`` of a ``vat-turnover`` option: a year, then an amount in euros.

    The amount is written ``38500.00 EUR`` (or ``38500.00``, read as euros); it
    is the turnover counted for the 293 B (franchise and collectée receipts,
    cash basis), never negative.
    """
    return _year_and_euros(values, TURNOVER_EXAMPLE, "un chiffre d'affaires", "les seuils 293 B sont en euros")


def _year_and_euros(values: list[Any], example: str, what: str, why_euros: str) -> tuple[int, Decimal]:
    """``(year, amount)`` of an option written ``YEAR AMOUNT EUR``, the amount never negative."""
    shape = f"une année puis un montant en euros, p. ex. {example}"
    if len(values) != 2:
        raise OptionValueError(f"attendu {shape} ; reçu {len(values)} valeur(s)")
    year, amount = values
    if (not isinstance(year, Decimal) or not year.is_finite() or year != year.to_integral_value()
            or not 1990 <= year <= 2100):
        raise OptionValueError(f"{as_written(year)} n'est pas une année (sans guillemets) ; attendu {shape}")
    number = _euros(amount, shape, why_euros)
    if number < 0:
        raise OptionValueError(f"montant {number} : {what} est positif ou nul ; attendu {shape}")
    return int(year), number


def _euros(amount: Any, shape: str, why_euros: str) -> Decimal:
    """A finite amount written ``1520.00 EUR`` (or ``1520.00``, read as euros)."""
    if isinstance(amount, Amount):
        if amount.currency != "EUR":
            raise OptionValueError(f"montant en {amount.currency} : {why_euros} ; attendu {shape}")
        number = amount.number
    elif isinstance(amount, Decimal) and not isinstance(amount, bool):
        number = amount
    else:
        raise OptionValueError(f"{as_written(amount)} n'est pas un montant ; attendu {shape}")
    if number is None or not number.is_finite():
        raise OptionValueError(f"montant {number} illisible ; attendu {shape}")
    return number


#: ``custom "hn-option" "snir" YEAR AMOUNT EUR``: the relevé SNIR of a year (fees of conventionné acts).
SNIR_OPTION = "snir"
SNIR_EXAMPLE = f'custom "hn-option" "{SNIR_OPTION}" 2025 75900.00 EUR'


def _snir(values: list[Any]) -> tuple[int, Decimal]:
    return _year_and_euros(values, SNIR_EXAMPLE, "le montant du relevé SNIR",
                           "le relevé SNIR est en euros")


#: ``custom "hn-option" "ajustement-2035" BOX AMOUNT EUR "why"``: a 2035 box no cash movement carries.
ADJUSTMENT_OPTION = "ajustement-2035"
#: The boxes it may fill: line 43 (CL and its "dont"), CG, the SCM shares CD/CM, cadre 8 DE/DB.
ADJUSTABLE_BOXES = ("CG", "CD", "CM", "CL", "CS", "AW", "CU", "CI", "DG", "DH", "CO", "CJ", "DF", "DE", "DB")
ADJUSTMENT_EXAMPLE = (f'custom "hn-option" "{ADJUSTMENT_OPTION}" "CD" 1520.00 EUR '
                      '"Quote-part du bénéfice de la SCM des Tilleuls"')


@dataclass(frozen=True)
class Adjustment2035:
    """One ``ajustement-2035``: an amount entered on a box of the 2035 of its date's year."""

    box: str
    amount: Decimal
    description: str


def _adjustment_2035(values: list[Any]) -> Adjustment2035:
    shape = f"une case, un montant en euros et son motif, p. ex. {ADJUSTMENT_EXAMPLE}"
    if len(values) != 3:
        raise OptionValueError(f"attendu {shape} ; reçu {len(values)} valeur(s)")
    box, amount, description = values
    code = box.strip().upper() if isinstance(box, str) else ""
    if code not in ADJUSTABLE_BOXES:
        raise OptionValueError(f"{as_written(box)} n'est pas une case qu'un ajustement peut remplir ; cases : "
                               f"{', '.join(ADJUSTABLE_BOXES)} (les autres viennent des écritures)")
    number = _euros(amount, shape, "la 2035 est en euros")
    if number <= 0:
        raise OptionValueError(f"montant {number} : un ajustement est positif (CD bénéfice, CM déficit "
                               f"de la SCM : deux cases) ; attendu {shape}")
    if not isinstance(description, str) or not description.strip():
        raise OptionValueError(f"attendu le motif entre guillemets après le montant ; {shape}")
    return Adjustment2035(code, number, description.strip())


def _declarant(values: list[Any]) -> int:
    _expect_count(values, 1, "1 ou 2")
    value = values[0]
    text = value.strip() if isinstance(value, str) else (str(value) if isinstance(value, Decimal) else "")
    if text not in ("1", "2"):
        raise OptionValueError(f"attendu 1 (déclarant 1) ou 2 (déclarant 2 de la 2042), reçu {as_written(value)}")
    return int(text)


def _ngap_letter(values: list[Any]) -> str:
    letter = _string(values, "une lettre clé NGAP, p. ex. \"XYZ\"").upper()
    if not letter.isalpha():
        raise OptionValueError(f"attendu des lettres seulement ; reçu {as_written(letter)}")
    return letter


# --- the registry ------------------------------------------------------------------

SINGLE, REPEATABLE, KEYED = "single", "repeatable", "keyed"

CONVENTION_STATUSES = ("conventionne", "depassement", "non-conventionne")
IDENTITY_KEYS = (
    "nom",
    "profession",
    "adresse",
    "code-postal",
    "ville",
    "telephone",
    "email",
    "siren",
    "siret",
    "rpps",
    "adeli",
    "conventionnement",
    "logo",
    "iban",
)
PROFESSIONS = ("masseur-kinesitherapeute", "infirmier", "orthophoniste", "sage-femme")


@dataclass(frozen=True)
class OptionSpec:
    """One known option: its shape, its parser and a line of documentation."""

    name: str
    shape: str
    parse: Callable[[list[Any]], Any]
    doc: str


OPTIONS: dict[str, OptionSpec] = {
    spec.name: spec
    for spec in (
        OptionSpec("profession", SINGLE, _choice(PROFESSIONS), "the regulated profession"),
        OptionSpec("practice-start", SINGLE, _date, "first day of the practice (293 B proration)"),
        OptionSpec("vat-regime", SINGLE, _choice(("franchise", "reel")), "franchise (293 B) or reel"),
        OptionSpec("treasury", REPEATABLE, _account, "a cash-basis account (bank, cash box)"),
        OptionSpec("invoice-series", KEYED, _invoice_series, "NAME PATTERN of an invoice series"),
        OptionSpec("identity", KEYED, _keyed_string(IDENTITY_KEYS), "KEY VALUE of the practitioner"),
        OptionSpec(
            "require-invoice",
            REPEATABLE,
            _choice(CONVENTION_STATUSES),
            "receipts of this convention status must carry facture:",
        ),
        OptionSpec("warnings-as-errors", SINGLE, _bool, "turn hn warnings into errors"),
        OptionSpec("vat-warning-share", SINGLE, _share, "share of the 293 B base threshold that warns"),
        OptionSpec(TURNOVER_OPTION, KEYED, _vat_turnover,
                   "YEAR AMOUNT EUR: 293 B counted turnover of a year the ledger does not hold"),
        OptionSpec("bareme-km", KEYED, _bareme_km, "YEAR CV KM: barème kilométrique for a year"),
        OptionSpec("ngap-letter", REPEATABLE, _ngap_letter, "an extra NGAP key letter (conventionne)"),
        OptionSpec(SNIR_OPTION, KEYED, _snir, "YEAR AMOUNT EUR: the relevé SNIR of a year (DSAV cross-check)"),
        OptionSpec(ADJUSTMENT_OPTION, REPEATABLE, _adjustment_2035,
                   "BOX AMOUNT EUR WHY: a 2035 box no cash movement carries, in its date's year"),
        OptionSpec("declarant", SINGLE, _declarant,
                   "1 or 2: the practitioner's place on the 2042 (5QC or 5RC…)"),
        OptionSpec("organisation", REPEATABLE, _string,
                   "a counterparty's name that is an organisation: it stays in pseudonymised exports"),
    )
}


@dataclass(frozen=True)
class OptionValue:
    """One parsed ``hn-option`` directive."""

    date: datetime.date
    value: Any
    entry: data.Custom


@dataclass
class HnConfig:
    """All ``hn-option`` values of a ledger, in date order, queryable by date."""

    history: dict[str, list[OptionValue]] = field(default_factory=dict)
    # Dates of each option's history, for bisection (plugins ask per transaction).
    _dates: dict[str, list[datetime.date]] = field(default_factory=dict, repr=False)

    def _upto(self, name: str, on: datetime.date | None) -> list[OptionValue]:
        if name not in OPTIONS:
            raise KeyError(f"option hn inconnue {as_written(name)}")
        values = self.history.get(name, [])
        if on is None or not values:
            return values
        dates = self._dates.get(name)
        if dates is None or len(dates) != len(values):
            dates = self._dates[name] = [v.date for v in values]
        if on >= dates[-1]:
            return values
        return values[: bisect.bisect_right(dates, on)]

    def value(self, name: str, on: datetime.date | None = None, default: Any = None) -> Any:
        """The single option ``name`` in force on ``on`` (the latest one when None)."""
        values = self._upto(name, on)
        return values[-1].value if values else default

    def values(self, name: str, on: datetime.date | None = None) -> list[Any]:
        """Every value of the repeatable option ``name`` declared up to ``on``, deduplicated."""
        seen: dict[Any, None] = {}
        for option in self._upto(name, on):
            seen.setdefault(option.value, None)
        return list(seen)

    def keyed(self, name: str, on: datetime.date | None = None) -> dict[Any, Any]:
        """The keyed option ``name`` up to ``on``: key -> latest value."""
        return {key: value for key, value in (o.value for o in self._upto(name, on))}

    def entries(self, name: str) -> list[OptionValue]:
        """Every directive of option ``name``, in date order (for reports and checks)."""
        return list(self._upto(name, None))

    def changes(self, name: str) -> list[tuple[datetime.date, Any]]:
        """The dates a single option takes a new value, with that value."""
        return [(o.date, o.value) for o in self._upto(name, None)]


def _shown(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


#: Options whose own module reports two declarations on one day (``series.build_series``).
_OWN_SAME_DAY_CHECK = frozenset({"invoice-series"})


def _same_day_clash(seen: dict[tuple, OptionValue], spec: OptionSpec, entry: data.Custom,
                    value: Any) -> str | None:
    """The error of a single (or keyed, same key) option given a second, different value on one day.

    Options override from their date on, so two values dated the same day contradict
    each other: the first one written stays, the second is an error at its line.
    """
    if spec.name in _OWN_SAME_DAY_CHECK:
        return None
    if spec.shape == SINGLE:
        key, shown = (spec.name, entry.date), value
    elif spec.shape == KEYED:
        key, shown = (spec.name, entry.date, value[0]), value[1]
    else:
        return None
    first = seen.setdefault(key, OptionValue(entry.date, value, entry))
    if first.entry is entry or first.value == value:
        return None
    earlier = first.value[1] if spec.shape == KEYED else first.value
    what = f'"{spec.name}" "{value[0]}"' if spec.shape == KEYED else f'"{spec.name}"'
    return (f"hn-option {what} contradictoire : « {_shown(shown)} » ici, mais « {_shown(earlier)} » "
            f"le même jour ({french_date(entry.date)}) en {where(first.entry.meta)} ; une option ne prend "
            "qu'une valeur par jour : supprimez l'une des deux, ou datez la nouvelle du jour où elle "
            "s'applique")


def load_config(entries: Iterable[data.Directive]) -> tuple[HnConfig, list]:
    """Read every ``hn-option`` directive; return the config and its errors."""
    config = HnConfig()
    errors = []
    same_day: dict[tuple, OptionValue] = {}
    for entry in entries:
        if not isinstance(entry, data.Custom) or entry.type != OPTION_DIRECTIVE:
            continue
        raw = [v.value for v in entry.values or ()]  # Beancount leaves None for no value at all
        if not raw or not isinstance(raw[0], str):
            errors.append(
                ConfigError(source_of(entry), 'hn-option sans nom d\'option : il faut un nom entre '
                            'guillemets puis sa valeur, p. ex. "vat-regime" "franchise"', entry)
            )
            continue
        name = normalize_word(raw[0])
        spec = OPTIONS.get(name)
        if spec is None:
            known = ", ".join(sorted(OPTIONS))
            errors.append(
                ConfigError(source_of(entry), f'hn-option inconnue "{raw[0]}" ; options possibles : {known}', entry)
            )
            continue
        try:
            value = spec.parse(raw[1:])
        except OptionValueError as exc:
            errors.append(ConfigError(source_of(entry), f'hn-option "{name}" : {exc}', entry))
            continue
        clash = _same_day_clash(same_day, spec, entry, value)
        if clash is not None:
            errors.append(ConfigError(source_of(entry), clash, entry))
            continue
        config.history.setdefault(name, []).append(OptionValue(entry.date, value, entry))
    for values in config.history.values():
        values.sort(key=lambda option: option.date)  # stable: file order within a day
    return config, errors
