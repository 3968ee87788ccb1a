"""The analyses commands (``parcours funnel | paths | attribution``) on real files."""

from __future__ import annotations

import json

from click.testing import CliRunner

from parcours.cli import main
from parcours.cli.analyses import attribution_command, funnel_command, paths_command

from .conftest import ORACLES

EVENTS_CSV = """customer_id,timestamp,event,channel,amount
u1,2024-01-01T10:00:00,view,ads,
u1,2024-01-01T10:05:00,cart,mail,
u1,2024-01-01T10:30:00,pay,,20
u2,2024-01-01T11:00:00,view,ads,
u2,2024-01-20T11:00:00,cart,,
u3,2024-01-02T09:00:00,view,seo,
"""


def run(command, args):
    result = CliRunner().invoke(command, args)
    assert result.exit_code == 0, result.output
    return result.output


def test_funnel_json(tmp_path):
    file = tmp_path / "events.csv"
    file.write_text(EVENTS_CSV)
    out = json.loads(
        run(funnel_command, [str(file), "--steps", "view,cart,pay", "--format", "json"])
    )
    assert [(s["name"], s["customers"]) for s in out["steps"]] == [
        ("view", 3),
        ("cart", 1),
        ("pay", 1),
    ]
    wide = json.loads(
        run(
            funnel_command,
            [str(file), "--steps", "view,cart", "--window", "30d", "--format", "json"],
        )
    )
    assert wide["steps"][1]["customers"] == 2


def test_funnel_table_and_renamed_columns(tmp_path):
    file = tmp_path / "events.csv"
    file.write_text(EVENTS_CSV.replace("customer_id", "user").replace(",event,", ",action,"))
    out = run(
        funnel_command,
        [str(file), "--steps", "view,cart", "--customer-col", "user", "--event-col", "action"],
    )
    assert "customers" in out and "view" in out


def test_paths_json_on_xes():
    out = json.loads(
        run(paths_command, [str(ORACLES / "process" / "running-example.xes"), "--format", "json"])
    )
    assert ["check ticket", "decide", 6] in out["dfg"]
    assert len(out["variants"]) == 6
    assert out["variants"][0][1] == 1


def test_attribution_on_path_file_and_event_file(tmp_path):
    paths_file = str(ORACLES / "attribution" / "paths.csv.gz")
    out = json.loads(run(attribution_command, [paths_file, "--model", "first", "--format", "json"]))
    eta = next(c for c in out["channels"] if c["channel"] == "eta")
    assert eta["conversions"] == 3164.0
    file = tmp_path / "events.csv"
    file.write_text(EVENTS_CSV)
    args = [str(file), "--conversion", "pay", "--value", "amount", "--model", "linear"]
    out = json.loads(run(attribution_command, [*args, "--format", "json"]))
    assert {c["channel"]: c["value"] for c in out["channels"]} == {"ads": 10, "mail": 10, "seo": 0}
    assert {c["channel"]: c["conversions"] for c in out["channels"]} == {
        "ads": 0.5,
        "mail": 0.5,
        "seo": 0.0,
    }


def test_attribution_event_file_needs_conversion(tmp_path):
    file = tmp_path / "events.csv"
    file.write_text(EVENTS_CSV)
    result = CliRunner().invoke(attribution_command, [str(file)])
    assert result.exit_code != 0
    assert "--conversion" in str(result.exception)


def test_analyses_take_a_time_range_and_event_conditions(tmp_path):
    file = tmp_path / "events.csv"
    file.write_text(EVENTS_CSV)
    funnel_args = [str(file), "--steps", "view,cart", "--window", "30d", "--format", "json"]
    january = json.loads(run(funnel_command, [*funnel_args, "--until", "2024-01-02"]))
    assert [s["customers"] for s in january["steps"]] == [2, 1]  # u2's cart came on the 20th
    ads = json.loads(run(funnel_command, [*funnel_args, "--where", "channel=ads"]))
    assert [s["customers"] for s in ads["steps"]] == [2, 0]  # no cart came through ads
    paid = json.loads(
        run(paths_command, [str(file), "--segment", "event.amount=20", "--format", "json"])
    )
    assert paid["cases"] == 1 and paid["events"] == 3  # u1, whole
    bad = CliRunner().invoke(main, ["funnel", *funnel_args, "--since", "someday"])
    assert bad.exit_code == 1 and "YYYY-MM-DD" in bad.output
