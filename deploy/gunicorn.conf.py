"""gunicorn settings of the web units (systemd/zalo-oa-web@.service) behind nginx, installed as
/etc/zalo-oa/gunicorn.conf.py. The unit gives the port: `--bind 127.0.0.1:%i`.

The worker model, count and timeouts are the ones `zalo-oa serve` runs with (zalo_oa.server,
measured by bench/webhook.py): sync workers, 2 per core on PostgreSQL (4 on 2 cores, 8 on 4).
A webhook is answered in milliseconds; Zalo's 2 s deadline is kept by nginx's webhook timeouts
(nginx/zalo-oa.conf), while `timeout` only replaces a worker stuck for 30 s on a slow page.
"""
import os

from zalo_oa.server import gunicorn_options

globals().update(gunicorn_options(
    "127.0.0.1", 8001, database_url=os.environ.get("ZALO_OA_DATABASE_URL", "sqlite://")))

# nginx on this host sets X-Forwarded-Proto; only its address is believed.
forwarded_allow_ips = "127.0.0.1,::1"
# The workers' heartbeat files on tmpfs: a slow disk must not make gunicorn kill them.
worker_tmp_dir = "/dev/shm"
# nginx logs every request; gunicorn logs errors (to the journal, through stderr).
accesslog = None
proc_name = "zalo-oa-web"
