"""The load side of the benchmarks: wrk runs, the booking rush and the page weights.

Everything here talks HTTP to the gunicorn the runner started; nothing imports the portal.
"""

import gzip
import http.client
import json
import os
import re
import subprocess
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

WRK_SCRIPT = Path(__file__).with_name("wrk.lua")
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_SUBMISSION_INPUT = re.compile(r'name="submission_token" value="([^"]+)"')
_ASSETS = re.compile(
    r'<(?:link[^>]+rel="(?:stylesheet|icon)"[^>]+href|script[^>]+src|img[^>]+src)="([^"]+)"'
)
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


@dataclass
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _lua_string(value: str) -> str:
    # JSON string syntax is valid Lua for ASCII text; anything else is refused here.
    if not value.isascii():
        raise ValueError("wrk request data must be ASCII")
    return json.dumps(value)


def wrk(base_url: str, requests: list[dict], *, seconds: int, connections: int) -> WrkResult:
    """Load `requests` (dicts: method, path, headers, body), rotated, for `seconds`."""
    lines = ["return {"]
    for r in requests:
        headers = ", ".join(
            f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in r.get("headers", {}).items()
        )
        body = _lua_string(r["body"]) if r.get("body") else "nil"
        lines.append(
            f"  {{method = {_lua_string(r.get('method', 'GET'))}, "
            f"path = {_lua_string(r['path'])}, headers = {{{headers}}}, body = {body}}},"
        )
    lines.append("}")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as data:
        data.write("\n".join(lines))
    try:
        run = subprocess.run(
            [
                "wrk",
                f"--threads={min(2, connections)}",
                f"--connections={connections}",
                f"--duration={seconds}s",
                "--timeout=5s",
                f"--script={WRK_SCRIPT}",
                base_url,
            ],
            env={**os.environ, "BENCH_WRK_DATA": data.name},
            capture_output=True,
            text=True,
            timeout=seconds + 30,
            check=True,
        )
    finally:
        os.unlink(data.name)
    line = next(x for x in run.stdout.splitlines() if x.startswith("BENCH_JSON "))
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    errors = sum(raw[k] for k in raw if k.endswith("errors") or k == "timeouts")
    return WrkResult(
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1e6,
        p50_ms=raw["p50_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        errors=errors,
    )


class Browser:
    """One visitor: a connection per request (gunicorn's sync workers close it anyway) and a
    cookie jar, enough for CSRF and the booking session."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None, headers=None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        sent = {"Accept-Encoding": "gzip", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            raw = response.read()
        finally:
            connection.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _eq, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response, raw

    @staticmethod
    def text(response, raw: bytes) -> str:
        if response.getheader("Content-Encoding") == "gzip":
            raw = gzip.decompress(raw)
        return raw.decode("utf-8", "replace")

    def form_tokens(self, path: str) -> tuple[int, dict]:
        response, raw = self.request("GET", path)
        html = self.text(response, raw)
        tokens = {}
        if match := _CSRF_INPUT.search(html):
            tokens["csrfmiddlewaretoken"] = match.group(1)
        if match := _SUBMISSION_INPUT.search(html):
            tokens["submission_token"] = match.group(1)
        return response.status, tokens


def csrf_post_requests(host: str, port: int, path: str, forms: list[dict]) -> list[dict]:
    """wrk requests posting each form with one CSRF cookie and token, fetched once."""
    browser = Browser(host, port)
    status, tokens = browser.form_tokens(path)
    if status != 200 or "csrfmiddlewaretoken" not in tokens:
        raise SystemExit(f"GET {path} gave {status} without a CSRF token")
    headers = {
        "Cookie": f"csrftoken={browser.cookies['csrftoken']}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return [
        {
            "method": "POST",
            "path": path,
            "headers": headers,
            "body": urllib.parse.urlencode(
                {**form, "csrfmiddlewaretoken": tokens["csrfmiddlewaretoken"]}
            ),
        }
        for form in forms
    ]


@dataclass
class RushResult:
    clients: int
    statuses: dict[int, int]
    seconds: float
    p99_ms: float
    winner_cookies: dict = field(default_factory=dict)

    @property
    def booked(self) -> int:
        return self.statuses.get(302, 0)

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


def booking_rush(host: str, port: int, paths: list[str], niks: list[str]) -> RushResult:
    """Every client opens its booking form (client i on paths[i % len]), then all post at
    the same instant; a redirect (302) is a booking made."""
    clients = [Browser(host, port) for _ in niks]
    tokens: list[dict] = [{}] * len(niks)
    statuses: list[int] = [0] * len(niks)
    latencies: list[float] = [0.0] * len(niks)
    barrier = threading.Barrier(len(niks), timeout=120)
    started: list[float] = []

    def client(i: int) -> None:
        path = paths[i % len(paths)]
        try:
            _status, tokens[i] = clients[i].form_tokens(path)
        finally:
            barrier.wait()
        if i == 0:
            started.append(time.perf_counter())
        form = {
            **tokens[i],
            "nik": niks[i],
            "full_name": "Warga Uji Beban",
            "email": f"rush{i}@contoh.id",
        }
        begin = time.perf_counter()
        try:
            response, _raw = clients[i].request("POST", path, form)
            statuses[i] = response.status
        except OSError:
            statuses[i] = 599  # no answer at all: counted with the server errors
        latencies[i] = time.perf_counter() - begin

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(niks))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    # The rush ends when the last answer arrives.
    seconds = max(latencies) if latencies else 0.0
    counts: dict[int, int] = {}
    for status in statuses:
        counts[status] = counts.get(status, 0) + 1
    ordered = sorted(latencies)
    winner = next((c.cookies for c, s in zip(clients, statuses, strict=True) if s == 302), {})
    return RushResult(
        clients=len(niks),
        statuses=counts,
        seconds=seconds,
        p99_ms=ordered[int(len(ordered) * 0.99) - 1] * 1000 if ordered else 0.0,
        winner_cookies=winner,
    )


@dataclass
class PageWeight:
    name: str
    path: str
    status: int
    html_bytes: int  # as sent
    html_gzip_bytes: int  # if something compressed it
    total_bytes: int  # as sent: headers + HTML + every asset
    requests: int


def page_weight(
    host: str, port: int, name: str, path: str, *, form=None, cookies=None
) -> PageWeight:
    """A first visit (empty cache): the page and every stylesheet, script, icon and image
    it links, each asked for with Accept-Encoding gzip, br; sizes as they came."""
    browser = Browser(host, port)
    browser.cookies.update(cookies or {})
    headers = {"Accept-Encoding": "gzip, br"}
    if form is not None:
        _status, tokens = browser.form_tokens(path)
        response, raw = browser.request("POST", path, {**form, **tokens}, headers)
    else:
        response, raw = browser.request("GET", path, headers=headers)
    html = browser.text(response, raw)
    total = len(raw) + _header_bytes(response)
    requests = 1
    seen = set()
    pending = [u for u in _ASSETS.findall(html) if not u.startswith("data:")]
    while pending:
        url = pending.pop()
        if url in seen:
            continue
        seen.add(url)
        asset, body = browser.request("GET", url, headers=headers)
        total += len(body) + _header_bytes(asset)
        requests += 1
        if asset.getheader("Content-Type", "").startswith("text/css"):
            css = browser.text(asset, body)
            base = url.rsplit("/", 1)[0] + "/"
            pending += [
                urllib.parse.urljoin(base, u) for u in _CSS_URL.findall(css) if "data:" not in u
            ]
    return PageWeight(
        name=name,
        path=path,
        status=response.status,
        html_bytes=len(raw),
        html_gzip_bytes=len(gzip.compress(html.encode("utf-8"), 6)),
        total_bytes=total,
        requests=requests,
    )


def _header_bytes(response) -> int:
    return sum(len(k) + len(v) + 4 for k, v in response.getheaders()) + 17
