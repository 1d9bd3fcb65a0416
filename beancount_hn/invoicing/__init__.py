"""Invoicing: notes d'honoraires, credit notes, devis and their numbering.

Owns the invoice book (``invoices``: numbers, series in ``series``, voided
numbers, quotes in ``quotes``), the accountant's numbering and lettrage view
(``invoice_report``), and the documents handed over (``notes`` and its text,
HTML, PDF and Factur-X renderers, ``notes_files`` writing them).

May import: ``core`` and ``tax`` (a document states the VAT mention of its year).
"""
