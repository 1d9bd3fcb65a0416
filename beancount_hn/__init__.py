"""beancount-hn: Beancount for French self-employed health professionals.

The core library: every figure (receipt classification, invoice numbering,
293 B turnover, 2035 lines, exports) is computed here, once; the Beancount
plugins (``beancount_hn.plugins``), the ``hn`` command line and the Fava
extension are thin faces over it.
"""

__version__ = "0.1.0"
