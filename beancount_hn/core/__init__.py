"""The core: what every figure stands on, with no tax rule and no face.

Owns the configuration (``config``: the ``hn-option`` directives), the one pass over
a loaded ledger (``ledger``), the accounts' 2035 mapping by name (``mapping``) and
roles on the cash basis (``roles``), the classification of receipts (``classify``,
``acts``: conventionné, dépassement, HN; exempt or in the franchise), the cash book
(``cashbook``: every treasury movement attributed to what it settles), and the
plumbing every layer shares: errors in Beancount's protocol, French typography
(``frtypo``), amounts out of bounds, atomic writes and output folders, loading a
ledger for a command, CSV cells, the practitioner's identity, payment modes.

May import: Beancount and the standard library only — never ``tax``,
``invoicing``, ``render`` or a face (``cli``, ``fava``, ``exports``, ``plugins``,
``importers``). ``tests/test_layout.py`` checks the direction.
"""
