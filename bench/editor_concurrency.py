"""Editors saving the same map at once through ``PUT /api/journeys/{key}`` (If-Match): 0 lost
updates — every accepted change is in the final version or was reported as a conflict.

    python bench/editor_concurrency.py [--editors 2 20] [--changes 10]

For each number of editors: a fresh workspace (bench/out/editor_concurrency) holding the
sample map sport_subscription, one editor account each, ``parcours serve`` in a child process
on 127.0.0.1. Each editor logs in, then makes ``--changes`` changes, each a read-modify-write:
GET the map and its ETag, set its own card's field (touchpoint i's interaction, or owner past
the number of touchpoints) to a value of its own — and every third change also the map's
description, which all editors share, so that some edits overlap on purpose — then PUT it
with If-Match. A 412 (the shared field changed since: a conflict reported) makes the editor
read again and retry its change (at most 5 tries). At the end, each accepted change must be
in the final map, unless a later accepted save that had seen it (its If-Match at or after the
change's version) changed the same field again.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from served import served

from parcours.data.workspace import Workspace, create_workspace
from parcours.settings import Settings
from parcours.store import Role, open_store

HERE = Path(__file__).parent
SAMPLE = HERE.parent / "src" / "parcours" / "samples" / "sport_subscription.yaml"
JOURNEY = "sport_subscription"
PASSWORD = "a long bench password 2026"
TRIES = 5


@dataclass(frozen=True)
class Accepted:
    field: str  # "desc" or "tp:<id>:<field>"
    value: str
    version: int


@dataclass
class Tally:
    saves: int = 0
    accepted: int = 0
    merged: int = 0
    conflicts: int = 0
    errors: int = 0
    gave_up: int = 0


def prepare(editors: int) -> Path:
    root = HERE / "out" / "editor_concurrency"
    shutil.rmtree(root, ignore_errors=True)
    create_workspace(root)
    shutil.copy(SAMPLE, root / "journeys" / SAMPLE.name)
    with open_store(Settings.load(root)) as store:
        store.sync_workspace(Workspace.open(root))
        for n in range(editors):
            user = store.add_user(f"editor{n}@example.org", PASSWORD)
            store.grant(user.id, Role.EDITOR, JOURNEY)
    return root


async def log_in(client: httpx.AsyncClient, n: int) -> tuple[dict[str, str], str]:
    first = await client.get("/login")
    csrf = first.cookies.get("__Host-csrf") or ""
    # the cookies are __Host- (Secure): kept by hand over plain http on loopback
    login = await client.post(
        "/login",
        data={"email": f"editor{n}@example.org", "password": PASSWORD, "csrf": csrf},
        cookies={"__Host-csrf": csrf},
    )
    cookies = {"__Host-parcours": login.cookies["__Host-parcours"]}
    me = await client.get("/api/me", cookies=cookies)
    return cookies, me.json()["csrf"]


def cards(doc: dict[str, Any]) -> list[str]:
    return [t["id"] for s in doc["stages"] for t in s.get("touchpoints", [])]


def touchpoint(doc: dict[str, Any], tp_id: str) -> dict[str, Any]:
    return next(t for s in doc["stages"] for t in s.get("touchpoints", []) if t["id"] == tp_id)


def read_field(doc: dict[str, Any], name: str) -> Any:
    if name == "desc":
        return doc.get("description")
    _, tp_id, field = name.split(":")
    return touchpoint(doc, tp_id).get(field)


def write_field(doc: dict[str, Any], name: str, value: str) -> None:
    if name == "desc":
        doc["description"] = value
        return
    _, tp_id, field = name.split(":")
    touchpoint(doc, tp_id)[field] = value


async def editor(
    client: httpx.AsyncClient,
    n: int,
    changes: int,
    api: str,
    tally: Tally,
    accepted: list[tuple[Accepted, int]],
    gate: asyncio.Semaphore,
) -> None:
    async with gate:  # logins (argon2) a few at a time
        cookies, csrf = await log_in(client, n)
    first = (await client.get(api, cookies=cookies)).json()["journey"]
    ids = cards(first)
    own = f"tp:{ids[n % len(ids)]}:{'interaction' if n < len(ids) else 'owner'}"
    for k in range(changes):
        fields = [own, "desc"] if k % 3 == 0 else [own]
        value = f"editor{n} change{k}"
        for _ in range(TRIES):
            got = await client.get(api, cookies=cookies)
            tag = got.headers["etag"]
            base = int(tag.strip('"v'))
            doc = got.json()["journey"]
            for name in fields:
                write_field(doc, name, value)
            await asyncio.sleep(random.uniform(0, 0.02))  # people take a moment to type
            tally.saves += 1
            put = await client.put(
                api,
                json={"journey": doc, "message": value},
                headers={"If-Match": tag, "X-CSRF-Token": csrf},
                cookies=cookies,
            )
            if put.status_code == 200:
                body = put.json()
                tally.accepted += 1
                tally.merged += bool(body["merged"])
                for name in fields:
                    accepted.append((Accepted(name, value, body["version"]), base))
                break
            if put.status_code == 412:
                tally.conflicts += 1
                merge = put.json().get("merge") or {"conflicts": []}  # None: others kept saving
                paths = {c["path"] for c in merge["conflicts"]}
                if paths - {"description"}:  # only the shared field may conflict
                    tally.errors += 1
                continue
            tally.errors += 1
            break
        else:
            tally.gave_up += 1


def lost_updates(final: dict[str, Any], accepted: list[tuple[Accepted, int]]) -> int:
    """Accepted changes neither in ``final`` nor changed again by a save that had seen them."""
    lost = 0
    for change, _ in accepted:
        if read_field(final, change.field) == change.value:
            continue
        seen_later = any(
            other.field == change.field
            and other.version > change.version
            and base >= change.version
            for other, base in accepted
        )
        lost += not seen_later
    return lost


async def run(base_url: str, editors: int, changes: int) -> tuple[Tally, int]:
    api = f"/api/journeys/{JOURNEY}"
    tally, accepted = Tally(), []
    limits = httpx.Limits(max_connections=editors + 4)
    async with httpx.AsyncClient(base_url=base_url, timeout=600, limits=limits) as client:
        gate = asyncio.Semaphore(4)
        await asyncio.gather(
            *(editor(client, n, changes, api, tally, accepted, gate) for n in range(editors))
        )
        cookies, _ = await log_in(client, 0)
        final = (await client.get(api, cookies=cookies)).json()["journey"]
    return tally, lost_updates(final, accepted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editors", type=int, nargs="+", default=[2, 20])
    parser.add_argument("--changes", type=int, default=10)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    print(f"{args.changes} changes per editor, store: SQLite (workspace)")
    header = ("editors", "saves", "accepted", "auto-merged", "conflicts", "gave up", "errors")
    print(" ".join(f"{h:>11}" for h in header) + f" {'lost':>6}")
    random.seed(7)
    worst = 0
    for editors in args.editors:
        root = prepare(editors)
        with served(root, args.port) as (base_url, _):
            tally, lost = asyncio.run(run(base_url, editors, args.changes))
        row = (editors, tally.saves, tally.accepted, tally.merged, tally.conflicts)
        print(" ".join(f"{v:>11}" for v in (*row, tally.gave_up, tally.errors)) + f" {lost:>6}")
        worst = max(worst, lost, tally.errors)
    sys.exit(1 if worst else 0)


if __name__ == "__main__":
    main()
