"""The load test: Locust against gunicorn on PostgreSQL at archive scale 10 (``make loadtest``)."""
