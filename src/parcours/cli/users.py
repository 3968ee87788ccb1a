"""``parcours user``: the accounts of a workspace's store (add, list, remove, grant).

No account exists until ``parcours user add --admin`` creates the first one. Passwords are read
from a hidden prompt (twice), or from standard input with ``--password-stdin``; never from the
command line, where other users of the machine could read them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from parcours.data.workspace import Workspace
from parcours.errors import StoreError
from parcours.settings import Settings
from parcours.store import Role, Store, open_store

F = TypeVar("F", bound=Callable[..., Any])


def _store_options(command: F) -> F:
    command = click.option(
        "--store",
        "store_url",
        help="The store's URL (default: the workspace's `store` setting, or "
        ".parcours/store.sqlite).",
    )(command)
    return click.option(
        "--workspace",
        default=".",
        show_default=True,
        type=click.Path(file_okay=False, path_type=Path),
        help="The workspace whose store holds the accounts.",
    )(command)


def _open(workspace: Path, store_url: str | None) -> Store:
    return open_store(Settings.load(workspace, store=store_url))


def _user_id(store: Store, email: str) -> int:
    user = store.user_by_email(email)
    if user is None:
        raise StoreError(f"no account with the email {email!r}; see `parcours user list`")
    return user.id


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@click.group("user")
def user() -> None:
    """Accounts of the web app: add, list, remove, grant a role."""


@user.command("add")
@click.argument("email")
@click.option("--admin", is_flag=True, help="The account may do everything.")
@click.option("--name", help="The person's name, shown in the web app.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@_store_options
def add(
    email: str,
    admin: bool,
    name: str | None,
    password_stdin: bool,
    workspace: Path,
    store_url: str | None,
) -> None:
    """Create an account for EMAIL (12 to 128 characters of password, not a common one)."""
    password = _read_password(password_stdin)
    with _open(workspace, store_url) as store:
        created = store.add_user(email, password, name=name, admin=admin)
    role = "admin" if created.admin else "no role yet: parcours user grant"
    click.echo(f"added {created.email} (id {created.id}, {role})")


@user.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@_store_options
def list_users(fmt: str, workspace: Path, store_url: str | None) -> None:
    """List the accounts and their roles."""
    with _open(workspace, store_url) as store:
        rows = [(u, store.grants(u.id)) for u in store.users()]
    if fmt == "json":
        users = [u.to_dict() | {"grants": [g.to_dict() for g in grants]} for u, grants in rows]
        click.echo(json.dumps({"users": users}, ensure_ascii=False))
        return
    for u, grants in rows:
        roles = ["admin"] if u.admin else []
        roles += [f"{g.role}@{g.journey or '*'}" for g in grants]
        name = f" ({u.name})" if u.name else ""
        click.echo(f"{u.id}\t{u.email}{name}\t{', '.join(roles) or '-'}")
    click.echo(f"{len(rows)} account(s)", err=True)


@user.command("remove")
@click.argument("email")
@_store_options
def remove(email: str, workspace: Path, store_url: str | None) -> None:
    """Remove the account of EMAIL; its sessions end at once."""
    with _open(workspace, store_url) as store:
        store.remove_user(_user_id(store, email))
    click.echo(f"removed {email}")


@user.command("grant")
@click.argument("email")
@click.argument("role", type=click.Choice([r.value for r in Role]))
@click.option("--journey", help="The journey (file name without suffix); default: all of them.")
@_store_options
def grant(
    email: str, role: str, journey: str | None, workspace: Path, store_url: str | None
) -> None:
    """Give EMAIL the ROLE on the whole workspace, or on one journey."""
    settings = Settings.load(workspace, store=store_url)
    with open_store(settings) as store:
        if journey is not None and store.journey(journey) is None:
            store.sync_workspace(Workspace(settings), [journey])  # from its file
        store.grant(_user_id(store, email), role, journey)
    click.echo(f"{email} is {role} on {journey or 'the whole workspace'}")


COMMANDS = [user]
