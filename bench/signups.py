"""Residents signing up one after the other on a running site, then signing in again.

    make run > run.log 2>&1 &     # the SMS codes are printed in that console
    .venv/bin/python bench/signups.py --sms-log run.log [--url http://127.0.0.1:8000] [--count 10]

Signs up --count residents by e-mail and --count by phone (each phone typed in another of
the usual Kyrgyz formats, the SMS code read from the console log), then signs every phone
account in again with its number typed in each format, and every e-mail account with its
address. The site's limits (10 sign-ups and 10 sign-ins a minute from one address) are kept
by pacing, as one household on one connection would meet them. Exit status 1 on any
failure; only --url is contacted.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import re
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

PASSWORD = "a long and unusual passphrase"  # noqa: S105 - the new accounts' own
# How residents type a number 700 123 456: each format in turn.
FORMATS = [
    lambda n: f"0{n[:3]} {n[3:6]} {n[6:]}",                      # 0700 123 456
    lambda n: n,                                                  # 700123456
    lambda n: f"996{n}",                                          # 996700123456
    lambda n: f"+996 ({n[:3]}) {n[3:5]}-{n[5:7]}-{n[7:]}",        # +996 (700) 12-34-56
]
PACE = 6.5  # seconds between sign-ups or sign-ins: under 10 a minute


class Browser:
    """Cookies and the CSRF token, as a browser without JavaScript keeps them."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, str, str]:
        return self._open(urllib.request.Request(self.base + path))  # noqa: S310 - http(s) only

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, str, str]:
        token = next((c.value for c in self.jar if c.name == "csrftoken"), "")
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        request = urllib.request.Request(  # noqa: S310 - http(s) only (main)
            self.base + path, body, headers={"Referer": self.base + path})
        return self._open(request)

    def _open(self, request: urllib.request.Request) -> tuple[int, str, str]:
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.url, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.url, exc.read().decode()


def sms_code(log: Path, phone: str, after: int) -> str:
    """The newest six-digit code sent to `phone` in the console log past byte `after`."""
    for _ in range(50):
        text = log.read_bytes()[after:].decode(errors="replace")
        codes = re.findall(rf"\[SMS to {re.escape(phone)}\][^\n]*?\b(\d{{6}})\b", text)
        if codes:
            return codes[-1]
        time.sleep(0.2)
    raise SystemExit(f"no SMS code for {phone} in {log}")


def sign_up(base: str, fields: dict[str, str], log: Path, phone: str | None) -> str:
    """Signs up; for a phone, also enters the SMS code. Returns the page it ends on."""
    browser = Browser(base)
    browser.get("/en/accounts/signup/")
    offset = log.stat().st_size
    status, url, page = browser.post("/en/accounts/signup/", {
        **fields, "password1": PASSWORD, "password2": PASSWORD})
    if status != 200:
        raise SystemExit(f"sign-up {fields}: HTTP {status}")
    if phone:
        if 'name="code"' not in page:
            raise SystemExit(f"sign-up {fields}: no code asked for ({url})")
        status, url, page = browser.post(urllib.parse.urlsplit(url).path,
                                         {"code": sms_code(log, phone, offset)})
        if status != 200 or 'name="code"' in page:
            raise SystemExit(f"sign-up {fields}: the SMS code was refused (HTTP {status})")
    return url


def sign_in(base: str, login: str) -> bool:
    browser = Browser(base)
    browser.get("/en/accounts/login/")
    status, url, _page = browser.post("/en/accounts/login/",
                                      {"login": login, "password": PASSWORD})
    return status == 200 and not url.endswith("/accounts/login/")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--sms-log", type=Path, required=True)
    parser.add_argument("--count", type=int, default=10)
    args = parser.parse_args()
    if urllib.parse.urlsplit(args.url).scheme not in ("http", "https"):
        raise SystemExit("--url must be an http(s) address")
    run = secrets.randbelow(900) + 100  # new numbers and addresses on every run
    emails = [f"resident{run}-{n}@example.org" for n in range(args.count)]
    phones = [f"700{run}{n:03d}" for n in range(args.count)]

    began = time.perf_counter()
    for email in emails:
        sign_up(args.url, {"email": email}, args.sms_log, None)
        time.sleep(PACE)
    for n, number in enumerate(phones):
        sign_up(args.url, {"phone": FORMATS[n % len(FORMATS)](number)}, args.sms_log,
                f"+996{number}")
        time.sleep(PACE)
    print(f"signed up {len(emails)} by e-mail and {len(phones)} by phone, one after the other")

    failures = []
    for login in emails + [style(p) for p in phones for style in FORMATS]:
        if not sign_in(args.url, login):
            failures.append(login)
        time.sleep(PACE)
    print(f"signed in again: {len(emails) + len(phones) * len(FORMATS) - len(failures)} of "
          f"{len(emails) + len(phones) * len(FORMATS)} (phones in {len(FORMATS)} formats each), "
          f"{time.perf_counter() - began:.0f} s in all")
    for login in failures:
        print(f"could not sign in: {login}")
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
