"""The reports as every face shows them: text, CSV and JSON of the 2035, the invoices
and the VAT franchise, shared by ``hn``, Fava and the accountant's bundle.

May import: ``core``, ``tax`` and ``invoicing`` — never a face.
"""
