"""Benchmark the store calls a web request makes, on SQLite and PostgreSQL; prints a table.

    .venv/bin/python bench/store_requests.py --threads 32 --seconds 10 \
        --postgres postgresql://postgres@127.0.0.1:5432/test

Each of ``--threads`` threads loops for ``--seconds`` over what a page view asks of the store:
``session_for(token)`` (one read; ``last_seen`` written at most once a minute per session),
``role_for``, and ``version(key)`` of the sports subscription map (the latest text, ~20 kB).
One thread in eight also writes: a new session every loop (a login). Latencies are per call,
wall clock, all threads together. PostgreSQL runs in a schema of its own, dropped after.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
import uuid
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from parcours.samples import sample_path
from parcours.store import Store
from parcours.store.store import create_engine, engine_url

PASSWORD = "correct horse battery staple"


def run(store: Store, threads: int, seconds: float) -> dict[str, list[float]]:
    admin = store.add_user("bench@example.org", PASSWORD, admin=True)
    store.grant(admin.id, "viewer")
    text = sample_path("sport_subscription").read_text(encoding="utf-8")
    store.import_journey("sport", text, author_id=admin.id)
    tokens = [store.open_session(admin.id)[0] for _ in range(threads)]
    times: dict[str, list[float]] = {"session_for": [], "role_for": [], "version": [], "login": []}
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def loop(worker: int) -> None:
        mine: dict[str, list[float]] = {name: [] for name in times}
        while time.perf_counter() < stop:
            for name, call in (
                ("session_for", lambda: store.session_for(tokens[worker])),
                ("role_for", lambda: store.role_for(admin.id, "sport")),
                ("version", lambda: store.version("sport")),
            ):
                start = time.perf_counter()
                assert call() is not None
                mine[name].append(time.perf_counter() - start)
            if worker % 8 == 0:
                start = time.perf_counter()
                store.open_session(admin.id)
                mine["login"].append(time.perf_counter() - start)
        with lock:
            for name, values in mine.items():
                times[name].extend(values)

    workers = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return times


def postgres_store(url: str, schema: str) -> Store:
    engine = sa.create_engine(engine_url(url), pool_size=16, max_overflow=16)

    @event.listens_for(engine, "connect")
    def _in_schema(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f'SET search_path TO "{schema}"')
        cursor.close()
        dbapi_connection.commit()

    return Store(engine)


def report(backend: str, times: dict[str, list[float]], seconds: float) -> None:
    for name, values in times.items():
        if not values:
            continue
        ordered = sorted(values)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        print(
            f"| {backend} | {name} | {len(values) / seconds:,.0f} | "
            f"{statistics.median(values) * 1000:.2f} | {p95 * 1000:.2f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--postgres", help="a PostgreSQL URL (a schema is made and dropped)")
    args = parser.parse_args()
    print("| store | call | calls/s | p50 ms | p95 ms |")
    print("|---|---|---|---|---|")
    with TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite:///{Path(folder) / 'store.sqlite'}")
        with Store(engine) as store:
            report("SQLite", run(store, args.threads, args.seconds), args.seconds)
    if args.postgres:
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(engine_url(args.postgres), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        try:
            with postgres_store(args.postgres, schema) as store:
                report("PostgreSQL", run(store, args.threads, args.seconds), args.seconds)
        finally:
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
