"""beangulp importers of beancount-hn (installed as ``beancount_hn.importers``).

* :mod:`.bank_csv` — configurable bank CSV importer; layouts as data (:mod:`.layouts`,
  ``presets.toml``);
* :mod:`.ofx` — OFX/QFX through ofxtools;
* :mod:`.camt` — ISO 20022 camt.053/052/054 through a hardened lxml parser (:mod:`.xmlsafe`);
* :mod:`.journal` — the practice software's invoice/FSE journal;
* :mod:`.categorize` — label rules and CPAM/mutuelle grouped transfers settling open
  receivables (:mod:`.receivables`);
* :mod:`.dedup` — ``import-id:`` and duplicate marking; :mod:`.amounts` — French numbers
  and dates; :mod:`.textfile`, :mod:`.table` — safe reading; :mod:`.detect` — file
  recognition for ``hn extract``.

May import: ``core`` only (a grouped CPAM transfer settles the receivables the
cash book knows); nothing of the tax rules.
"""
