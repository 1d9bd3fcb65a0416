"""Livre-journal des recettes et dépenses and registre des immobilisations: content, formats, golden files."""

from __future__ import annotations

import datetime
from decimal import Decimal

from beancount_hn.exports import livre_journal, registre
from beancount_hn.tax.form2035 import compute_2035
from tests.exports_ledger import SMALL, golden, load_small


def test_livre_journal_lists_receipts_and_expenses_paid_in_the_year():
    entries, index = load_small()
    book = livre_journal.build_livre_journal(entries, index, 2025)
    rows = [(r.date.isoformat(), r.piece, r.tiers, r.line, r.mode, r.receipt, r.expense) for r in book.rows]
    assert rows == [
        ("2025-01-06", "F-2024-0001", "Mme Hélène Dupont", "AA", "Chèque", Decimal("60.00"), 0),
        ("2025-02-05", "", "CPAM du Rhône", "AA", "Virement", Decimal("180.00"), 0),
        ("2025-02-05", "", "CPAM du Rhône", "AA", "Virement", Decimal("120.00"), 0),
        ("2025-02-10", "", "M. Paul Lefèvre", "AA", "Espèces", Decimal("90.00"), 0),
        ("2025-03-01", "", "SCI Les Lilas", "BF", "Prélèvement", 0, Decimal("650.00")),
        ("2025-03-05", "", "Banque Populaire", "BN", "Virement", 0, Decimal("22.40")),
        ("2025-04-02", "F-2025-0001", "Mme Łucja Nowak", "AA", "Carte bancaire", Decimal("30.00"), 0),
        ("2025-05-20", "", "Papeterie du Centre", "27", "Fonds personnels", 0, Decimal("18.90")),
        ("2025-09-30", "", "MACSF", "22", "Virement", 0, Decimal("210.00")),
        ("2025-12-31", "", "Banque Populaire", "BN", "Virement", 0, Decimal("24.00")),
    ]
    # The CPAM transfer names the FSE lots it pays.
    assert [r.nature for r in book.rows[1:3]] == ["CPAM - FSE lot 17", "CPAM - FSE lot 18"]
    form = compute_2035(entries, index, 2025)
    assert book.total_receipts == form.values["AG"]
    assert book.total_expenses == form.values["BR"]
    assert book.by_line()["BN"] == (0, Decimal("46.40"))


def test_livre_journal_csv_is_for_french_spreadsheets_and_matches_its_golden_files():
    entries, index = load_small()
    book = livre_journal.build_livre_journal(entries, index, 2025)
    text = livre_journal.render_csv(book)
    assert text.startswith("\ufeffDate;Pièce;Tiers;Nature;")
    assert "06/01/2025;F-2024-0001;Mme Hélène Dupont;Rééducation du dos;Income:HN;AA;Chèque;BQ;60,00;\r\n" in text
    assert text.endswith(";;;Total 2025;;;;;480,00;925,30\r\n")
    golden("small-livre-journal-2025.csv", text.encode("utf-8"))
    page = livre_journal.render_html(book)
    assert "<title>Livre-journal des recettes et dépenses 2025</title>" in page
    assert "Camille Roux EI" in page
    golden("small-livre-journal-2025.html", page.encode("utf-8"))


def test_html_escapes_ledger_text():
    text = SMALL.replace('"Massage, 3 séances"', '"<script>alert(1)</script> & co"')
    entries, index = load_small(text)
    page = livre_journal.render_html(livre_journal.build_livre_journal(entries, index, 2025))
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page


def test_registre_shows_the_schedule_of_assets_module():
    entries, index = load_small()
    view = registre.build_registre_view(entries, index, 2025)
    [row] = view.rows
    assert row.asset.designation == "Table de massage électrique"
    # 1800 over 5 years from 12 June 2025, 360-day basis: 199 days -> 199.00 (assets.py computes it).
    assert (row.before, row.dotation, row.cumulated, row.net_book_value) == \
        (Decimal(0), Decimal("199.00"), Decimal("199.00"), Decimal("1601.00"))
    assert row.dotation == compute_2035(entries, index, 2025).values["CH"]
    later = registre.build_registre_view(entries, index, 2026).rows[0]
    assert (later.before, later.dotation, later.cumulated) == (Decimal("199.00"), Decimal("360.00"), Decimal("559.00"))
    text = registre.render_csv(view)
    assert text.startswith("\ufeffDésignation;Compte;Date d'acquisition;")
    assert "Table de massage électrique;Assets:Immobilisations:Table;12/06/2025;12/06/2025;1800,00;linéaire 5 ans;" \
           "0,00;199,00;199,00;1601,00;;;;;;\r\n" in text
    golden("small-registre-2025.csv", text.encode("utf-8"))
    golden("small-registre-2025.html", registre.render_html(view).encode("utf-8"))


def test_registre_disposal_and_empty_year():
    text = SMALL + """
2027-03-01 * "Reprise" "Vente de la table"
  Assets:Banque                  900.00 EUR
  Assets:Immobilisations:Table  -900.00 EUR
    cession: TRUE
"""
    entries, index = load_small(text)
    [row] = registre.build_registre_view(entries, index, 2027).rows
    assert row.disposal_date == datetime.date(2027, 3, 1)
    assert row.price == Decimal("900.00")
    assert row.result == row.price - row.net_book_value
    assert registre.build_registre_view(entries, index, 2028).rows == []
    page = registre.render_html(registre.build_registre_view(entries, index, 2024))
    assert "Aucune immobilisation détenue en 2024." in page

