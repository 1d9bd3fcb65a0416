"""The year-end bundle for the accountant (``hn export``).

One directory with everything the accountant or the AGA asks for, each file
made by the module that owns its figures (nothing is recomputed here):

* ``2035-<year>.{txt,csv,json,html}`` and ``2035-<year>-detail.txt`` (the
  postings behind each line) — ``form2035`` and its renderers;
* ``<SIREN>FEC<year>1231.txt`` — ``exports.fec``;
* ``livre-journal-<year>.{csv,html}`` — ``exports.livre_journal``;
* ``registre-immobilisations-<year>.{csv,html}`` — ``exports.registre``
  over ``assets``;
* ``factures-<year>.{txt,csv,json}`` — ``invoice_report`` (numbering per
  series, invoices unpaid on 31 December);
* ``tva-<year>.{txt,json}`` — ``vat.analyze`` (293 B franchise);
* ``LISEZMOI.txt`` (what each file is, how it was made, what to check) and
  ``SHA256SUMS`` (``sha256sum -c SHA256SUMS``).

Writing follows the folder rule (:mod:`beancount_hn.core.outfolder`): the files go
to a temporary directory next to the target, each as soon as it is made
(:class:`BundleStream`: the bundle never stands whole in memory), renamed at the end; an existing
target is replaced only when ``hn export`` wrote it for this ledger, with
``force``; on any error or signal nothing is left behind. With ``pseudonymise`` the entries are
rewritten first (``exports.pseudonymise``), so every file uses the same
pseudonyms.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from beancount.core import data

from beancount_hn import __version__
from beancount_hn.core.cashbook import Cashbook
from beancount_hn.core.errors import where
from beancount_hn.core.frtypo import money, number
from beancount_hn.core.identity import read_identity
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.core.outfolder import OutFile, OutputFolder, hashed_pieces
from beancount_hn.exports import ExportError
from beancount_hn.exports import livre_journal, registre
from beancount_hn.exports.fec import DEFAULT_CHARSET, RenderedFec, build_fec, practice_siren, render_fec
from beancount_hn.exports.pseudonymise import Pseudonymiser
from beancount_hn.invoicing.invoice_report import invoice_report
from beancount_hn.invoicing.invoices import build_invoice_book
from beancount_hn.render import form2035 as render2035
from beancount_hn.render.invoices import render_csv as invoices_csv
from beancount_hn.render.invoices import render_json as invoices_json
from beancount_hn.render.invoices import render_table as invoices_table
from beancount_hn.render.vat import render_year as vat_text
from beancount_hn.tax import lines2035
from beancount_hn.tax.assets import Registre, build_registre
from beancount_hn.tax.form2035 import Form2035, Reconciliation, compute_2035
from beancount_hn.tax.vat import analyze

BOM = "\ufeff"
CHECKSUMS = "SHA256SUMS"
README = "LISEZMOI.txt"


@dataclass(frozen=True)
class BundleFile:
    """One file of the bundle: its name, its content, and what LISEZMOI says of it.

    In a :class:`Bundle` the content is bytes; a file of a :class:`BundleStream`
    may give its pieces instead, made as they are written (the 2035's detail, the
    livre-journal's page: the long ones).
    """

    name: str
    content: bytes | Iterable[bytes]
    description: str


@dataclass
class Bundle:
    """The files of a bundle, in the order LISEZMOI lists them, and the warnings met."""

    year: int
    files: list[BundleFile] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def names(self) -> list[str]:
        return [f.name for f in self.files]


def _utf8_text(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


#: The figures of the 2035 LISEZMOI quotes.
KEY_CODES = ("AG", "BR", "CH", "CP", "CR")
#: Characters of the detail's text encoded and written at a time.
PIECE_CHARS = 1 << 16


@dataclass
class _Listed:
    """A file made so far: what LISEZMOI and SHA256SUMS say of it."""

    name: str
    description: str
    digest: Any  # hashlib's sha256, fed as the file is read
    complete: bool


class BundleStream:
    """The files of a bundle made one at a time, each when it is read: written, then dropped.

    ``hn export`` writes them as they come (:func:`write_bundle`), so that the
    bundle never stands whole in memory, nor the figures of one file while
    the next is made (the 2035 is let go once the FEC and the livre-journal are
    made of it). Read once; the errors are those of :func:`build_bundle`, met in
    the same order. :attr:`warnings` and :meth:`names` grow as the files come.
    """

    def __init__(self, entries: Sequence[data.Directive], index: LedgerIndex, year: int, *,
                 pseudonymise: bool = False, charset: str = DEFAULT_CHARSET, separator: str = "tab",
                 ledger_errors: int = 0, ledger_name: str = "") -> None:
        self.year = year
        self.warnings: list[str] = []
        self._listed: list[_Listed] = []
        self._files = self._made(entries, index, pseudonymise, charset, separator, ledger_errors, ledger_name)

    def __iter__(self) -> Iterator[BundleFile]:
        return self._files

    def names(self) -> list[str]:
        return [item.name for item in self._listed]

    def _file(self, name: str, content: str | bytes | Iterable[bytes], description: str) -> BundleFile:
        """A file, listed for LISEZMOI and SHA256SUMS (pieces are hashed as they are read)."""
        raw = content.encode("utf-8") if isinstance(content, str) else content
        listed = _Listed(name, description, hashlib.sha256(), isinstance(raw, bytes))
        self._listed.append(listed)
        if isinstance(raw, bytes):
            listed.digest.update(raw)
            return BundleFile(name, raw, description)
        return BundleFile(name, _hashed(raw, listed), description)

    def _made(self, entries: Sequence[data.Directive], index: LedgerIndex, pseudonymise: bool, charset: str,
              separator: str, ledger_errors: int, ledger_name: str) -> Iterator[BundleFile]:
        year = self.year
        siren = practice_siren(index)  # a missing or invalid SIREN stops everything, before any work
        pseudonymiser = None
        if pseudonymise:
            pseudonymiser = Pseudonymiser.from_entries(entries, index)
            entries = pseudonymiser.entries(entries)
            index = pseudonymiser.index(index, entries)  # options' text and source paths as rewritten
        # No cash book of the whole ledger in detail (half the ledger's own memory): the 2035 walks
        # its year, the unpaid invoices read each invoice's payments together, the VAT its own walk.
        assets = build_registre(entries, index)
        figures, fec_charset = yield from self._form_files(entries, index, assets, siren, charset, separator)
        yield from self._registre_files(entries, index, assets)
        yield from self._invoice_files(entries, index)
        yield from self._vat_files(entries, index)
        yield self._file(README, _readme(year, self._listed, index, figures, siren, fec_charset, separator,
                                         pseudonymiser, self.warnings, ledger_errors, ledger_name), "ce fichier")
        if not all(item.complete for item in self._listed):
            raise RuntimeError("un fichier du dossier n'a pas été lu jusqu'au bout : SHA256SUMS serait faux")
        sums = "".join(f"{item.digest.hexdigest()}  {item.name}\n" for item in self._listed)
        yield self._file(CHECKSUMS, sums, "les empreintes SHA-256 de chaque fichier (sha256sum -c SHA256SUMS)")

    def _form_files(self, entries: Sequence[data.Directive], index: LedgerIndex, assets: Registre, siren: str,
                    charset: str, separator: str) -> Generator[BundleFile, None, tuple[_KeyFigures, str]]:
        """The 2035, the FEC and the livre-journal, the files made of the year's 2035; returns
        what LISEZMOI quotes of them (the 2035 itself is let go on return)."""
        year = self.year
        form = compute_2035(entries, index, year, registre=assets)
        # The FEC first: its errors (account numbers, empty year) stop everything.
        rendered, fec_description = _fec_file(entries, index, form, siren, charset, separator)
        self.warnings.extend(f"FEC : {w}" for w in rendered.warnings)

        if form.unmapped_errors:
            raise ExportError("comptes sans ligne de la 2035 utilisés dans l'année :\n"
                              + "\n".join(f"{where(e.source)}: {e.message}" for e in form.unmapped_errors))
        if not form.reconciliation.closed:
            self.warnings.append(f"2035 : le rapprochement de trésorerie {year} ne tombe pas juste "
                                 f"(écart {money(form.reconciliation.difference)}) ; "
                                 f"hn 2035 --year {year} montre pourquoi")
        self.warnings.extend(f"2035 : {where(e.source)}: {e.message}" for e in form.errors)

        name = f"2035-{year}"
        yield self._file(f"{name}.txt", _utf8_text(render2035.to_table(form)),
                         "la 2035-A et la 2035-B ligne par ligne (euros entiers), le volet social PAMC et le "
                         "rapprochement de trésorerie")
        yield self._file(f"{name}.csv", BOM + render2035.to_csv(form),
                         "les mêmes lignes pour un tableur (« ; », virgule décimale)")
        yield self._file(f"{name}.json", _utf8_text(render2035.to_json(form)), "les mêmes chiffres au centime, en JSON")
        yield self._file(f"{name}.html", render2035.to_html(form), "les mêmes lignes, à imprimer")
        yield self._file(f"{name}-detail.txt", _encoded(_detail_lines(form)),
                         "pour chaque ligne non nulle, les écritures qui la composent (fichier:ligne du grand livre)")
        yield self._file(rendered.filename, rendered.content, fec_description)
        fec_charset = rendered.charset
        del rendered

        journal = livre_journal.build_livre_journal(entries, index, year, form=form)
        yield self._file(f"livre-journal-{year}.csv", livre_journal.render_csv(journal),
                         "le livre-journal des recettes et dépenses, pour un tableur")
        yield self._file(f"livre-journal-{year}.html", _encoded(livre_journal.html_parts(journal)),
                         "le livre-journal, à imprimer ; pour chaque ligne de la 2035, ses paiements plus ses "
                         "ajustements sans trésorerie font le montant déclaré")
        yield self._file(f"ajustements-2035-{year}.csv", livre_journal.render_adjustments_csv(journal),
                         "les ajustements de la 2035 sans mouvement de trésorerie (barème kilométrique, parts "
                         "privées réintégrées, dotations, plus ou moins-values), pour un tableur")
        return _KeyFigures({code: form.values[code] for code in KEY_CODES}, form.reconciliation), fec_charset

    def _registre_files(self, entries: Sequence[data.Directive], index: LedgerIndex,
                        assets: Registre) -> Iterator[BundleFile]:
        year = self.year
        view = registre.build_registre_view(entries, index, year, registre=assets)
        yield self._file(f"registre-immobilisations-{year}.csv", registre.render_csv(view),
                         "le registre des immobilisations et amortissements, pour un tableur")
        yield self._file(f"registre-immobilisations-{year}.html", registre.render_html(view),
                         "le registre des immobilisations, à imprimer")

    def _invoice_files(self, entries: Sequence[data.Directive], index: LedgerIndex) -> Iterator[BundleFile]:
        year = self.year
        book = build_invoice_book(entries, index)
        report = invoice_report(book, Cashbook.build(entries, index, detail=_aggregated),
                                datetime.date(year, 12, 31), year)
        del book
        yield self._file(f"factures-{year}.txt", _utf8_text(invoices_table(report)),
                         "la numérotation des factures par série (trous, numéros annulés, avoirs) et les "
                         "factures impayées au 31 décembre")
        yield self._file(f"factures-{year}.csv", invoices_csv(report), "le même rapport pour un tableur")
        yield self._file(f"factures-{year}.json", _utf8_text(invoices_json(report)), "le même rapport en JSON")

    def _vat_files(self, entries: Sequence[data.Directive], index: LedgerIndex) -> Iterator[BundleFile]:
        year = self.year
        last = max((e.date for e in entries if isinstance(e, data.Transaction)), default=None)
        as_of = min(last, datetime.date(year, 12, 31)) if last else None
        vat_year = analyze(entries, index, as_of=as_of).years.get(year)
        if vat_year is not None:
            yield self._file(f"tva-{year}.txt",
                             _utf8_text("Franchise en base de TVA (art. 293 B du CGI)\n\n" + "\n".join(vat_text(vat_year))),
                             "la franchise en base de TVA : chiffre d'affaires compté, seuils, statut")
            yield self._file(f"tva-{year}.json", _utf8_text(json.dumps(vat_year.to_json(), ensure_ascii=False, indent=2)),
                             "la même analyse en JSON")
        else:
            yield self._file(f"tva-{year}.txt",
                             f"Franchise en base de TVA (art. 293 B du CGI)\n\nAucune recette en {year}.\n",
                             "la franchise en base de TVA")


@dataclass(frozen=True)
class _KeyFigures:
    """What LISEZMOI quotes of the 2035, kept once the 2035 itself is let go."""

    values: dict[str, Decimal]
    reconciliation: Reconciliation


def _fec_file(entries: Sequence[data.Directive], index: LedgerIndex, form: Form2035, siren: str, charset: str,
              separator: str) -> tuple[RenderedFec, str]:
    """The FEC's bytes and what LISEZMOI says of it (its lines are let go on return)."""
    fec = build_fec(entries, index, form.year, form=form, siren=siren)
    rendered = render_fec(fec, charset=charset, separator=separator)
    return rendered, (f"le fichier des écritures comptables (art. A47 A-1 LPF, BNC recettes-dépenses : 22 "
                      f"champs), {fec.entry_count} écritures, {len(fec.lines)} lignes, "
                      f"{'tabulation' if separator == 'tab' else 'barre verticale'}, {rendered.charset}")


def _detail_lines(form: Form2035) -> Iterator[str]:
    """The 2035's detail: the top-level boxes only (a box's listing already shows its
    sub-lines and "dont" boxes)."""
    codes = [row.code for row in form.lines()
             if row.kind != lines2035.TOTAL and row.parent is None and form.values[row.code]]
    if not codes:
        yield "(aucune ligne non nulle)\n"
    for code in codes:
        yield from render2035.explain_lines(form, code)


def _encoded(texts: Iterable[str]) -> Iterator[bytes]:
    """``texts`` in UTF-8, in pieces of about :data:`PIECE_CHARS` characters."""
    pending: list[str] = []
    size = 0
    for text in texts:
        pending.append(text)
        size += len(text)
        if size >= PIECE_CHARS:
            yield "".join(pending).encode("utf-8")
            pending, size = [], 0
    if pending:
        yield "".join(pending).encode("utf-8")


def _hashed(pieces: Iterable[bytes], listed: _Listed) -> Iterator[bytes]:
    """``pieces`` as they come, hashed for SHA256SUMS; ``listed`` is complete once all are read."""
    yield from hashed_pieces(pieces, listed.digest)
    listed.complete = True


def build_bundle(entries: Sequence[data.Directive], index: LedgerIndex, year: int, *,
                 pseudonymise: bool = False, charset: str = DEFAULT_CHARSET, separator: str = "tab",
                 ledger_errors: int = 0, ledger_name: str = "") -> Bundle:
    """Every file of the bundle of ``year``, in memory (Fava's zip; ``hn export`` writes a
    :class:`BundleStream` instead, see :func:`write_bundle`)."""
    stream = BundleStream(entries, index, year, pseudonymise=pseudonymise, charset=charset, separator=separator,
                          ledger_errors=ledger_errors, ledger_name=ledger_name)
    files = [BundleFile(f.name, f.content if isinstance(f.content, bytes) else b"".join(f.content), f.description)
             for f in stream]
    return Bundle(year, files, stream.warnings)


def _aggregated(txn: data.Transaction) -> bool:
    return False


def _amount(value: Decimal) -> str:
    return number(value)


def _readme(year: int, listed: Sequence[_Listed], index: LedgerIndex, figures: _KeyFigures, siren: str,
            charset: str, separator: str, pseudonymiser: Pseudonymiser | None, warnings: Sequence[str],
            ledger_errors: int, ledger_name: str) -> str:
    identity = read_identity(index.config)
    who = identity.display_name if identity.nom else "(nom non déclaré)"
    lines = [
        f"Dossier {year} — {who}",
        f"SIREN {siren}" + (f" · SIRET {identity.siret}" if identity.siret else ""),
        "",
        f"Bénéfices non commerciaux, déclaration contrôlée, exercice du 01/01/{year} au 31/12/{year},",
        "comptabilité de trésorerie (recettes encaissées, dépenses payées ; case AK de la 2035-A).",
        f"Produit par beancount-hn {__version__}" + (f" à partir de {_source_name(ledger_name, pseudonymiser)}"
                                                      if ledger_name else "") + ".",
        "",
        "Fichiers",
        "--------",
    ]
    width = max(len(name) for name in [*(f.name for f in listed), README, CHECKSUMS])
    lines += [f"{f.name:<{width}}  {f.description}" for f in listed]
    lines += [f"{README:<{width}}  ce fichier",
              f"{CHECKSUMS:<{width}}  les empreintes SHA-256 de chaque fichier (sha256sum -c {CHECKSUMS})",
              "",
              "Chiffres clés de la 2035 (euros)",
              "--------------------------------"]
    for code in KEY_CODES:
        row = lines2035.line(code)
        lines.append(f"{code}  {row.label:<50} {_amount(figures.values[code]):>14}")
    rec = figures.reconciliation
    lines += [f"Rapprochement de trésorerie : {'équilibré' if rec.closed else 'NON ÉQUILIBRÉ'} "
              f"(mouvement {_amount(rec.treasury)}, écart {_amount(rec.difference)})",
              "",
              "Le FEC",
              "------",
              f"Format BNC recettes-dépenses de l'art. A47 A-1 LPF : les 18 champs standard puis DateRglt, "
              f"ModeRglt, NatOp, IdClient ; séparateur {'tabulation' if separator == 'tab' else '« | »'} ; "
              f"jeu de caractères {charset} ; fin de ligne CR LF ; montants à virgule décimale.",
              "Une écriture par mouvement de trésorerie : la ligne du compte de trésorerie (512 banque, "
              "531 caisse) et une ligne par compte auquel l'argent est imputé — honoraires (706) et charges "
              "(6xx) des factures réglées, y compris au travers des créances (pro rata des paiements "
              "partiels), ou compte neutre (108 exploitant, 164 emprunts, 2xx immobilisations…).",
              "Les soldes de trésorerie au 1er janvier forment l'écriture AN (contrepartie 110). Les dépenses "
              "payées sur fonds personnels sont au journal OD (contrepartie 108).",
              "Chaque paiement est imputé comme la 2035 l'a compté. Ce qu'elle ne compte sur aucune ligne "
              "bien qu'un compte de recettes ou de dépenses l'ait payé (CSG non déductible, frais de "
              "voiture couverts par le barème kilométrique, dépenses déclarées neutres) est passé au "
              "compte de l'exploitant (108). Le barème kilométrique de l'année est une écriture OD du "
              "31 décembre : frais de voiture (ligne 23) au débit, compte de l'exploitant au crédit.",
              "Pour chaque ligne de la 2035, les comptes 6 et 7 du FEC (NatOp « Recette »/« Dépense » "
              "et le code de la ligne) plus les ajustements absents du FEC (ajustements-2035-*.csv, "
              "colonne « Dans le FEC » : parts privées réintégrées en CC, dotations, plus ou "
              "moins-values) font le montant de la ligne, au centime.",
              "Numéros de compte : métadonnée compte: du compte, sinon la table par défaut de beancount-hn "
              "(data/pcg_accounts.csv, documentée dans le guide, page « Expert-comptable »)."]
    if pseudonymiser is not None:
        lines += ["", "Pseudonymisation", "----------------", *pseudonymiser.readme_lines()]
    notes = list(warnings)
    if ledger_errors:
        notes.insert(0, f"le grand livre a {ledger_errors} erreur(s) (bean-check les détaille)")
    lines += ["", "À vérifier", "----------"]
    lines += [f"- {note}" for note in notes] if notes else ["- rien à signaler"]
    return "\n".join(lines) + "\n"


def _source_name(ledger_name: str, pseudonymiser: Pseudonymiser | None) -> str:
    """The main file's name as LISEZMOI gives it: its base name, or, pseudonymised, as every file
    prints it (a name not made of harmless words masked, ``fichier-01.beancount``: it may be a person's)."""
    if pseudonymiser is None:
        return os.path.basename(ledger_name)
    return pseudonymiser.path(os.path.abspath(ledger_name))


def out_files(bundle: Bundle) -> list[OutFile]:
    """The bundle's files as a folder or a zip takes them (:mod:`beancount_hn.core.outfolder`)."""
    return [OutFile(item.name, item.content) for item in bundle.files]


def write_bundle(bundle: Bundle | Iterable[BundleFile], folder: OutputFolder) -> list[str]:
    """Write the files as ``folder``, atomically, by the folder rule; returns the stale folders removed.

    ``bundle`` is a built :class:`Bundle`, or files as they are made (a
    :class:`BundleStream`: each written, then dropped). The target is created
    complete or not at all (a private staging folder beside it, mode 0700: it
    holds health data, renamed at the end; an error while the files are made
    removes it); it replaces only a folder ``hn export`` wrote for this ledger,
    with ``force`` (:class:`beancount_hn.core.outfolder.OutputFolder`).
    """
    files = bundle.files if isinstance(bundle, Bundle) else bundle
    return folder.write((OutFile(item.name, item.content) for item in files), private=True)

