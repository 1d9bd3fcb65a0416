"""Beancount plugins of beancount-hn (installed as ``beancount_hn.plugins``).

Load them all with one line, in the order they must run::

    plugin "beancount_hn.plugins.all"
"""
