"""Quotes (devis, prior written information) declared by ``custom "hn-devis"``.

A quote is given to the patient before the care when the fees include a
dépassement or hors-nomenclature acts and reach 70 EUR (arrêté du 2 octobre
2008, CSP L.1111-3); the invoice then names it with ``devis:``::

    2025-03-10 custom "hn-devis" "D-2025-0001" "Mme Sophie Bernard" 90.00 EUR
      acte: "HN"
      description: "Bilan postural et 3 séances de Pilates individuel"
      validite: 2025-04-10

Values: the quote number, the client, the quoted amount. Metadata (all
optional): ``acte:``, ``description:``, ``validite:`` (a date, the last day the
quote may be accepted). The invoice checks live in ``beancount_hn.invoices``;
the notes renderer reuses :class:`Quote`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from beancount.core import data
from beancount.core.amount import Amount

from beancount_hn.errors import error_type, source_of, where

QuoteError = error_type("QuoteError")

QUOTE_DIRECTIVE = "hn-devis"
_EXAMPLE = 'e.g. custom "hn-devis" "D-2025-0001" "Mme Sophie Bernard" 90.00 EUR'


@dataclass(frozen=True, slots=True)
class Quote:
    """One ``hn-devis`` directive."""

    number: str
    date: datetime.date
    client: str
    amount: Amount
    acte: str | None
    description: str | None
    validite: datetime.date | None
    entry: data.Custom


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def parse_quote(entry: data.Custom) -> Quote:
    """Parse one ``hn-devis`` directive; ``ValueError`` says what is wrong."""
    values = [v.value for v in entry.values]
    if len(values) != 3:
        raise ValueError(f"hn-devis needs a number, a client and an amount ({_EXAMPLE}); "
                         f"got {len(values)} value(s)")
    number, client, amount = values
    if _text(number) is None:
        raise ValueError(f"hn-devis: the quote number must be a quoted text ({_EXAMPLE})")
    if _text(client) is None:
        raise ValueError(f"hn-devis {number}: the client must be a quoted text ({_EXAMPLE})")
    if not isinstance(amount, Amount) or amount.number is None or amount.number <= 0:
        raise ValueError(f"hn-devis {number}: the amount must be positive with a currency, e.g. 90.00 EUR")
    meta = entry.meta or {}
    validite = meta.get("validite")
    if validite is not None and not isinstance(validite, datetime.date):
        raise ValueError(f"hn-devis {number}: validite: must be a date (YYYY-MM-DD, unquoted)")
    if validite is not None and validite < entry.date:
        raise ValueError(f"hn-devis {number}: validite: {validite} is before the quote's date {entry.date}")
    for key in ("acte", "description"):
        if key in meta and _text(meta[key]) is None:
            raise ValueError(f"hn-devis {number}: {key}: must be a quoted, non-empty text")
    return Quote(number.strip(), entry.date, client.strip(), amount, _text(meta.get("acte")),
                 _text(meta.get("description")), validite, entry)


def read_quotes(entries: Iterable[data.Directive]) -> tuple[dict[str, Quote], list]:
    """Every ``hn-devis`` of the ledger by number, and the errors of malformed or repeated ones."""
    quotes: dict[str, Quote] = {}
    errors: list = []
    for entry in entries:
        if not isinstance(entry, data.Custom) or entry.type != QUOTE_DIRECTIVE:
            continue
        try:
            quote = parse_quote(entry)
        except ValueError as exc:
            errors.append(QuoteError(source_of(entry), str(exc), entry))
            continue
        first = quotes.get(quote.number)
        if first is not None:
            errors.append(QuoteError(
                source_of(entry),
                f"quote number {quote.number} is already used by the hn-devis at "
                f"{where(first.entry.meta)}; give this quote its own number",
                entry,
            ))
            continue
        quotes[quote.number] = quote
    return quotes, errors
