"""scripts/with-postgres, the throwaway cluster of the PostgreSQL pass and `make bench-postgres`:
it listens on a Unix socket in a directory of its own and on no TCP port, so two runs never
compete for an address; DATABASE_URL names the socket directory, and psycopg and
dj-database-url (Django's settings, hence pg_dump's --host in test_backup.py) read it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from subprocess import PIPE

import pytest

ROOT = Path(__file__).resolve().parents[3]

INSIDE = """
import json, os, psycopg, dj_database_url
url = os.environ["DATABASE_URL"]
with psycopg.connect(url) as db:
    listen = db.execute("SHOW listen_addresses").fetchone()[0]
    tcp = db.execute("SELECT inet_server_addr() IS NOT NULL").fetchone()[0]
host = dj_database_url.parse(url)["HOST"]
print(json.dumps({"url": url, "listen": listen, "tcp": tcp, "host": host,
                  "socket": os.path.exists(os.path.join(host, ".s.PGSQL.5432"))}))
"""


@pytest.mark.postgres
def test_two_throwaway_clusters_start_at_once_each_on_a_socket_only() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    command = [str(ROOT / "scripts" / "with-postgres"), sys.executable, "-c", INSIDE]
    runs = [
        subprocess.Popen(command, env=env, cwd=ROOT, stdout=PIPE, stderr=PIPE, text=True)
        for _ in range(2)
    ]
    seen = []
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
        seen.append(json.loads(out.strip().splitlines()[-1]))
    for cluster in seen:
        assert cluster["listen"] == "", cluster  # no TCP address at all
        assert cluster["tcp"] is False, cluster  # connected through the socket
        assert cluster["socket"] is True, cluster
        assert cluster["host"].startswith("/tmp/zhengxing-pg."), cluster
        encoded = cluster["host"].replace("/", "%2F")
        assert cluster["url"] == f"postgres://postgres@{encoded}/zhengxing"
        assert not Path(cluster["host"]).exists(), "the cluster's directory outlived the run"
    assert seen[0]["host"] != seen[1]["host"]
