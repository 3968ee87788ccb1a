"""200 concurrent users reading maps and their JSON for 60 s, against 127.0.0.1 only.

    python bench/web_load.py [--users 200] [--seconds 60] [--store URL]

Builds the demo workspace (bench/out/web_demo), adds one account, serves the app with uvicorn
in a child process on 127.0.0.1, logs each simulated user in (a session each), then every user
loops: the measured map page, its JSON twin, the journeys list, each followed by a pause as a
person reading it would take (uniform between 0.5x and 1.5x ``--think`` seconds; 0 for none);
each user starts at a random instant within the first pause, so that they do not all ask at once.
Prints requests, errors and latency percentiles per kind of request. ``--store`` puts the
store in PostgreSQL (e.g. postgresql://postgres@127.0.0.1:5432/test); the default is SQLite in
the workspace.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import time
from pathlib import Path

import httpx
from serving import served

from parcours.demo import build_demo
from parcours.settings import Settings
from parcours.store import open_store

HERE = Path(__file__).parent
JOURNEY = "sport_subscription"
EMAIL, PASSWORD = "bench@example.org", "a long bench password 2026"
PAGES = {
    "map page": f"/journeys/{JOURNEY}",
    "map JSON": f"/api/journeys/{JOURNEY}",
    "journeys": "/journeys",
}


def prepare(store_url: str | None) -> Path:
    root = HERE / "out" / "web_demo"
    if not (root / ".parcours" / "snapshots" / JOURNEY / "all.json").exists():
        build_demo(root)
    overrides = {"store": store_url} if store_url else {}
    with open_store(Settings.load(root, **overrides)) as store:
        if not any(u.email == EMAIL for u in store.users()):
            store.add_user(EMAIL, PASSWORD, admin=True)
    return root


async def log_in(client: httpx.AsyncClient, gate: asyncio.Semaphore) -> dict[str, str] | None:
    """A session of one's own (argon2 costs a fraction of a second per login, so logins go a
    few at a time, before the measured minute)."""
    async with gate:
        first = await client.get("/login")
        csrf = first.cookies.get("__Host-csrf") or ""
        # the cookies are __Host- (Secure): keep them by hand over plain http on loopback
        login = await client.post(
            "/login",
            data={"email": EMAIL, "password": PASSWORD, "csrf": csrf},
            cookies={"__Host-csrf": csrf},
        )
    session = login.cookies.get("__Host-parcours")
    return {"__Host-parcours": session} if login.status_code == 303 and session else None


async def user(
    client: httpx.AsyncClient,
    cookies: dict[str, str],
    stop: float,
    think: float,
    timings: dict[str, list[float]],
    errors: list[str],
) -> None:
    if think:  # people do not all click at the same instant: each starts within one pause
        await asyncio.sleep(random.uniform(0, think))
    while time.monotonic() < stop:
        for kind, path in PAGES.items():
            started = time.perf_counter()
            try:
                answer = await client.get(path, cookies=cookies)
                if answer.status_code != 200:
                    errors.append(f"{kind}: {answer.status_code}")
            except httpx.HTTPError as error:
                errors.append(f"{kind}: {type(error).__name__}")
                continue
            timings[kind].append(time.perf_counter() - started)
            if think:
                await asyncio.sleep(think * random.uniform(0.5, 1.5))


async def load(
    base: str, users: int, seconds: float, think: float
) -> tuple[dict[str, list[float]], list[str]]:
    timings: dict[str, list[float]] = {kind: [] for kind in PAGES}
    errors: list[str] = []
    limits = httpx.Limits(max_connections=users + 10)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        gate = asyncio.Semaphore(4)
        sessions = await asyncio.gather(*(log_in(client, gate) for _ in range(users)))
        errors += ["login failed" for s in sessions if s is None]
        stop = time.monotonic() + seconds
        await asyncio.gather(
            *(user(client, s, stop, think, timings, errors) for s in sessions if s is not None)
        )
    return timings, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=2.0)
    parser.add_argument("--store", default=None)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    root = prepare(args.store)
    env = {**os.environ, **({"PARCOURS_STORE": args.store} if args.store else {})}
    with served(root, args.port, env) as base:
        random.seed(7)
        timings, errors = asyncio.run(load(base, args.users, args.seconds, args.think))
    store = re.sub(r"//[^@/]*@", "//", args.store) if args.store else "SQLite (workspace)"
    total = sum(map(len, timings.values()))
    print(
        f"{args.users} users, {args.seconds:.0f} s, think {args.think} s, store: {store}, "
        f"{total / args.seconds:.0f} requests/s"
    )
    print(f"{'request':<12} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for kind, values in timings.items():
        if not values:
            print(f"{kind:<12} {0:>7}")
            continue
        q = statistics.quantiles(values, n=100)
        print(
            f"{kind:<12} {len(values):>7} {1000 * q[49]:>8.0f} {1000 * q[94]:>8.0f} "
            f"{1000 * q[98]:>8.0f}"
        )
    print(f"errors: {len(errors)}" + (f" (first: {errors[:5]})" if errors else ""))


if __name__ == "__main__":
    main()
