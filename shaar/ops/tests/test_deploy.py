"""The deployment recipe in deploy/ is checked by the tools that understand it, where they
are installed (each skip prints what to install), and gunicorn runs with its config."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from shaar.testing import search

from .faultkit import stop_process

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
VENV_BIN = Path(sys.executable).parent


def _need(tool: str, package: str) -> str:
    path = shutil.which(tool) or (f"/usr/sbin/{tool}" if Path(f"/usr/sbin/{tool}").exists()
                                  else None)
    if not path:
        reason = f"{tool} not installed: install Debian's {package} to check this"
        print(f"SKIPPING: {reason}")
        pytest.skip(reason)
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- nginx ---------------------------------------------------------------------------------

def _nginx_site(tmp_path: Path, **replace: str) -> Path:
    """The site with test certificates and log paths, inside a minimal nginx.conf."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=shaar.example.org", "-keyout", str(tmp_path / "privkey.pem"),
                    "-out", str(tmp_path / "fullchain.pem")], check=True, capture_output=True)
    (tmp_path / "logs").mkdir(exist_ok=True)
    site = (DEPLOY / "nginx" / "shaar.conf").read_text()
    site = site.replace("/etc/letsencrypt/live/shaar.example.org/", f"{tmp_path}/")
    site = site.replace("/var/log/nginx/", f"{tmp_path}/logs/")
    for old, new in replace.items():
        site = site.replace(old, new)
    (tmp_path / "shaar.conf").write_text(site)
    mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/logs/error.log;
events {{}}
http {{
    {mime}
    access_log {tmp_path}/logs/access.log;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
    include {tmp_path}/shaar.conf;
}}
""")
    return conf


def test_it_has_an_nginx_site_that_nginx_accepts(tmp_path) -> None:
    nginx = _need("nginx", "nginx")
    _need("openssl", "openssl")
    conf = _nginx_site(tmp_path)
    result = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(conf)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_it_rate_limits_log_in_codes_reports_and_ballots_in_nginx() -> None:
    site = (DEPLOY / "nginx" / "shaar.conf").read_text()
    zones = dict(re.findall(r"location (?:~ |\^~ |= )?(\S+) \{\s*limit_req zone=(\w+)", site))
    assert zones == {
        "^/(ky|ru|en)/accounts/login/": "shaar_login",
        "^/(ky|ru|en)/accounts/": "shaar_codes",
        "^/(ky|ru|en)/feedback/": "shaar_reports",
        "/open311/": "shaar_reports",
        "/api/v1/feedback/": "shaar_reports",
        "^/(ky|ru|en)/budget/": "shaar_ballots",
    }
    # The narrower log-in rule must come first: nginx uses the first matching regex.
    assert site.index("accounts/login/") < site.index("^/(ky|ru|en)/accounts/ ")
    # 5 photos of 10 MB and the form itself.
    assert search(r"client_max_body_size (\d+)m;", site).group(1) == "55"
    assert "Strict-Transport-Security" in site


# --- systemd -------------------------------------------------------------------------------

def test_it_has_systemd_units_that_systemd_accepts(tmp_path) -> None:
    analyze = _need("systemd-analyze", "systemd")
    env_file = tmp_path / "shaar.env"
    env_file.write_text("DEBUG=false\n")
    units = sorted(p for p in (DEPLOY / "systemd").iterdir() if p.suffix in {".service",
                                                                             ".timer"})
    assert [u.name for u in units] == ["shaar-backup.service", "shaar-backup.timer",
                                       "shaar-beat.service", "shaar-web.service",
                                       "shaar-worker.service"]
    for unit in units:
        text = unit.read_text()
        # Point the unit at this checkout: verify checks that the programs exist.
        text = text.replace("/srv/shaar/app/.venv/bin", str(VENV_BIN))
        text = text.replace("/srv/shaar/app", str(ROOT))
        text = text.replace("/etc/shaar/shaar.env", str(env_file))
        text = text.replace("User=shaar", "User=root").replace("Group=shaar", "Group=root")
        text = text.replace("/usr/bin/find", shutil.which("find") or "/usr/bin/find")
        (tmp_path / unit.name).write_text(text)
    result = subprocess.run([analyze, "verify", *[str(tmp_path / u.name) for u in units]],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    worker = (DEPLOY / "systemd" / "shaar-worker.service").read_text()
    assert " -O fair " in worker


# --- docker compose ------------------------------------------------------------------------

def test_it_has_a_compose_file_that_docker_compose_accepts(tmp_path) -> None:
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"],
                                                 capture_output=True).returncode == 0:
        command = ["docker", "compose"]
    elif shutil.which("docker-compose"):
        command = ["docker-compose"]
    else:
        _need("docker-compose", "docker-compose (or the Docker compose plugin)")
    workdir = tmp_path / "deploy"
    shutil.copytree(DEPLOY, workdir)
    shutil.copy(workdir / "shaar.env.example", workdir / "shaar.env")
    result = subprocess.run([*command, "-f", str(workdir / "docker-compose.yml"), "config"],
                            capture_output=True, text=True, cwd=workdir)
    assert result.returncode == 0, result.stderr
    for service in ("db:", "redis:", "web:", "worker:", "beat:"):
        assert f"\n  {service}" in result.stdout


# --- gunicorn ------------------------------------------------------------------------------

def _get(url: str, headers: dict[str, str] | None = None):
    # An Accept-Language header: this database has no tables, and without one the
    # language middleware would look up the city's default language.
    request = urllib.request.Request(  # noqa: S310 (http://127.0.0.1 only)
        url, headers={"Accept-Language": "en", **(headers or {})})
    return urllib.request.urlopen(request, timeout=5)  # noqa: S310 (http://127.0.0.1 only)


@contextlib.contextmanager
def running_gunicorn(tmp_path: Path, **settings: str) -> Iterator[int]:
    """gunicorn with deploy/gunicorn.conf.py on a free port, stopped afterwards; `settings`
    are more environment variables."""
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "shaar.settings", "DEBUG": "true",
           "SQLITE_PATH": str(tmp_path / "db.sqlite3"), "GUNICORN_BIND": f"127.0.0.1:{port}",
           "WEB_CONCURRENCY": "2", "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
           "GUNICORN_ACCESS_LOG": str(tmp_path / "access.log"), **settings}
    with open(tmp_path / "error.log", "w") as errors:
        process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "--config", str(DEPLOY / "gunicorn.conf.py"),
             "shaar.wsgi"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _get(f"http://127.0.0.1:{port}/healthz").close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("gunicorn did not start: "
                                + (tmp_path / "error.log").read_text()[-2000:])
                time.sleep(0.3)
        yield port
    finally:
        stop_process(process)


def test_it_serves_through_gunicorn_with_request_ids_and_summed_metrics(tmp_path) -> None:
    with running_gunicorn(tmp_path) as port:
        base = f"http://127.0.0.1:{port}"
        for n in range(10):
            with _get(base + "/healthz", {"X-Request-ID": f"drill-request-{n:04d}"}) as response:
                assert response.headers["X-Request-ID"] == f"drill-request-{n:04d}"
        with _get(base + "/metrics") as response:
            body = response.read().decode()
    counted = sum(float(line.rsplit(" ", 1)[1]) for line in body.splitlines()
                  if line.startswith("shaar_http_requests_total{") and 'view="healthz"' in line)
    # Two workers answered; the multiprocess registry adds both up.
    assert counted >= 10
    assert "request_id=drill-request-0009" in (tmp_path / "access.log").read_text()


# --- nginx in front of gunicorn ---------------------------------------------------------------

def _tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the test's self-signed certificate
    return context


def _https(port: int, path: str, *, method: str = "GET", headers: dict | None = None,
           body: bytes | None = None) -> http.client.HTTPResponse:
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=_tls_context(),
                                             timeout=10)
    connection.request(method, path, body=body,
                       headers={"Accept-Language": "en", **(headers or {})})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def _start_nginx(nginx: str, tmp_path: Path, app_port: int, static: Path
                 ) -> tuple[subprocess.Popen[bytes], int, int]:
    """nginx with the shipped site on two free ports: (process, http port, https port).

    A port found free can be taken by another test before nginx binds it (the suite runs in
    parallel): nginx then exits at once, and it is started again on other ports. nginx
    writes its pid file once it holds its ports: that is the sign it is ready."""
    pid = tmp_path / "nginx.pid"
    for _attempt in range(3):
        http_port, https_port = _free_port(), _free_port()
        conf = _nginx_site(tmp_path, **{
            "listen 80;": f"listen 127.0.0.1:{http_port};",
            "listen [::]:80;": "",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
            "listen [::]:443 ssl http2;": "",
            "server 127.0.0.1:8000": f"server 127.0.0.1:{app_port}",
            "/srv/shaar/static/": f"{static}/",
            "/srv/shaar/media/": f"{tmp_path}/media/",
            "/srv/shaar/exports/": f"{tmp_path}/exports/",
        })
        if os.geteuid() == 0:  # worker processes would otherwise run as nobody
            conf.write_text("user root;\n" + conf.read_text())
        pid.unlink(missing_ok=True)
        errors = tmp_path / "nginx.stderr"
        with errors.open("wb") as stderr:
            process = subprocess.Popen([nginx, "-p", str(tmp_path), "-c", str(conf),
                                        "-g", "daemon off;"], stderr=stderr)
        deadline = time.monotonic() + 20
        while process.poll() is None and time.monotonic() < deadline:
            if pid.exists():
                return process, http_port, https_port
            time.sleep(0.1)
        stop_process(process)
    raise AssertionError(f"nginx did not start: {errors.read_text()}")


def test_it_serves_the_site_through_nginx_with_tls_limits_and_request_ids(tmp_path) -> None:
    nginx = _need("nginx", "nginx")
    _need("openssl", "openssl")
    static = tmp_path / "static"
    (static / "web").mkdir(parents=True)
    (static / "web" / "site.css").write_text("body{}")
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "reports.csv").write_text("id,category\n1,pothole\n")
    with running_gunicorn(tmp_path, FEEDBACK_EXPORTS_DIR=str(tmp_path / "exports"),
                          FEEDBACK_EXPORTS_ACCEL_PREFIX="/_exports/") as app_port:
        process, http_port, https_port = _start_nginx(nginx, tmp_path, app_port, static)
        try:
            # Plain HTTP goes to HTTPS.
            plain = http.client.HTTPConnection("127.0.0.1", http_port, timeout=5)
            plain.request("GET", "/en/")
            redirect = plain.getresponse()
            assert redirect.status == 301
            assert redirect.headers["Location"].startswith("https://")

            # The app, with HSTS and nginx's request id passed through to Django.
            health = _https(https_port, "/healthz", headers={"X-Request-ID": "ignored-by-nginx"})
            assert health.status == 200
            assert "max-age=31536000" in health.headers["Strict-Transport-Security"]
            request_id = health.headers["X-Request-ID"]
            assert re.fullmatch(r"[0-9a-f]{32}", request_id)

            # Static files from disk, cacheable for ever, still with HSTS.
            css = _https(https_port, "/static/web/site.css")
            assert css.status == 200
            assert "immutable" in css.headers["Cache-Control"]
            assert css.headers["Strict-Transport-Security"]

            # The whole city's download: Django names the file, nginx sends it; the
            # folder itself is not reachable from outside.
            download = http.client.HTTPSConnection("127.0.0.1", https_port, timeout=10,
                                                   context=_tls_context())
            download.request("GET", "/en/feedback/reports.csv",
                             headers={"Accept-Language": "en"})
            export = download.getresponse()
            assert (export.status, export.read()) == (200, b"id,category\n1,pothole\n")
            assert export.headers["Content-Type"].startswith("text/csv")
            assert "attachment" in export.headers["Content-Disposition"]
            download.close()
            assert _https(https_port, "/_exports/reports.csv").status == 404

            # /metrics from the operator's own machine.
            assert _https(https_port, "/metrics").status == 200

            # Reading the log-in page is never limited by nginx; posting to it is. (This
            # throw-away database has no tables, so Django itself answers 503 here.)
            reads = {_https(https_port, "/en/accounts/login/").status for _ in range(25)}
            assert 429 not in reads
            posts = [_https(https_port, "/en/accounts/login/", method="POST", body=b"x=1",
                            headers={"Content-Type": "application/x-www-form-urlencoded"}
                            ).status for _ in range(25)]
            assert 429 in posts and posts[0] != 429

            # More than five 10 MB photos is refused before it reaches Django.
            big = http.client.HTTPSConnection("127.0.0.1", https_port, timeout=10,
                                              context=_tls_context())
            big.putrequest("POST", "/en/feedback/")
            big.putheader("Content-Length", str(60 * 1024 * 1024))
            big.endheaders()
            assert big.getresponse().status == 413
            big.close()
        finally:
            stop_process(process)
    access_log = (tmp_path / "logs" / "shaar.access.log").read_text()
    assert f"request_id={request_id}" in access_log
    assert f"request_id={request_id}" in (tmp_path / "access.log").read_text()
