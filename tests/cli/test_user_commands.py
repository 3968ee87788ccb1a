"""``parcours user``: accounts of a workspace's store from the command line (real SQLite store)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner, Result

from parcours.cli import main
from parcours.samples import sample_path
from parcours.settings import Settings
from parcours.store import Role, open_store

PASSWORD = "correct horse battery staple"


def run(*args: str | Path, input: str | None = None) -> Result:
    return CliRunner().invoke(
        main, [str(a) for a in args], input=input, env={"PARCOURS_STORE": None}
    )


def test_add_list_grant_remove(tmp_path: Path) -> None:
    ws = ["--workspace", tmp_path]
    added = run(
        "user",
        "add",
        "Ana@example.org",
        "--admin",
        "--name",
        "Ana",
        *ws,
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert added.exit_code == 0, added.output
    assert "added ana@example.org (id 1, admin)" in added.output
    assert PASSWORD not in added.output  # the prompt hides it
    piped = run(
        "user",
        "add",
        "bob@example.org",
        "--password-stdin",
        *ws,
        input="tangerine piano lighthouse\n",
    )
    assert piped.exit_code == 0, piped.output
    (tmp_path / "journeys").mkdir()
    shutil.copy(sample_path("sport_subscription"), tmp_path / "journeys")
    granted = run(
        "user", "grant", "bob@example.org", "viewer", "--journey", "sport_subscription", *ws
    )
    assert granted.exit_code == 0, granted.output
    assert run("user", "grant", "bob@example.org", "editor", *ws).exit_code == 0
    listed = run("user", "list", "--format", "json", *ws)
    users = json.loads(listed.stdout)["users"]
    assert [(u["email"], u["admin"], u["name"]) for u in users] == [
        ("ana@example.org", True, "Ana"),
        ("bob@example.org", False, None),
    ]
    assert users[1]["grants"] == [
        {"user_id": 2, "role": "editor", "journey": None},
        {"user_id": 2, "role": "viewer", "journey": "sport_subscription"},
    ]
    text = run("user", "list", *ws).stdout
    assert "bob@example.org\teditor@*, viewer@sport_subscription" in text
    with open_store(Settings.load(tmp_path, env={})) as store:
        assert store.role_for(2, "sport_subscription") is Role.EDITOR
        assert store.authenticate("bob@example.org", "tangerine piano lighthouse").id == 2
    removed = run("user", "remove", "bob@example.org", *ws)
    assert removed.exit_code == 0 and "removed bob@example.org" in removed.output
    assert [
        u["email"] for u in json.loads(run("user", "list", "--format", "json", *ws).stdout)["users"]
    ] == ["ana@example.org"]
    assert (tmp_path / ".parcours" / "store.sqlite").is_file()


def test_errors_are_one_message_and_status_1(tmp_path: Path) -> None:
    ws = ["--workspace", tmp_path]
    weak = run("user", "add", "ana@example.org", "--password-stdin", *ws, input="password1\n")
    assert weak.exit_code == 1
    assert "Error: the password has 9 characters; use at least 12" in weak.output
    mismatch = run(
        "user",
        "add",
        "ana@example.org",
        *ws,
        input=f"{PASSWORD}\nother one entirely\n{PASSWORD}\n{PASSWORD}\n",
    )
    assert mismatch.exit_code == 0 and "do not match" in mismatch.output
    taken = run("user", "add", "ana@example.org", "--password-stdin", *ws, input=f"{PASSWORD}\n")
    assert taken.exit_code == 1 and "exists already" in taken.output
    unknown = run("user", "remove", "zoe@example.org", *ws)
    assert (
        unknown.exit_code == 1 and "no account with the email 'zoe@example.org'" in unknown.output
    )
    role = run("user", "grant", "ana@example.org", "king", *ws)
    assert role.exit_code == 2 and "'king' is not one of" in role.output
    journey = run("user", "grant", "ana@example.org", "viewer", "--journey", "nowhere", *ws)
    assert journey.exit_code == 1 and "no journey named 'nowhere'" in journey.output
    assert "Traceback" not in weak.output + taken.output + unknown.output + journey.output
