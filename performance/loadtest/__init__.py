"""The load tests: Locust against gunicorn on PostgreSQL at archive scale 10 (``make loadtest``,
``run.py``), and oversized formset posts (``make loadtest-oversized``, ``oversized_posts.py``)."""
