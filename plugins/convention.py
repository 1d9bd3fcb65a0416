"""Tag every transaction with receipts by its convention status.

Each receipt (income posting of fees) is classified as conventionné,
dépassement or non conventionné (see ``beancount_hn.core.classify``), and its
transaction gets the matching tags::

    2025-03-04 * "Lot FSE" "Séances de la semaine"
      acte: "RAB 8"
      Assets:Creances:CPAM          176.80 EUR
      Income:Honoraires:Conventionnes

becomes the same transaction tagged ``#conventionne``; a transaction mixing
an NGAP act and a DE gets ``#conventionne #depassement``.

Errors, at the transaction's line: a receipt that cannot be classified, an
unknown status or act code, and a hn tag written by hand that the postings
contradict. Running the plugin twice adds nothing.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from beancount.core import data
from beancount.core.amount import Amount
from beancount.core.number import ONE

from beancount_hn.core.classify import (CONVENTION_STATUSES, TAXABLE, ClassificationError, ClassifiedReceipts,
                                        Classifier, Fields, TaxableReceipts, make_receipts)
from beancount_hn.core.errors import source_of
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.plugins import run_step

__plugins__ = ("convention",)

HN_TAGS = frozenset(CONVENTION_STATUSES)
_TAXABLE = frozenset(TAXABLE)
_CONVENTION, _VAT = itemgetter(0), itemgetter(1)  # of a receipt's Fields: convention, vat
_new_tuple = tuple.__new__


def tag_receipts(entries: list[data.Directive], index: LedgerIndex) -> tuple[list[data.Directive], list]:
    """Return the entries with hn tags added, and the classification errors.

    One pass: every transaction is classified, tagged and checked where it stands.
    What it classified is left on ``index`` for the steps after it: the taxable
    receipts (the VAT step) and every transaction's receipts (the invoice book).
    """
    errors: list = []
    classifier = Classifier(index)
    lines, plain = classifier.lines, classifier.plain_accounts
    non_fee: list[data.Transaction] = []  # touching an income account not of fees (the VAT step reads them)
    tagged: list[data.Directive] = []
    append = tagged.append
    taxable: dict[int, tuple[data.Transaction, list]] = {}
    classified = ClassifiedReceipts()
    keep_txn, keep_lines = classified.txns.append, classified.lines.append
    changed = False
    shared_tags: dict[frozenset[str], frozenset[str]] = {}
    # A receipt's classification -> its status as a set, and whether it is taxable: most
    # transactions have one receipt, classified like thousands of others.
    alone: dict[Fields, tuple[frozenset[str], bool]] = {}
    for entry in entries:
        if type(entry) is not data.Transaction:
            if type(entry) is data.Pad and entry.source_account not in plain:
                errors.extend(_pad_errors(entry, classifier, index.currency))
            append(entry)
            continue
        for posting in entry.postings:
            if posting.account not in plain:
                break
        else:  # the usual transaction without receipts: nothing to classify
            if not entry.tags or entry.tags.isdisjoint(HN_TAGS):
                append(entry)
                continue
        receipt_lines = lines(entry)
        indices, fields, txn_errors = receipt_lines
        other_income = classifier.non_fee_txn is entry  # a line of income not of fees (lines saw it)
        txn_tags = entry.tags
        written = txn_tags & HN_TAGS if txn_tags else txn_tags
        if not fields and not txn_errors:
            # hn tags on a transaction without any receipt contradict "no receipt".
            if written:
                tags = " ".join(f"#{t}" for t in sorted(written))
                errors.append(ClassificationError(
                    source_of(entry),
                    f"tag {tags} sur une transaction sans recette (aucune ligne de recette "
                    "d'honoraires) ; retirez le tag — les règlements sont classés par leur facture",
                    entry,
                ))
            if other_income:
                non_fee.append(entry)
            append(entry)
            continue
        if txn_errors:
            errors.extend(txn_errors)
        if len(fields) == 1:
            resolved, taxable_line = alone.get(fields[0]) or alone.setdefault(
                fields[0], (frozenset((fields[0][0],)), fields[0][1] in _TAXABLE))
        else:  # in posting order: the same work every run
            resolved, taxable_line = frozenset(map(_CONVENTION, fields)), not _TAXABLE.isdisjoint(map(_VAT, fields))
        if written:
            contradicted = written - resolved
            if contradicted and not txn_errors:
                tags = " ".join(f"#{t}" for t in sorted(contradicted))
                found = ", ".join(sorted(resolved)) or "aucun"
                errors.append(ClassificationError(
                    source_of(entry),
                    f"tag {tags} contredit le statut des recettes ({found}) ; "
                    "retirez le tag ou corrigez les métadonnées acte:/convention:",
                    entry,
                ))
        if not resolved <= txn_tags:  # a new Transaction, without NamedTuple's Python-level _replace
            meta, date, flag, payee, narration, _, links, postings = entry
            tags = frozenset(txn_tags) | resolved if txn_tags else resolved
            # One frozenset per set of tags, shared: a ledger of thousands of lots has a handful.
            tags = shared_tags.setdefault(tags, tags)
            entry = _new_tuple(data.Transaction, (meta, date, flag, payee, narration, tags, links, postings))
            changed = True
        if taxable_line:
            taxable[id(entry)] = (entry, make_receipts(entry, indices, fields))
        if fields:
            keep_txn(entry)
            keep_lines(receipt_lines)
        if other_income:
            non_fee.append(entry)
        append(entry)
    if not changed:
        tagged = entries
    index.taxable_receipts = TaxableReceipts(tagged, taxable, non_fee)
    classified.entries = tagged
    index.classified_receipts = classified
    return tagged, errors


def _pad_errors(pad: data.Pad, classifier: Classifier, currency: str) -> list:
    """The errors of the receipts a ``pad`` will make from an income account.

    Beancount writes the padding transaction after the plugins, so no step
    sees its receipts: classified here as the transaction it will be (the
    pad's metadata, its two accounts), and refused when taxable, since the VAT
    step could not count them.
    """
    padding = data.Transaction(pad.meta, pad.date, "P", None, "", data.EMPTY_SET, data.EMPTY_SET, [
        data.Posting(pad.account, Amount(ONE, currency), None, None, None, None),
        data.Posting(pad.source_account, Amount(-ONE, currency), None, None, None, None)])
    _, fields, found = classifier.lines(padding)
    errors = [ClassificationError(error.source, error.message, pad) for error in found]
    if any(_VAT(line) in _TAXABLE for line in fields):
        errors.append(ClassificationError(
            source_of(pad), f"pad depuis {pad.source_account} : il créerait des recettes imposables à la TVA "
            "dont le montant n'est connu qu'après les vérifications de la franchise ; écrivez ces recettes "
            "(date, montant, acte:) au lieu du pad", pad))
    return errors


def convention(entries: list[data.Directive], options_map: dict[str, Any],
               config_str: str | None = None) -> tuple[list[data.Directive], list]:
    """Beancount plugin: add ``#conventionne``/``#depassement``/``#non-conventionne``."""
    return run_step(tag_receipts, entries, options_map)
