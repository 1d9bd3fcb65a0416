"""The French text of a document, shared by the HTML and the PDF renderers.

Both renderers print exactly these strings (French typography applied once,
here), so the HTML twin and the PDF always say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

from beancount_hn.core.frtypo import NBSP, date, money, number, percent, typo
from beancount_hn.core.identity import Identity
from beancount_hn.invoicing.notes import AVOIR, COLLECTEE, DEVIS, NOTE, Document


def _group(digits: str, sizes: tuple[int, ...]) -> str:
    """``"73282932000074"`` -> ``"732 829 320 00074"`` (no-break spaces)."""
    parts, start = [], 0
    for size in sizes:
        parts.append(digits[start:start + size])
        start += size
    if start < len(digits):
        parts.append(digits[start:])
    return NBSP.join(p for p in parts if p)


def heading(doc: Document) -> str:
    return f"{doc.title} n°{NBSP}{doc.number}"


def seller_name(identity: Identity) -> str:
    return identity.display_name


def seller_lines(identity: Identity) -> list[str]:
    """Profession, address, contact and registration numbers, one string per printed line."""
    lines = []
    profession = identity.profession or ""
    status = identity.get("conventionnement")
    lines.append(f"{profession}, {status}" if status else profession)
    lines.extend(identity.address_lines)
    contact = [f"Tél.{NBSP}{identity.get('telephone')}" if identity.get("telephone") else None,
               identity.get("email")]
    if any(contact):
        lines.append(" · ".join(c for c in contact if c))
    ids = [f"SIRET{NBSP}{_group(identity.siret or '', (3, 3, 3))}"]
    if identity.rpps:
        ids.append(f"RPPS{NBSP}{identity.rpps}")
    if identity.adeli:
        ids.append(f"ADELI{NBSP}{identity.adeli}")
    lines.append(" · ".join(ids))
    return [typo(line) for line in lines if line]


def client_label(doc: Document) -> str:
    return "Client" if doc.is_company else "Patient"


def client_lines(doc: Document) -> list[str]:
    client = doc.client
    lines = [client.name, *client.address_lines]
    if client.siren:
        lines.append(f"SIREN{NBSP}{_group(client.siren, (3, 3, 3))}")
    if client.vat_number:
        lines.append(f"TVA intracommunautaire{NBSP}{client.vat_number}")
    return [typo(line) for line in lines]


def facts(doc: Document) -> list[tuple[str, str]]:
    """The dated facts under the heading: issue date, date and place of care, references."""
    found = [("Date d'émission" if doc.kind != DEVIS else "Date du devis", date(doc.issue_date))]
    what = "de la prestation" if doc.is_company else "des soins"
    if doc.kind != DEVIS and doc.shows_service_dates:
        dates = doc.service_dates
        label = f"Date {what}" if len(dates) == 1 else f"Dates {what}"
        found.append((label, ", ".join(date(d) for d in dates)))
    if doc.place or not doc.is_company:  # a company's service is often on its premises: not guessed
        found.append((f"Lieu {what}", doc.place or ", ".join(["Cabinet", *doc.seller.address_lines])))
    if doc.kind == AVOIR and doc.credits:
        found.append(("Avoir sur", f"la note d'honoraires n°{NBSP}{doc.credits.number} "
                                   f"du {date(doc.credits.date)}"))
    if doc.quote:
        found.append(("Devis", f"n°{NBSP}{doc.quote.number} du {date(doc.quote.date)}"))
    if doc.valid_until:
        found.append(("Valable jusqu'au", date(doc.valid_until)))
    if doc.due_date and doc.kind == NOTE:
        found.append(("Échéance", date(doc.due_date)))
    if doc.as_of and doc.as_of != doc.issue_date:  # a situation asked for a later day says so
        found.append(("Règlements au", date(doc.as_of)))
    return [(typo(label), typo(value)) for label, value in found]


def label(text: str) -> str:
    """``"Date d'émission"`` -> ``"Date d'émission :"`` with the narrow no-break space."""
    return typo(f"{text} :")


@dataclass(frozen=True)
class Row:
    """One printed line of the acts table."""

    cells: list[str]  # in the order of ``columns``
    designation: int  # index of the designation cell
    detail: str | None  # code and duration, printed under the designation
    notices: list[str]


def columns(doc: Document) -> list[str]:
    """Column titles; a devis has no date of care yet, so no date column."""
    cols = ["Date", "Désignation", "Qté", "Prix unitaire HT", "Montant HT"]
    if doc.has_vat:
        cols.insert(4, "TVA")
    return cols[1:] if doc.kind == DEVIS else cols


def rows(doc: Document) -> list[Row]:
    result = []
    for line in doc.lines:
        qty = number(line.quantity, 0) if line.quantity == line.quantity.to_integral() else number(line.quantity)
        cells = [date(line.service_date), typo(line.designation), qty,
                 money(line.unit_price, doc.currency), money(line.amount, doc.currency)]
        if doc.has_vat:
            cells.insert(4, percent(line.vat_rate) if line.vat == COLLECTEE else "—")
        if doc.kind == DEVIS:
            cells = cells[1:]
        detail = " · ".join(x for x in (f"Acte{NBSP}: {line.code}" if line.code else None,
                                         f"Durée{NBSP}: {line.duration}" if line.duration else None) if x)
        result.append(Row(cells, 0 if doc.kind == DEVIS else 1, typo(detail) if detail else None, [typo(n) for n in line.notices]))
    return result


def totals(doc: Document) -> list[tuple[str, str, bool]]:
    """``(label, amount, emphasised)`` rows under the table."""
    cur = doc.currency
    found: list[tuple[str, str, bool]] = [("Total HT", money(doc.total_ht, cur), False)]
    for group in doc.vat_groups:
        if group.vat == COLLECTEE:
            found.append((f"TVA {percent(group.rate)} sur {money(group.base, cur)}", money(group.tax, cur), False))
    if not doc.has_vat:
        found.append(("TVA", money(doc.total_vat, cur), False))
    title = "Total de l'avoir TTC" if doc.kind == AVOIR else "Total TTC"
    found.append((title, money(doc.total_ttc, cur), True))
    for ref in doc.credit_notes:
        found.append((f"Avoir n°{NBSP}{ref.number} du {date(ref.date)}", money(-ref.amount, cur), False))
    if doc.credit_notes:
        found.append(("Net à payer", money(doc.net_due, cur), True))
    if doc.paid is not None:
        found.append(("Déjà réglé", money(doc.paid, cur), False))
        found.append(("Reste dû", money(doc.remaining, cur), True))
    return [(typo(label), value, strong) for label, value, strong in found]


def payments(doc: Document) -> list[str]:
    """``Règlement reçu le 20 mars 2025 par chèque : 50,00 €``: each payment, with the mode actually used."""
    found = []
    for payment in doc.payments or ():
        what = "Règlement reçu" if payment.amount > 0 else "Remboursement"
        how = f" {payment.words}" if payment.words else ""
        found.append(f"{what} le {date(payment.date)}{how} : {money(abs(payment.amount), doc.currency)}")
    return found


def mentions(doc: Document) -> list[str]:
    """The payments, the legal mentions, and the IBAN while something remains due."""
    found = [*payments(doc), *doc.mentions]
    remaining = doc.remaining
    if doc.seller.iban and doc.kind == NOTE and remaining is not None and remaining > 0:
        found.append(f"Règlement par virement{NBSP}: IBAN {_group(doc.seller.iban, (4,) * 8)}")
    return [typo(m) for m in found]


def signature(doc: Document) -> list[str]:
    """The signature block of a devis (empty for the other documents)."""
    if doc.kind != DEVIS:
        return []
    return [typo("Bon pour accord — date et signature du patient, précédées de la mention « lu et approuvé » :"),
            typo("Signature du praticien :")]


def footer(doc: Document) -> str:
    return typo(f"{doc.seller.display_name} · SIRET {_group(doc.seller.siret or '', (3, 3, 3))} · "
                f"{heading(doc)}")
