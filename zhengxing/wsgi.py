"""The WSGI application gunicorn serves.

The URLconf (every page's patterns, and the API's operations with the schemas django-ninja and
pydantic build for them: a second or two of CPU, several under load) is loaded here, as a worker
boots and before it takes its first connection, not by the first request that goes past the
public's vote (`contests.public_vote`): that request waited for it, and so did every other
thread of its worker, for the import holds the GIL. Under the vote load
(`bench/bench_vote_load.py`, on a machine at a load of 10) each of the three workers was seen
importing it for seconds while votes queued on its connections (py-spy)."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengxing.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 (imported for its work: the URLconf loaded now)
