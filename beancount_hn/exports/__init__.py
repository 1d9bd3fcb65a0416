"""Files for the accountant: FEC, livre-journal, registre, the year-end bundle.

Every module here only *formats* figures computed by the core (``cashbook``,
``form2035``, ``assets``, ``invoices``, ``vat``); nothing is recomputed.

May import: ``core``, ``tax``, ``invoicing`` and ``render`` — never ``cli`` or
``fava``, which call it.
"""

from __future__ import annotations


class ExportError(ValueError):
    """Input the exports cannot handle; the message says where and what to do."""
