"""The exposure sweep (issue 19): Dask equals in-process bit for bit, a killed worker and an interrupted run
change nothing, partitions are written whole, the CLI and the panel verb.

One LocalCluster (2 worker processes) serves every Dask test; the sweep is 1911-1914 yearly with Monte Carlo
draws, so seeds matter (a wrong seed derivation would show as different bytes).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import signal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from foedus.errors import BadInputError
from foedus.exposure import check_params, exposure_sweep, plan_blocks, read_exposure

RUN = {"start": 1911, "end": 1914, "every": "year", "draws": 10, "rounds": 2, "seed": 7}


def digests(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.glob("year=*/*.parquet"))}


def leftovers(out: Path) -> list[str]:
    return [p.name for p in out.rglob("*") if p.is_file() and ".tmp" in p.name]


def _warm():
    import foedus.exposure.compute  # the engine's imports, so tests time the sweep, not imports
    import foedus.scenario.context  # noqa: F401


@pytest.fixture(scope="module")
def cluster():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=logging.CRITICAL) as local, Client(local) as client:
        client.run(_warm)
        yield local, client


@pytest.fixture(scope="module")
def reference(real_db_file, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("exposure") / "reference"
    run = exposure_sweep(real_db_file, scheduler="none", out=out, **RUN)
    assert run.written == 4 and run.kept == 0 and run.manifest["complete"]
    return out


def test_in_process_counts_are_the_one_date_sweep(real_db_file, tmp_path):
    from foedus.scenario.sweep import sweep
    from foedus.store import connect

    run = exposure_sweep(real_db_file, 1914, 1914, rounds=2, scheduler="none", out=tmp_path / "d")
    frame = read_exposure(tmp_path / "d")
    con = connect(real_db_file, read_only=True)
    try:
        expected = sweep(con, "1914-01-01", rounds=2)
    finally:
        con.close()
    assert run.manifest["method"] == "deterministic"
    assert len(frame) == len(expected) > 1000
    assert frame.ccode1.tolist() == expected.attacker.tolist() and frame.ccode2.tolist() == expected.target.tolist()
    assert np.array_equal(frame.exp_joiners_target.to_numpy(), expected.joiners_target_side.to_numpy())
    assert np.array_equal(frame.exp_joiners_attacker.to_numpy(), expected.joiners_attacker_side.to_numpy())
    widens = (frame.exp_joiners_target + frame.exp_joiners_attacker) > 0
    assert np.array_equal(frame.p_any_joiner.to_numpy(), widens.astype(float).to_numpy())
    assert frame.year.unique().tolist() == [1914] and frame.date.astype(str).unique().tolist() == ["1914-01-01"]
    assert (frame.p_major_joiner <= frame.p_any_joiner).all() and (frame.p_major_joiner == 1).sum() > 10
    # the major-power column against the per-scenario engine, for a pair where it is 1 and one where it is 0
    from foedus.scenario import Scenario, ScenarioContext, run_scenario

    con = connect(real_db_file, read_only=True)
    try:
        context = ScenarioContext(con, "1914-01-01")
        majors = {r[0] for r in con.execute("SELECT code FROM major_powers WHERE start_date <= DATE '1914-01-01' "
                                            "AND end_date >= DATE '1914-01-01'").fetchall()}
        for value in (1.0, 0.0):
            rows = frame[frame.p_major_joiner == value].sort_values("p_any_joiner", ascending=False, kind="stable")
            row = rows.iloc[0]
            result = run_scenario(context, Scenario(on=context.on, attackers=(int(row.ccode1),),
                                                    targets=(int(row.ccode2),), rounds=2))
            joiners = {s.ccode for s in result.states if s.joins}
            assert len(joiners) == row.exp_joiners_target + row.exp_joiners_attacker
            assert bool(joiners & majors) == bool(value)
    finally:
        con.close()
    assert run.manifest["data_versions"]["ATOP"] == frame.data_versions.iloc[0].split("ATOP ")[1].split(";")[0]


def test_dask_equals_in_process_bit_for_bit(cluster, reference, real_db_file, tmp_path):
    local, _ = cluster
    run = exposure_sweep(real_db_file, scheduler=local.scheduler_address, out=tmp_path / "dask", **RUN)
    assert run.scheduler.startswith("cluster at tcp://") and run.written == 4
    assert digests(tmp_path / "dask") == digests(reference) and len(digests(reference)) == 4
    pd.testing.assert_frame_equal(read_exposure(tmp_path / "dask"), read_exposure(reference))
    frame = read_exposure(reference)
    fractional = frame.p_any_joiner[(frame.p_any_joiner > 0) & (frame.p_any_joiner < 1)]
    assert len(fractional) > 100  # the Monte Carlo really drew (a deterministic run would give 0 or 1 only)


def test_killed_worker_costs_only_its_tasks(cluster, reference, real_db_file, tmp_path):
    local, client = cluster
    killed: dict = {}

    def kill_one(done, total, spec, rows):
        if spec is None or killed:
            return
        busy = {w: keys for w, keys in client.processing().items() if keys}
        if not busy:
            return
        worker = sorted(busy)[0]
        killed.update(worker=worker, tasks=list(busy[worker]))
        pid = client.run(os.getpid, workers=[worker])[worker]
        os.kill(pid, signal.SIGKILL)  # the worker process dies mid-task (its nanny starts a new one)

    run = exposure_sweep(real_db_file, scheduler=local.scheduler_address, out=tmp_path / "killed", progress=kill_one,
                         **RUN)
    assert killed and killed["tasks"], "no worker was busy when the first block arrived"
    assert run.written == 4
    assert digests(tmp_path / "killed") == digests(reference)
    assert killed["worker"] not in client.scheduler_info()["workers"]  # its nanny starts a new one meanwhile


def test_interrupt_then_resume(cluster, reference, real_db_file, tmp_path):
    local, _ = cluster
    out = tmp_path / "resumed"
    written = []

    def interrupt(done, total, spec, rows):
        if spec is not None:
            written.append(spec.block)
            if len(written) == 2:
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        exposure_sweep(real_db_file, scheduler="none", out=out, progress=interrupt, **RUN)
    assert sorted(digests(out)) == [f"year={b // 10000}/part-{b}.parquet" for b in sorted(written)]
    assert leftovers(out) == []
    assert json.loads((out / "_manifest.json").read_text())["complete"] is False
    run = exposure_sweep(real_db_file, scheduler=local.scheduler_address, out=out, resume=True, **RUN)
    assert (run.kept, run.written) == (2, 2)
    assert digests(out) == digests(reference)
    manifest = json.loads((out / "_manifest.json").read_text())
    assert manifest["complete"] and manifest["partitions"] == json.loads(
        (reference / "_manifest.json").read_text())["partitions"]


def test_partitions_are_never_half_written(real_db_file, tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    real_write = pq.write_table

    def dies_halfway(table, where, **kwargs):
        real_write(table, where, **kwargs)
        Path(where).write_bytes(Path(where).read_bytes()[:100])  # a torn file...
        raise OSError("disk full")  # ...and the writer fails

    monkeypatch.setattr(pq, "write_table", dies_halfway)
    out = tmp_path / "torn"
    with pytest.raises(OSError, match="disk full"):
        exposure_sweep(real_db_file, 1913, 1914, scheduler="none", out=out)
    assert list(out.glob("year=*/*.parquet")) == [] and leftovers(out) == []
    monkeypatch.setattr(pq, "write_table", real_write)
    # a file that is not this run's (torn, or another run's) is recomputed on resume, never kept
    bad = out / "year=1913" / "part-19130101.parquet"
    bad.write_bytes(b"PAR1 not a parquet file")
    run = exposure_sweep(real_db_file, 1913, 1914, scheduler="none", out=out, resume=True)
    assert (run.kept, run.written) == (0, 2)
    assert len(pq.read_table(bad)) == run.manifest["partitions"]["year=1913/part-19130101.parquet"]["rows"] > 0


def test_resume_and_out_guard_other_runs(reference, real_db_file, tmp_path):
    out = tmp_path / "copy"
    shutil.copytree(reference, out)
    with pytest.raises(BadInputError) as other:
        exposure_sweep(real_db_file, scheduler="none", out=out, resume=True, **{**RUN, "seed": 8})
    assert other.value.parameter == "resume" and "parameters" in str(other.value)
    with pytest.raises(BadInputError) as full:
        exposure_sweep(real_db_file, scheduler="none", out=out, **RUN)
    assert full.value.parameter == "out" and "--resume" in str(full.value)
    assert digests(out) == digests(reference)  # refused runs touch nothing


@pytest.mark.parametrize(("kwargs", "parameter"), [
    ({"every": "week"}, "every"), ({"draws": -1}, "draws"), ({"start": 1900, "end": 1899}, "to"),
    ({"rounds": 0}, "rounds"), ({"mode": "domino"}, "mode"), ({"reliability": 0.5}, "reliability"),
    ({"draws": 10, "model": "joining"}, "model"), ({"model": "/nonexistent/model.json"}, "--model"),
])
def test_bad_parameters_name_the_option(kwargs, parameter):
    with pytest.raises(BadInputError) as err:
        check_params(**{"start": 1900, "end": 1901, **kwargs})
    assert err.value.parameter == parameter


def test_bad_scheduler_refused_before_anything_is_written(tmp_path):
    with pytest.raises(BadInputError) as err:
        exposure_sweep(":memory:", 1900, 1901, scheduler="localhost:8786", out=tmp_path / "x")
    assert err.value.parameter == "scheduler" and not (tmp_path / "x").exists()


def test_blocks_and_seeds_do_not_depend_on_the_range():
    yearly = plan_blocks(check_params(1816, 2026))
    assert len(yearly) == 211 and yearly[0].block == 18160101 and yearly[-1].dates == (__import__("datetime").date(
        2026, 1, 1),)
    monthly = plan_blocks(check_params(1900, 1901, every="month"))
    assert [len(b.dates) for b in monthly] == [12, 12]
    daily = plan_blocks(check_params("1900-02-10", "1900-03-31", every="day"))
    assert [(b.block, len(b.dates)) for b in daily] == [(19000210, 19), (19000301, 31)]
    later = plan_blocks(check_params(1910, 1914))
    assert {b.block for b in later} <= {b.block for b in yearly}


def test_cli_sweep_range_and_panel_verb(real_db_file, tmp_path):
    from foedus.cli import app
    from foedus.panels import create_dyadyears
    from foedus.panels.exposure import add_exposure
    from foedus.store import connect

    out = tmp_path / "cli"
    args = ["sweep", "--from", "1913", "--to", "1914", "--rounds", "2", "--out", str(out), "--scheduler", "none",
            "--db", real_db_file, "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["written"] == 2 and summary["method"] == "deterministic" and summary["rows"] > 3000
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 2 and "--resume" in again.output
    resumed = CliRunner().invoke(app, [*args, "--resume"])
    assert resumed.exit_code == 0 and json.loads(resumed.stdout)["kept"] == 2
    bad = CliRunner().invoke(app, ["sweep", "--from", "1913", "--to", "1914", "--out", str(tmp_path / "b"),
                                   "--every", "week", "--db", real_db_file])
    assert bad.exit_code == 2 and "every" in bad.output
    con = connect(real_db_file, read_only=True)
    try:
        panel = create_dyadyears(con, since=1912, through=1914)
    finally:
        con.close()
    joined = add_exposure(panel, out)
    sweep = read_exposure(out)
    row = sweep[(sweep.ccode1 == 2) & (sweep.ccode2 == 220) & (sweep.year == 1914)].iloc[0]
    mine = joined[(joined.ccode1 == 2) & (joined.ccode2 == 220) & (joined.year == 1914)].iloc[0]
    assert mine.exp_joiners_target == row.exp_joiners_target and mine.strongest_obligation == "defense"
    assert joined[joined.year == 1912].p_any_joiner.isna().all()  # outside the sweep
    assert joined[joined.year >= 1913].p_any_joiner.notna().mean() > 0.95
    assert joined.attrs["foedus"]["sources"]["p_any_joiner"]["version"] == summary["run_key"][:12]
    assert len(joined) == len(panel)


def test_joining_model_rows_are_the_model_probabilities(real_db_file):
    """The model method (a few pairs: the whole date takes minutes) sums predict_join_probabilities per side."""
    from foedus.exposure.compute import _model_rows, _pairs, cached_features
    from foedus.query.members import system_members
    from foedus.scenario import Scenario, ScenarioContext
    from foedus.store import connect
    from foedus.validation.joining import FeatureData, load_model, predict_join_probabilities

    params = check_params(1816, 1816, model="joining")
    assert params.method == "model" and len(params.model_sha256) == 64
    con = connect(real_db_file, read_only=True)
    try:
        context = ScenarioContext(con, "1816-01-01")
        states = system_members(con, context.on)
        pairs = _pairs(len(states))[:3]
        model = load_model()
        values = _model_rows(con, context, states, pairs, {200}, params, (model, cached_features(con)))
        data = FeatureData(con)
        for (a, t), row in zip(pairs.tolist(), values, strict=True):
            probs = predict_join_probabilities(context, Scenario(on=context.on, attackers=(states[a],),
                                                                 targets=(states[t],), rounds=3), con, model, data)
            assert row[0] == pytest.approx(sum(p.get("attacker", 0) for p in probs.values()), rel=1e-12)
            assert row[1] == pytest.approx(sum(p.get("target", 0) for p in probs.values()), rel=1e-12)
            uk = probs.get(200, {})
            assert row[3] == pytest.approx(1 - (1 - uk.get("attacker", 0)) * (1 - uk.get("target", 0)))
            assert 0 < row[2] < 1 and row[3] <= row[2]
    finally:
        con.close()
