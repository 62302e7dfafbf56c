"""Validation figures for the README: the backtest headline, the reliability table, the joining model's scores.

Every figure the README quotes on invocation and reliability comes from this script (issue 14).
Done-when targets: engine same-side precision and recall (binding + conditional) above the naive rule's;
Sabrosky-style share within 5 points of 27%; model out-of-sample AUC >= 0.70 and Brier below the base
rate's, leaving one war out and with the time split.
Run: .venv/bin/python benchmarks/bench_validation.py [--bootstrap N] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from foedus.config import data_dir
from foedus.ingest.discover import import_directory
from foedus.scenario.backtest import Contexts, backtest
from foedus.store import connect
from foedus.validation import joining
from foedus.validation.modern import replay
from foedus.validation.reliability import reliability


def pct(value) -> str:
    return "—" if value is None else f"{value:.1%}"


def older_backtest(con) -> None:
    start = time.perf_counter()
    older = backtest(con, sources=("revised",), composition="dyad only")
    print(f"\n## Backtest, older framing (composition 'dyad only'; {time.perf_counter() - start:.1f} s)")
    for s in older.headline("revised", "all wars"):
        print(f"    {s.rule:9} {s.tier:22} predicted {s.predicted:6} same-side hits {s.hits:3} "
              f"precision {pct(s.precision):>6} recall {pct(s.recall):>6}")


def print_group(result, source: str, group: str) -> None:
    ceiling = next(c for c in result.ceilings if c["source"] == source and c["group"] == group)
    print(f"[{source}] {group}: {ceiling['joiners']} joiners, recall ceiling {pct(ceiling['ceiling'])} "
          f"({ceiling['with_tie']} with a day-one tie)")
    for s in result.headline(source, group):
        bands = ", ".join(f"{b}: {h}/{n}" for b, (h, n) in s.recall_by_band.items())
        print(f"    {s.rule:9} {s.tier:22} predicted {s.predicted:6} same-side hits {s.hits:3} "
              f"(wrong side {s.wrong_side}) precision {pct(s.precision):>6} recall {pct(s.recall):>6}"
              + (f"  [{bands}]" if bands else ""))


def print_engine_vs_naive(result) -> None:
    head = {(s.rule, s.tier): s for s in result.headline("revised", "all wars")}
    engine, naive = head[("engine", "binding+conditional")], head[("naive", "conditions ignored")]
    print(f"target: engine (binding+conditional) precision {pct(engine.precision)} vs naive {pct(naive.precision)}, "
          f"recall {pct(engine.recall)} vs {pct(naive.recall)}: "
          + ("MET" if engine.precision > naive.precision and engine.recall > naive.recall else "NOT MET"))
    engine_set = {(w["war"], c, s) for w in result.per_war for c, (s, _t) in w["engine"].items()}
    naive_set = {(w["war"], c, s) for w in result.per_war for c, s in w["naive"].items()}
    hit = {(w["war"], c, j[0]) for w in result.per_war for c, j in w["joiners"].items()}
    print(f"overlap: engine predictions {len(engine_set)}, naive {len(naive_set)}, engine within naive: "
          f"{engine_set <= naive_set} ({len(engine_set - naive_set)} engine-only, {len(naive_set - engine_set)} "
          f"naive-only); hits the naive rule has and the engine lacks: "
          f"{sorted((w, c) for w, c, _s in (naive_set - engine_set) & hit)}")


def backtest_section(con):
    start = time.perf_counter()
    result = backtest(con)
    print(f"\n## Backtest ({result.wars} wars, {result.dyad_scenarios} original-dyad scenarios, engine {result.mode}, "
          f"{result.rounds} rounds, composition '{result.composition}'; {time.perf_counter() - start:.1f} s)")
    for source in result.sources:
        for group in ("all wars", "other wars", "World War I", "World War II", "Korea"):
            print_group(result, source, group)
    print_engine_vs_naive(result)
    return result


def modern_section(con):
    start = time.perf_counter()
    modern = replay(con)
    print(f"\n## Modern cases: register invocation events replayed the day before "
          f"({time.perf_counter() - start:.1f} s)")
    for case in modern:
        s = case.summary
        print(f"{case.event_id:38} on {case.on}: {s['parties']:2} parties, engine obliged {s['engine_obliged']:2} "
              f"conditional {s['engine_conditional']:2}; own help recorded {s['own_forces_or_help']} (of them obliged "
              f"{s['obliged_and_helped']}); model expected joiners {s['model_expected_joiners']}"
              + (f" [{s['model_note']}]" if s["model_note"] else ""))
    return modern


def reliability_section(con):
    start = time.perf_counter()
    rel = reliability(con)
    print(f"\n## Reliability ({time.perf_counter() - start:.1f} s)")
    for r in rel.rows:
        gap = "" if r.gap is None else f" gap {r.gap * 100:+.1f} pts"
        print(f"{r.key:18} published {pct(r.published):>6} foedus {pct(r.foedus):>6} n={r.n:<5}{gap}  {r.measure}")
        print(f"{'':18} definitions: {r.difference}")
    return rel


def print_scheme(scheme) -> None:
    print(f"{scheme.name}: {scheme.rows} rows, {scheme.positives} joins, {scheme.wars} wars")
    metrics = {m.predictor: m for m in scheme.metrics}
    for m in scheme.metrics:
        print(f"    {m.predictor:12} AUC {m.auc:.3f} [{m.auc_ci[0]:.3f}, {m.auc_ci[1]:.3f}]  "
              f"Brier {m.brier:.5f} [{m.brier_ci[0]:.5f}, {m.brier_ci[1]:.5f}]  log loss {m.log_loss:.4f} "
              f"[{m.log_loss_ci[0]:.4f}, {m.log_loss_ci[1]:.4f}]")
    model, base, scaled = metrics["model"], metrics["base rate"], metrics["base rate x 1/N"]
    print(f"    target AUC >= 0.70 and Brier < base rate: AUC {model.auc:.3f}, Brier {model.brier:.5f} vs "
          f"{base.brier:.5f}: " + ("MET" if model.auc >= 0.70 and model.brier < base.brier else "NOT MET")
          + f" (and vs the base rate scaled by 1/N, {scaled.brier:.5f}: "
          + ("below" if model.brier < scaled.brier else "not below") + ")")
    for b in scheme.calibration:
        print(f"      calibration {b['bin'][0]:.3f}-{b['bin'][1]:.3f}: {b['rows']:5} rows, predicted "
              f"{b['mean_predicted']:.4f}, observed {b['observed']:.4f}")


def print_model_vs_rules(data) -> None:
    """The model's out-of-sample ranking against the treaty rules at the same number of predictions."""
    frame = data.frame.reset_index(drop=True)
    p = joining.lowo_predictions(data)
    y = frame.joined.to_numpy()
    print("model (leave one war out) against the treaty rules, same number of (state, side) predictions:")
    for name, mask in (("engine binding", frame.engine.to_numpy() == 2), ("engine binding+conditional",
                       frame.engine.to_numpy() > 0), ("naive", frame.naive.to_numpy() == 1)):
        k = int(mask.sum())
        top = np.argsort(-p, kind="stable")[:k]
        hits_p, miss_p = p[mask & (y == 1)].mean(), p[mask & (y == 0)].mean()
        print(f"    {name:27} {k:4} predictions, {int(y[mask].sum()):3} hits; model top {k}: {int(y[top].sum()):3} "
              f"hits (recall {y[top].sum() / y.sum():.1%}); model p within the rule's calls: hits {hits_p:.3f}, "
              f"misses {miss_p:.3f}")


def joining_section(con, bootstrap: int):
    start = time.perf_counter()
    data = joining.build_dataset(con, contexts=Contexts(con))
    evaluation = joining.evaluate(data, bootstrap=bootstrap)
    print(f"\n## Joining model ({len(data.frame)} rows, {int(data.y.sum())} joins, {data.frame.war_id.nunique()} wars; "
          f"{bootstrap} bootstrap resamples over wars; {time.perf_counter() - start:.1f} s)")
    for scheme in evaluation.schemes:
        print_scheme(scheme)
    print_model_vs_rules(data)
    return evaluation


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap", type=int, default=200)
    parser.add_argument("--json", default=None, help="also write every figure to this JSON file")
    args = parser.parse_args()
    con = connect(":memory:")
    start = time.perf_counter()
    import_directory(con, data_dir())
    print(f"import of the data directory: {time.perf_counter() - start:.1f} s")

    older_backtest(con)
    result = backtest_section(con)
    modern = modern_section(con)
    rel = reliability_section(con)
    evaluation = joining_section(con, args.bootstrap)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump({"backtest": result.to_json() | {"per_war": None}, "reliability": rel.to_json(),
                       "model": evaluation.to_json(),
                       "modern": [c.summary | {"event_id": c.event_id} for c in modern]}, handle, indent=1, default=str)


if __name__ == "__main__":
    main()
