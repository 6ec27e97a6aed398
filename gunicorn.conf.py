"""Gunicorn settings for Assurance: `make serve`, or `gunicorn -c gunicorn.conf.py` in a deployment.

Gunicorn listens on the loopback address only; a reverse proxy in front of it terminates TLS and
passes requests on (see "Deploying" in the README). Each setting can be changed from the
environment.
"""

import os
import subprocess
import sys
from pathlib import Path

wsgi_app = "assurance.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# Two processes with a few threads each: the pages mostly wait on the database, and a slow PDF
# in one thread does not hold up the others.
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# Restart each worker now and then so that a slow leak cannot build up.
max_requests = 1000
max_requests_jitter = 100
# Requests and errors to standard output and error, for the service manager's log.
accesslog = "-"
errorlog = "-"
# Only the proxy on this machine may tell gunicorn that the original request was HTTPS.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def on_starting(server):
    """Refuse to start when the database cannot be reached (assurance/checks.py): otherwise
    gunicorn would start and answer every request with an error. The check runs in its own
    process, so this one opens no database connection for its workers to inherit."""
    manage = Path(__file__).resolve().parent / "manage.py"
    result = subprocess.run(
        [sys.executable, str(manage), "check", "--database", "default"], check=False
    )
    if result.returncode != 0:
        server.log.error("The system check failed (above): not starting.")
        sys.exit(1)
