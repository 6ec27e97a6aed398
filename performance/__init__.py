"""The performance machinery, kept out of the product's packages: a synthetic archive of years
of meetings and actions (``synthetic_archive``, written by ``manage.py generate_archive``), the
page benchmark (``manage.py benchmark``) and the load tests (``loadtest``, run by
``make loadtest`` and ``make loadtest-oversized``). No page of the site imports it.
"""
