"""Small ledgers of numbered invoices shared by the invoice tests."""

from __future__ import annotations

from tests.conftest import line_of, load

ACCOUNTS = """\
2024-01-01 open Assets:Banque
2024-01-01 open Assets:Caisse
2024-01-01 open Assets:Creances:Patients
2024-01-01 open Income:Honoraires:Conventionnes
  convention: "conventionne"
2024-01-01 open Income:Honoraires:Depassements
  convention: "depassement"
2024-01-01 open Income:Honoraires:HN
  convention: "non-conventionne"
2024-01-01 open Income:Debours
  ligne-2035: "AB"
2025-01-01 custom "hn-option" "invoice-series" "F" "F-{year}-{seq:04d}"
2025-01-01 custom "hn-option" "invoice-series" "AV" "AV-{year}-{seq:03d}"
"""


def txn(date: str, number: str | None = None, amount: str = "50.00", *,
        account: str = "Income:Honoraires:HN", debit: str = "Assets:Banque",
        payee: str = "Mme Martin", meta: tuple[tuple[str, str], ...] = (), link: str = "") -> str:
    """One transaction; ``facture:`` is its first metadata line (the line after the header)."""
    lines = [f'{date} * "{payee}" "Séance"' + (f" ^{link}" if link else "")]
    if number is not None:
        lines.append(f'  facture: "{number}"')
    lines += [f"  {key}: {value}" for key, value in meta]
    lines += [f"  {debit}  {amount} EUR", f"  {account}"]
    return "\n".join(lines) + "\n"


def check(ledger: str, plugin: str = "beancount_hn.plugins.all") -> list:
    """The errors of ``ledger`` loaded with ``plugin``."""
    _, errors, _ = load(ledger, plugin=plugin)
    return errors


def txn_line(ledger: str, number: str) -> int:
    """The line of the transaction whose ``facture:`` is ``number`` (its first occurrence)."""
    return line_of(ledger, f'facture: "{number}"') - 1


def only_error(errors: list):
    assert len(errors) == 1, [e.message for e in errors]
    return errors[0]
