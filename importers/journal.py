"""The practice software's invoice journal (factures et FSE émises) as invoice transactions.

Each row — date, invoice or FSE number, patient, NGAP acts, amount, parts AMO
/ AMC / patient, caisse, mutuelle, optional dépassement and devis — becomes::

    2025-03-04 * "MARTIN Paul" "FSE RAB 8 + IFD" ^FSE-000123
      facture: "FSE-000123"
      acte: "RAB 8 + IFD"
      import-id: "journal:FSE-000123"
      Assets:Creances:CPAM               12.00 EUR
        payeur: "CPAM 69"
      Assets:Creances:Mutuelles           8.00 EUR
        payeur: "Harmonie Mutuelle"
      Income:Honoraires:Conventionnes   -20.00 EUR

so the numbering, convention and 2035 plugins see an invoice, and bank
transfers of the CPAM or a mutuelle can settle it (:mod:`.categorize`). Acts
of one status go to one income account (NGAP codes: conventionné, ``DE``:
dépassement, ``HN``: non conventionné); NGAP acts with a ``DE`` are split, the
dépassement amount coming from the ``Dépassement`` column or the DE
coefficient (``"RAB 8 + DE 10"``), and so are NGAP acts without ``DE`` when the
``Dépassement`` column states one; a column the acts contradict (another DE
amount, HN acts, nothing left for the NGAP acts) refuses the row. Acts are
separated by ``+``, ``;``, ``/`` or a comma, except a comma between two digits:
``AMK 7,5`` is a coefficient (written back ``AMK 7.5``). The column names are a layout
(``[journal.logiciel-metier]`` in ``presets.toml`` is the documented
default), the accounts a :class:`JournalAccounts`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import beangulp
from beancount.core import data
from beancount.core.amount import Amount

from beancount_hn.core.acts import ActError, act_status, parse_acts
from beancount_hn.core.config import load_config
from beancount_hn.core.errors import as_written
from beancount_hn.importers.amounts import CENT, AmountError, parse_amount, parse_date
from beancount_hn.importers.base import file_head, head_text, read_layout_table
from beancount_hn.importers.dedup import IMPORT_ID, mark_duplicates
from beancount_hn.importers.layouts import JOURNAL, Layout, LayoutError, preset
from beancount_hn.importers.table import Header, Row, find_header
from beancount_hn.importers.textfile import ImportFileError

DEFAULT_LAYOUT = "logiciel-metier"
#: Between acts: ``+``, ``;``, ``/``, and a comma unless it has a digit on both sides
#: (``AMK 7,5`` is a coefficient with a decimal comma, the French way).
_ACT_SEPARATORS = re.compile(r"\s*(?:[+;/]|,(?!(?<=\d,)\d))\s*")
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")
ZERO = Decimal(0)


@dataclass(frozen=True)
class JournalAccounts:
    """Where the journal's invoices go (the DESIGN's default account names)."""

    amo: str = "Assets:Creances:CPAM"
    amc: str = "Assets:Creances:Mutuelles"
    patient: str = "Assets:Creances:Patients"
    conventionne: str = "Income:Honoraires:Conventionnes"
    depassement: str = "Income:Honoraires:Depassements"
    non_conventionne: str = "Income:Honoraires:HN"

    def income(self, status: str) -> str:
        return {"conventionne": self.conventionne, "depassement": self.depassement,
                "non-conventionne": self.non_conventionne}[status]


class JournalImporter(beangulp.Importer):
    """Invoices and FSE of the practice software's CSV journal."""

    scheme = "journal"

    def __init__(self, layout: Layout | str = DEFAULT_LAYOUT, *,
                 accounts: JournalAccounts | None = None, number_format: str = "{number}",
                 archive_account: str = "Assets:Creances", currency: str = "EUR",
                 flag: str = "*", extra_letters: Iterable[str] = ()) -> None:
        layout = preset(layout) if isinstance(layout, str) else layout
        if layout.kind != JOURNAL:
            raise LayoutError(f"la présélection {as_written(layout.name)} décrit un relevé bancaire, "
                              "pas un journal de factures")
        self.layout = layout
        self.accounts = accounts or JournalAccounts()
        self.number_format = number_format
        self.archive_account = archive_account
        self.currency = currency
        self.flag = flag
        self.extra_letters = frozenset(letter.upper() for letter in extra_letters)

    @property
    def name(self) -> str:
        return f"beancount_hn.journal.{self.layout.name}"

    def identify(self, filepath: str) -> bool:
        raw = file_head(filepath, (".csv", ".txt"))
        if raw is None:
            return False
        return bool(find_header(head_text(raw, filepath, self.layout.encoding), [self.layout]))

    def account(self, filepath: str) -> str:
        return self.archive_account

    def date(self, filepath: str) -> datetime.date | None:
        dates = [e.date for e in self.extract(filepath, [])]
        return max(dates) if dates else None

    def deduplicate(self, entries: data.Entries, existing: data.Entries) -> None:
        mark_duplicates(entries, existing)

    def extract(self, filepath: str, existing: data.Entries) -> data.Entries:
        table = read_layout_table(filepath, self.layout, "journal layout")
        letters = self.extra_letters | self._ledger_letters(existing)
        entries: list[data.Directive] = []
        seen: dict[str, int] = {}
        for row in table.rows():
            txn = self._invoice(filepath, table.header, row, letters)
            number = txn.meta["facture"]
            if number in seen:
                raise ImportFileError(filepath, f"la facture {number} apparaît deux fois (d'abord "
                                                f"ligne {seen[number]})", row.line)
            seen[number] = row.line
            entries.append(txn)
        for line, _ in table.trailer:
            raise ImportFileError(filepath, "ligne plus courte que l'en-tête : tronquée ou mal formée",
                                  line)
        if not entries:
            raise ImportFileError(filepath, f"aucune facture sous l'en-tête (ligne {table.header.line})")
        return entries

    @staticmethod
    def _ledger_letters(existing: data.Entries | None) -> frozenset[str]:
        if not existing:
            return frozenset()
        config, _ = load_config(existing)
        return frozenset(config.values("ngap-letter"))

    def _money(self, path: str, row: Row, header: Header, role: str) -> Decimal:
        text = row.get(header, role)
        if not text:
            return ZERO
        try:
            value = parse_amount(text, self.layout.decimal)
        except AmountError as exc:
            raise ImportFileError(path, f"colonne {role} : {exc}", row.line) from exc
        if value < 0:
            raise ImportFileError(path, f"{role} négatif « {text} » : les avoirs se saisissent à "
                                        "la main avec avoir-de:", row.line)
        return value

    def _invoice(self, path: str, header: Header, row: Row,
                 letters: frozenset[str]) -> data.Transaction:
        try:
            date = parse_date(row.get(header, "date"), self.layout.date_formats)
        except AmountError as exc:
            raise ImportFileError(path, str(exc), row.line) from exc
        raw_number = row.get(header, "number")
        if not raw_number:
            raise ImportFileError(path, "facture sans numéro", row.line)
        number = self.number_format.format(number=raw_number, year=date.year)
        amount = self._money(path, row, header, "amount")
        if amount <= 0:
            raise ImportFileError(path, f"la facture {number} n'a pas de montant positif", row.line)
        parts = {role: self._money(path, row, header, role) for role in ("amo", "amc", "patient-part")}
        if not any(parts.values()):
            parts["patient-part"] = amount  # no tiers payant: the patient owes everything
        if sum(parts.values()) != amount:
            raise ImportFileError(
                path, f"facture {number} : parts AMO {parts['amo']} + AMC {parts['amc']} + patient "
                      f"{parts['patient-part']} = {sum(parts.values())}, et non le montant {amount}",
                row.line)
        income = self._income(path, row, header, number, date, amount, letters)
        postings = []
        for role, account, payer_role in (("amo", self.accounts.amo, "payer-amo"),
                                          ("amc", self.accounts.amc, "payer-amc"),
                                          ("patient-part", self.accounts.patient, None)):
            if parts[role]:
                payer = row.get(header, payer_role) if payer_role else ""
                postings.append(data.Posting(account, Amount(parts[role], self.currency), None, None,
                                             None, {"payeur": payer} if payer else None))
        acts_text = " + ".join(code for code, _ in income)
        meta = data.new_metadata(path, row.line)
        meta["facture"] = number
        if len(income) == 1:
            meta["acte"] = income[0][0]
        if devis := row.get(header, "devis"):
            meta["devis"] = devis
        meta[IMPORT_ID] = f"{self.scheme}:{number}"
        for code, (status, value) in income:
            posting_meta = {"acte": code} if len(income) > 1 else None
            postings.append(data.Posting(self.accounts.income(status), Amount(-value, self.currency),
                                         None, None, None, posting_meta))
        kind = "FSE" if parts["amo"] or parts["amc"] else "Note d'honoraires"
        return data.Transaction(meta, date, self.flag, row.get(header, "patient") or None,
                                f"{kind} {acts_text}", data.EMPTY_SET, frozenset({number}), postings)

    def _income(self, path: str, row: Row, header: Header, number: str, date: datetime.date,
                amount: Decimal, letters: frozenset[str]) -> list[tuple[str, tuple[str, Decimal]]]:
        """``[(acts text, (status, amount))]``, one item per convention status."""
        text = row.get(header, "acts")
        codes = [c for c in _ACT_SEPARATORS.split(text) if c]
        if not codes:
            raise ImportFileError(path, f"la facture {number} n'a aucun code d'acte (NGAP, DE ou HN)",
                                  row.line)
        groups: dict[str, list[str]] = {}
        de_amount: Decimal | None = None
        for code in codes:
            code = " ".join(code.split())
            if code.isdigit():
                raise ImportFileError(path, f"facture {number} : actes « {text} » ambigus : « {code} » "
                                            "seul n'est pas un acte ; un coefficient à virgule s'écrit sans "
                                            "espace (« AMK 7,5 » ou « AMK 7.5 »), des actes se séparent "
                                            "par « + »", row.line)
            try:
                status = act_status(code, date, letters)
                act = parse_acts(code, letters)[0]
            except ActError as exc:
                raise ImportFileError(path, f"facture {number} : {exc}", row.line) from exc
            if status == "depassement":
                if act.coefficient is not None:
                    de_amount = act.coefficient.quantize(CENT)
                code = "DE"
            groups.setdefault(status, []).append(_DECIMAL_COMMA.sub(".", code))
        column = self._money(path, row, header, "depassement")
        if column:
            self._check_depassement(path, row, number, groups, amount, column, de_amount)
            de_amount = column
            if "conventionne" in groups:  # NGAP acts and a stated dépassement: split as with a DE
                groups.setdefault("depassement", ["DE"])
        if len(groups) == 1:
            status, group = next(iter(groups.items()))
            return [(" + ".join(group), (status, amount))]
        if set(groups) != {"conventionne", "depassement"}:
            raise ImportFileError(path, f"la facture {number} mêle du HN à d'autres actes : "
                                        "exportez-les en factures séparées", row.line)
        if not de_amount or de_amount >= amount:
            raise ImportFileError(path, f"facture {number} : des actes NGAP avec un DE demandent le "
                                        "montant du dépassement (colonne Dépassement, ou « DE 10 »), "
                                        "inférieur au total", row.line)
        return [(" + ".join(groups["conventionne"]), ("conventionne", amount - de_amount)),
                ("DE", ("depassement", de_amount))]

    @staticmethod
    def _check_depassement(path: str, row: Row, number: str, groups: dict[str, list[str]],
                           amount: Decimal, column: Decimal, de_amount: Decimal | None) -> None:
        """Refuse a Dépassement column the acts contradict: the DE's own amount, HN acts, a DE
        alone that is not the whole invoice, or NGAP acts left with nothing."""
        stated = f"facture {number} : la colonne Dépassement ({column})"
        if de_amount is not None and column != de_amount:
            raise ImportFileError(path, f"{stated} contredit le DE des actes ({de_amount}) : corrigez "
                                        "l'un ou l'autre", row.line)
        if "non-conventionne" in groups:
            raise ImportFileError(path, f"{stated} contredit les actes HN, qui ne sont pas des "
                                        "dépassements : corrigez la ligne", row.line)
        if "conventionne" not in groups and column != amount:
            raise ImportFileError(path, f"{stated} contredit les actes, un DE seul : il devrait "
                                        f"faire tout le montant ({amount})", row.line)
        if "conventionne" in groups and column >= amount:
            raise ImportFileError(path, f"{stated} n'est pas inférieure au montant ({amount}) : il ne "
                                        f"resterait rien pour les actes {' + '.join(groups['conventionne'])}",
                                  row.line)
