"""hypothesis over the CLI (issue 12): generated text for the arguments of dyad, obligations, scenario, sanctions
check and panel never gives a traceback — the exit code is 0 (an answer) or 2 (a one-line error naming the
argument), never 1 (a bug). Bounded: a few dozen examples per command on the real database."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from foedus.cli import app

pytestmark = pytest.mark.realdata
runner = CliRunner()

HOSTILE = ["Q" * 100_000, "united states of " * 600, "Korea, North", "USA,GBR", "٢٠٠٠", "２０００", "-5", "",
           "99999999999999999999", "2000-02-30", "cow:2", "iso:USA", "gw:2", "0", "\x00", "--json", "NaN", "1e309"]
text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40),
                 st.text(alphabet="0123456789-:,; ", max_size=12))
dates = st.one_of(st.sampled_from(["2000-01-01", "1815", "2200-12-31", "2201", "0999"]), text)
numbers = st.sampled_from(["-5", "-1", "0", "1", "10", "1000001", "1000000000", "99999999999999999999", "x", "1.5"])
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                database=None)


def run(db: str, *args: str):
    result = runner.invoke(app, [*args, "--db", db])
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "Traceback" not in output, output[-2000:]
    assert result.exit_code in (0, 2), (args, result.exit_code, output[-2000:], result.exception)
    return result


@FUZZ
@given(a=text, b=text, on=dates)
def test_dyad(real_db_file, a, b, on):
    run(real_db_file, "dyad", "--json", "--on", on, "--", a, b)


@FUZZ
@given(state=text, on=dates, types=st.one_of(text, st.sampled_from(["defense", "defence,offense", "all"])))
def test_obligations(real_db_file, state, on, types):
    run(real_db_file, "obligations", "--json", "--on", on, "--types", types, "--", state)


@FUZZ
@given(attack=text, target=text, on=dates, where=text, rounds=numbers, draws=numbers, seed=numbers,
       reliability=st.one_of(text, st.sampled_from(["1.5", "-1", "defense=2", "nan"])))
def test_scenario(real_db_file, attack, target, on, where, rounds, draws, seed, reliability):
    run(real_db_file, "scenario", "--json", "--attack", attack, "--target", target, "--on", on, "--where", where,
        "--rounds", rounds, "--draws", draws, "--seed", seed, "--reliability", reliability)


@FUZZ
@given(source=text, to=text, on=dates, hs=text, quantity=numbers)
def test_sanctions_check(real_db_file, source, to, on, hs, quantity):
    result = runner.invoke(app, ["sanctions", "check", "--json", "--from", source, "--to", to, "--on", on,
                                 "--hs", hs, "--quantity", quantity])
    assert "Traceback" not in result.output and result.exit_code in (0, 2), (result.output[-2000:], result.exception)


@FUZZ
@given(since=numbers, through=st.one_of(numbers, st.sampled_from(["1817", "2100", "2101"])), system=text,
       add=st.one_of(text, st.sampled_from(["atop", "nmc,majors", "atop,bogus"])))
def test_panel(real_db_file, tmp_path_factory, since, through, system, add):
    out = tmp_path_factory.mktemp("panel") / "p.csv"
    run(real_db_file, "panel", "state-years", "--json", "--out", str(out), "--since", since, "--through", through,
        "--system", system, "--add", add)


def test_the_harness_sees_answers_and_errors(real_db_file, tmp_path):
    """Valid arguments answer (exit 0), hostile ones are one line with exit 2 naming the argument."""
    assert run(real_db_file, "dyad", "--json", "--on", "2000-01-01", "USA", "GBR").exit_code == 0
    assert run(real_db_file, "scenario", "--json", "--attack", "Korea, North", "--target", "KOR",
               "--on", "2020-01-01").exit_code == 0
    assert run(real_db_file, "panel", "state-years", "--json", "--out", str(tmp_path / "s.csv"), "--through",
               "1820").exit_code == 0
    for args, named in ((("dyad", "--on", "99999999999999999999", "USA", "GBR"), "--on"),
                        (("scenario", "--attack", "USA", "--target", "PRK", "--reliability", "0.5", "--draws", "0"),
                         "--draws"),
                        (("scenario", "--attack", "USA", "--target", "PRK", "--seed", "-1"), "--seed"),
                        (("obligations", "Q" * 100_000), "")):
        result = run(real_db_file, *args)
        assert result.exit_code == 2 and named in result.output and len(result.output.strip().splitlines()) <= 3
