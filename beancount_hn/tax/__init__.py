"""The tax rules: what the law makes of the cash book.

Owns the 2035-A/2035-B of a year (``form2035``, its lines as data in ``lines2035``),
the VAT franchise of art. 293 B CGI (``vat``, its thresholds in ``vat_rules``),
vehicle costs and the barème (``vehicle``), fixed assets (``assets``), and what
goes around the 2035: the 2042-C-PRO boxes (``declaration``), the 2035-E and the
DAS-2 (``duties``), the SNIR cross-check (``snir``).

May import: ``core`` only (and Beancount).
"""
