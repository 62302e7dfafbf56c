"""Scenario requests: bounds (issue 12), party lists that keep 'Korea, North' whole, one parser for CLI and API,
and the published --json shape of the typed result."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from foedus.cli import app
from foedus.errors import BadInputError, UnknownStateError
from foedus.scenario.request import ScenarioRequest, parse_reliability, parties

runner = CliRunner()


class Names:
    """A resolver knowing a few names, as StateNames.resolve does (raises UnknownStateError)."""

    KNOWN = {"usa": 2, "gbr": 200, "korea, north": 731, "prk": 731, "korea, south": 732, "russia": 365}

    def resolve(self, text, on=None, parameter="state"):
        code = self.KNOWN.get(str(text).strip().casefold())
        if code is None:
            raise UnknownStateError(str(text), [])
        return type("Resolution", (), {"code": code})()


def request(**kwargs):
    return ScenarioRequest(**{"attackers": ["USA"], "targets": ["PRK"], **kwargs})


@pytest.mark.parametrize(("options", "cli_name"), [
    ({"draws": 0}, "--draws"), ({"draws": 1_000_000_000}, "--draws"), ({"draws": -5}, "--draws"),
    ({"seed": -1}, "--seed"), ({"rounds": 0}, "--rounds"), ({"rounds": 11}, "--rounds"),
    ({"reliability": "1.5"}, "--reliability"), ({"reliability": "nan"}, "--reliability"),
    ({"reliability": "loyalty=1"}, "--reliability"), ({"mode": "domino"}, "--mode"),
    ({"attackers": ["USA"] * 21}, "--attack"),
])
def test_each_bound_names_its_option(options, cli_name):
    with pytest.raises(BadInputError) as cli:
        request(**options).check(cli=True)
    assert cli.value.parameter == cli_name
    with pytest.raises(BadInputError) as api:
        request(**options).check()
    assert api.value.parameter == cli_name.removeprefix("--").replace("attack", "attackers")


def test_bounds_at_their_limits_pass():
    request(draws=1, seed=0, rounds=1).check()
    request(draws=1_000_000, rounds=10, reliability=1).check()


def test_party_lists_split_on_commas_only_when_every_part_resolves():
    names = Names()
    assert parties(names, ["Korea, North"], "--attack")[0] == (731,)
    assert parties(names, ["USA,GBR"], "--attack")[0] == (2, 200)
    assert parties(names, ["USA; Korea, South", "Russia"], "--attack")[0] == (2, 732, 365)
    assert parties(names, ["USA", "usa"], "--attack")[0] == (2,)
    with pytest.raises(BadInputError, match="Atlantis") as error:
        parties(names, ["USA,Atlantis"], "--attack")
    assert error.value.parameter == "--attack"
    with pytest.raises(BadInputError, match="too long"):
        parties(names, ["Q" * 100_000], "attackers")
    with pytest.raises(BadInputError, match="at least one"):
        parties(names, [" ; "], "targets")


def test_reliability_text_and_numbers():
    assert parse_reliability(0.6).by_type == {"defense": 0.6, "offense": 0.6}
    assert parse_reliability("defense=0.8,offense=0.6").by_type == {"defense": 0.8, "offense": 0.6}
    assert parse_reliability("defense=0.5").by_type == {"defense": 0.5, "offense": 0.75}


# ---------------------------------------------------------------------------------------- the real store

CONDITION = {"obligation", "name", "status", "reason"}
STEP = {"from_ccode", "to_ccode", "obligation", "treaty_id", "treaty_name", "article", "source", "round"}
STATE = {"ccode", "name", "side", "status", "round", "joins", "conditions", "path", "conflicts", "commitments",
         "explanation"}
TOP = {"on", "mode", "rounds", "facts", "attackers", "targets", "states", "released", "unknown", "sides"}
CAPABILITY = {"cinc", "states_with_data", "states", "year", "oldest_year", "stale", "source"}
MONTE_CARLO = {"draws", "seed", "reliability", "condition_probability", "reliability_source", "coalition_size",
               "states"}


def cli(real_db_file, *args):
    return runner.invoke(app, ["scenario", *args, "--db", real_db_file])


@pytest.mark.realdata
def test_json_shape_is_the_published_contract(real_db_file):
    result = cli(real_db_file, "--attack", "USA", "--target", "PRK", "--on", "2010-06-01", "--rounds", "2",
                 "--mode", "chain", "--reliability", "0.75", "--draws", "500", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    # 'notes' (the attacker's own defence partners, organizations expanded) and 'supporters' appear only when
    # there are some: additions to the contract, like each state's 'probability'
    assert set(payload) - {"notes"} == TOP | {"monte_carlo"}
    assert all(isinstance(n, str) for n in payload.get("notes", []))
    assert set(payload["facts"]) == {"where", "provoked", "requested", "assume_in_force", "status"}  # status: issue 15
    assert all(set(p) == {"ccode", "name"} for p in payload["attackers"] + payload["targets"])
    for state in payload["states"] + payload["released"]:
        assert set(state) == STATE | {"probability"}  # probability: the one addition (issue 14.2)
        assert all(set(c) == CONDITION for c in state["conditions"])
        assert all(set(s) == STEP for s in state["path"])
    for side in ("attacker", "target"):
        assert set(payload["sides"][side]) == {"members", "capability"}
        assert set(payload["sides"][side]["capability"]) == CAPABILITY
    mc = payload["monte_carlo"]
    assert set(mc) == MONTE_CARLO | {"model"} and set(mc["coalition_size"]) == {"attacker", "target"}
    assert mc["model"] is None  # the one addition: the joining model's description under --reliability model (14.4)
    assert set(mc["coalition_size"]["target"]) == {"mean", "p5", "p50", "p95", "histogram"}
    assert all(set(s) == {"ccode", "name", "p_join_target", "p_join_attacker"} for s in mc["states"])
    plain = cli(real_db_file, "--attack", "USA", "--target", "PRK", "--on", "2010-06-01", "--json")
    assert set(json.loads(plain.stdout)) - {"notes"} == TOP


@pytest.mark.realdata
@pytest.mark.parametrize(("args", "option"), [
    (["--draws", "0"], "--draws"), (["--draws", "1000000000"], "--draws"), (["--draws", "-5"], "--draws"),
    (["--seed", "-1"], "--seed"), (["--rounds", "11"], "--rounds"), (["--reliability", "2"], "--reliability"),
])
def test_cli_bounds_are_one_line_errors(real_db_file, args, option):
    result = cli(real_db_file, "--attack", "USA", "--target", "PRK", "--reliability", "0.75", *args)
    assert result.exit_code == 2 and option in result.output and "Traceback" not in result.output


@pytest.mark.realdata
def test_cli_keeps_korea_north_whole(real_db_file):
    result = cli(real_db_file, "--attack", "USA", "--target", "Korea, North", "--on", "2010-06-01", "--json")
    assert result.exit_code == 0, result.output
    assert [t["ccode"] for t in json.loads(result.stdout)["targets"]] == [731]
    both = cli(real_db_file, "--attack", "USA", "--attack", "Japan", "--target", "PRK", "--on", "2010-06-01",
               "--json")
    assert [a["ccode"] for a in json.loads(both.stdout)["attackers"]] == [2, 740]


@pytest.mark.realdata
def test_api_applies_the_same_bounds_and_parser(real_db_file):
    from foedus.api import create_app

    with TestClient(create_app(real_db_file, token="")) as client:
        base = {"attackers": ["USA"], "targets": ["Korea, North"], "on": "2010-06-01"}
        answer = client.post("/api/scenario", json=base)
        assert answer.status_code == 200, answer.text
        cli_answer = cli(real_db_file, "--attack", "USA", "--target", "Korea, North", "--on", "2010-06-01", "--json")
        assert answer.json() == json.loads(cli_answer.stdout)
        for body, parameter in (({"draws": 0, "reliability": 0.5}, "draws"), ({"seed": -1}, "seed"),
                                ({"draws": 1_000_000_000}, "draws"), ({"attackers": ["Q" * 50_000]}, "attackers")):
            bad = client.post("/api/scenario", json={**base, **body})
            assert bad.status_code == 422 and parameter in bad.text, bad.text
