"""A bounded load test of a running ``zxkg serve`` on this machine.

    python scripts/loadtest.py http://127.0.0.1:8000 --clients 20 --seconds 30
    python scripts/loadtest.py http://127.0.0.1:8000 --clients 4 --seconds 3 --json

N client threads ask, one request after another, for searches (``/search``) and adopters
(``/mechanisms/{term}/adopters``) with terms read from the server's own ``/mechanisms``,
for T seconds or until M requests in all. It reports requests per second, latency
percentiles and errors (any status but 200, or no answer in time). Only loopback
addresses are accepted: this is for measuring your own server, never someone else's.
Exit status 0 when every request succeeded, 1 when some failed, 2 on a usage error.
Standard library only, so ``make bench`` can run it with any Python.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

MAX_CLIENTS = 64
MAX_SECONDS = 600.0
SEARCHES = ("委员", "政协 工作室", "“有事好商量”", "履职 考核", "双考 OR 两力两率", "委员工作室 -党建")


@dataclass
class Tally:
    """What the clients saw, per endpoint; shared under one lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)
    started: int = 0

    def claim(self, limit: int) -> bool:
        """Reserve the right to send one more request; False once ``limit`` were sent."""
        with self.lock:
            if self.started >= limit:
                return False
            self.started += 1
            return True

    def record(self, endpoint: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies.setdefault(endpoint, []).append(seconds)
            if error is not None:
                self.errors[endpoint] = self.errors.get(endpoint, 0) + 1
                if len(self.examples) < 5:
                    self.examples.append(error)


def loopback(url: str) -> str:
    """The base URL without a trailing slash, if it names this machine; ValueError otherwise."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        raise ValueError(f"expected a URL such as http://127.0.0.1:8000, not {url!r}")
    if host != "localhost":
        try:
            if not ipaddress.ip_address(host).is_loopback:
                raise ValueError
        except ValueError:
            raise ValueError(f"only loopback addresses (127.0.0.1, ::1, localhost) are tested, not {host!r}") from None
    return url.rstrip("/")


class _Stay(urllib.request.HTTPRedirectHandler):
    """Redirects are not followed: they could lead away from this machine."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> None:
        return None


# No proxies either (an http_proxy setting would send loopback requests elsewhere).
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _Stay())


def get(url: str, timeout: float) -> tuple[int, bytes]:
    try:
        with _OPENER.open(url, timeout=timeout) as r:
            return int(r.status), r.read()
    except urllib.error.HTTPError as e:
        return int(e.code), e.read()


def workload(base: str, timeout: float) -> list[tuple[str, str]]:
    """(endpoint, url) pairs the clients take turns on: searches and the adopters of known terms.

    Each search is asked bare and narrowed to one of the years and regions the store holds
    most (read from its own facets), some of them a page further on: a few hundred distinct
    searches, as readers narrowing and paging ask them, so that a server keeping answers
    cannot pass the test by repeating a dozen."""
    status, body = get(f"{base}/mechanisms?limit=20", timeout)
    if status != 200:
        raise RuntimeError(f"{base}/mechanisms answered {status}; is it a zxkg server with data?")
    terms = [item["name"] for item in json.loads(body)["items"]]
    queries = [*SEARCHES, *terms[:6]]
    narrowing: list[dict[str, str]] = [{}]
    probe = urllib.parse.urlencode({"q": queries[0], "facet": ["year", "region"], "facet_size": 20}, doseq=True)
    status, body = get(f"{base}/search?{probe}", timeout)
    if status == 200:
        facets = json.loads(body).get("facets", {})
        for name in ("year", "region"):
            narrowing += [{name: str(item["value"])} for item in facets.get(name, [])]
    searches = [
        {"q": q, **narrow, "limit": "10", "offset": str(10 * ((i + j) % 3 == 0))}
        for j, narrow in enumerate(narrowing)
        for i, q in enumerate(queries)
    ]
    out: list[tuple[str, str]] = []
    for i in range(max(len(searches), len(terms))):
        out.append(("search", f"{base}/search?{urllib.parse.urlencode(searches[i % len(searches)])}"))
        if terms:
            term = urllib.parse.quote(terms[i % len(terms)], safe="")
            out.append(("adopters", f"{base}/mechanisms/{term}/adopters?limit=50"))
    return out


def client(
    n: int, clients: int, work: list[tuple[str, str]], tally: Tally, deadline: float, limit: int, timeout: float
) -> None:
    i = 2 * (n * len(work) // (2 * clients))  # clients start spread over the workload, each at a search
    while time.monotonic() < deadline and tally.claim(limit):
        endpoint, url = work[i % len(work)]
        i += 1
        started = time.perf_counter()
        error: str | None = None
        try:
            status, _ = get(url, timeout)
            if status != 200:
                error = f"{status} {url}"
        except (OSError, urllib.error.URLError) as exc:
            error = f"{type(exc).__name__}: {exc} ({url})"
        tally.record(endpoint, time.perf_counter() - started, error)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of ``values`` (sorted or not); 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary(seconds: float, tally: Tally) -> dict[str, Any]:
    def figures(lat: list[float], errors: int) -> dict[str, Any]:
        return {
            "requests": len(lat),
            "errors": errors,
            "requests_per_s": round(len(lat) / seconds, 1) if seconds else 0.0,
            "p50_ms": round(percentile(lat, 50) * 1000, 1),
            "p95_ms": round(percentile(lat, 95) * 1000, 1),
            "p99_ms": round(percentile(lat, 99) * 1000, 1),
            "max_ms": round(max(lat, default=0.0) * 1000, 1),
        }

    everything = [x for lat in tally.latencies.values() for x in lat]
    out = figures(everything, sum(tally.errors.values()))
    out["seconds"] = round(seconds, 2)
    out["endpoints"] = {e: figures(lat, tally.errors.get(e, 0)) for e, lat in sorted(tally.latencies.items())}
    out["error_examples"] = tally.examples
    return out


def run(base: str, clients: int, seconds: float, max_requests: int, timeout: float = 10.0) -> dict[str, Any]:
    """Load ``base`` with ``clients`` threads for ``seconds`` (or ``max_requests``); the figures."""
    work = workload(base, timeout)
    tally = Tally()
    started = time.monotonic()
    deadline = started + seconds
    threads = [
        threading.Thread(target=client, args=(n, clients, work, tally, deadline, max_requests, timeout), daemon=True)
        for n in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + timeout + 5)
    out = summary(time.monotonic() - started, tally)
    out["clients"] = clients
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="Base URL of a running zxkg serve on this machine, e.g. http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=20, help=f"Concurrent clients (1–{MAX_CLIENTS}; default 20).")
    parser.add_argument("--seconds", type=float, default=30.0, help=f"How long (at most {MAX_SECONDS:g}; default 30).")
    parser.add_argument("--max-requests", type=int, default=1_000_000, help="Stop after this many requests in all.")
    parser.add_argument("--timeout", type=float, default=10.0, help="Seconds a request may take (default 10).")
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    args = parser.parse_args(argv)
    try:
        base = loopback(args.url)
    except ValueError as exc:
        parser.error(str(exc))
    if not 1 <= args.clients <= MAX_CLIENTS:
        parser.error(f"--clients must be between 1 and {MAX_CLIENTS}")
    if not 0 < args.seconds <= MAX_SECONDS:
        parser.error(f"--seconds must be more than 0 and at most {MAX_SECONDS:g}")
    if args.max_requests < 1:
        parser.error("--max-requests must be 1 or more")
    try:
        figures = run(base, args.clients, args.seconds, args.max_requests, args.timeout)
    except (OSError, RuntimeError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        print(
            f"{figures['clients']} clients, {figures['seconds']} s: {figures['requests']} requests, "
            f"{figures['requests_per_s']}/s, p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
            f"errors {figures['errors']}"
        )
        for name, f in figures["endpoints"].items():
            print(
                f"  {name:9} {f['requests']:6} requests  {f['requests_per_s']:7}/s  "
                f"p50 {f['p50_ms']} ms  p95 {f['p95_ms']} ms  p99 {f['p99_ms']} ms  errors {f['errors']}"
            )
        for example in figures["error_examples"]:
            print(f"  error: {example}", file=sys.stderr)
    return 1 if figures["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
