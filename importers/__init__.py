"""beangulp importers of beancount-hn (installed as ``beancount_hn.importers``)."""
