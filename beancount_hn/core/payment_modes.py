"""The mode of payment of a treasury movement, as the ledger states it.

``mode-reglement:`` on the treasury posting or the transaction; else a bank label
word in the narration or payee (``CB``/``CARTE`` → carte, ``CHQ``/``CHEQUE`` →
chèque, ``PRLV`` → prélèvement, ``VIR`` → virement, ``ESPECES`` → espèces); else
``mode-reglement:`` on the treasury account's ``open``. The FEC then assumes
espèces for a cash box and virement otherwise; a note d'honoraires prints the
mode only when the ledger states it (or for a cash box).
"""

from __future__ import annotations

import re

from beancount.core import data

from beancount_hn.core.config import normalize_word
from beancount_hn.core.errors import as_written, where
from beancount_hn.core.ledger import LedgerIndex

MODE_KEY = "mode-reglement"

#: Canonical modes of payment and their printed labels.
MODES = {
    "virement": "Virement",
    "cheque": "Chèque",
    "carte": "Carte bancaire",
    "especes": "Espèces",
    "prelevement": "Prélèvement",
    "tip": "TIP",
    "lettre-change": "Lettre de change",
    "compensation": "Compensation",
    "fonds-personnels": "Fonds personnels",
}
_MODE_ALIASES = {
    **{key: key for key in MODES},
    "vir": "virement", "virt": "virement", "transfer": "virement", "sepa": "virement",
    "chq": "cheque", "check": "cheque", "cheques": "cheque",
    "cb": "carte", "carte-bancaire": "carte", "card": "carte", "tpe": "carte",
    "espece": "especes", "liquide": "especes", "cash": "especes", "numeraire": "especes",
    "prlv": "prelevement", "direct-debit": "prelevement", "prelevement-sepa": "prelevement",
    "apport": "fonds-personnels", "personnel": "fonds-personnels",
}
# Words bank statements put in the label; checked on the accent-free upper-case text.
_MODE_WORDS = (
    (re.compile(r"\b(PRLV|PRELEVEMENT|PRELEV|SEPA DD)\b"), "prelevement"),
    (re.compile(r"\b(CB|CARTE|PAIEMENT CARTE|FACTURE CARTE|TPE)\b"), "carte"),
    (re.compile(r"\b(CHQ|CHEQUE|CHEQUES|REMISE CHQ)\b"), "cheque"),
    (re.compile(r"\b(ESPECES|RETRAIT DAB|RETRAIT)\b"), "especes"),
    (re.compile(r"\b(VIR|VIREMENT|VIRT|VIR SEPA)\b"), "virement"),
)
_CASH_BOX = re.compile(r"(^|:)(Caisse|Cash|Especes)(:|$)", re.IGNORECASE)


class PaymentModeError(ValueError):
    """A ``mode-reglement:`` value that names no mode; the message says where."""


def _upper_ascii(text: str) -> str:
    return normalize_word(text).replace("-", " ").upper()


def parse_mode(value: object) -> str | None:
    """The canonical mode of a ``mode-reglement:`` value, or None."""
    return _MODE_ALIASES.get(normalize_word(str(value)))


def _checked_mode(value: object, meta: dict | None) -> str:
    mode = parse_mode(value)
    if mode is None:
        raise PaymentModeError(
            f"{where(meta)}: {MODE_KEY}: {as_written(value)} n'est pas un mode de règlement connu ; "
            f"écrivez l'un de {', '.join(MODES)}")
    return mode


def is_cash_box(account: str) -> bool:
    """A cash box (``Caisse``/``Cash``/``Especes`` in the account's name)."""
    return _CASH_BOX.search(account) is not None


def written_mode(index: LedgerIndex, txn: data.Transaction, postings: list[data.Posting],
                 main: str) -> str | None:
    """The mode the ledger states (metadata, a bank label word, the account's open), else None.

    Raises:
      PaymentModeError: a ``mode-reglement:`` value that names no mode.
    """
    for posting in postings:
        if posting.meta and MODE_KEY in posting.meta:
            return _checked_mode(posting.meta[MODE_KEY], posting.meta)
    if txn.meta and MODE_KEY in txn.meta:
        return _checked_mode(txn.meta[MODE_KEY], txn.meta)
    text = _upper_ascii(" ".join(t for t in (txn.payee, txn.narration) if t))
    for pattern, mode in _MODE_WORDS:
        if pattern.search(text):
            return mode
    written = index.open_meta(main, MODE_KEY)
    if written is not None:
        opened = index.opens.get(main)
        return _checked_mode(written, opened.meta if opened else None)
    return None


def payment_mode(index: LedgerIndex, txn: data.Transaction, treasury_account: str) -> str | None:
    """The mode of payment (a key of MODES) of ``txn`` moving money on ``treasury_account`` as
    the ledger states it, espèces for a cash box; None where the FEC would assume virement.
    A note d'honoraires prints it."""
    postings = [p for p in txn.postings if p.account == treasury_account]
    written = written_mode(index, txn, postings, treasury_account)
    return written or ("especes" if is_cash_box(treasury_account) else None)
