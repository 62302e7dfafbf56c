"""The joining model: P(state S joins war W on side X), over every COW system member.

One row per war, candidate state and side: the candidates are the COW members on the war's first day that
are not original participants; the label is 1 when the state joined on that side (the revised wars file's
joiner rows, corrected by `scenario/war_corrections.csv`; side of first entry). Features use only what was
known on the war's first day (the day-one parties of each side):

- obligations of S toward each side (defence, offence, neutrality, non-aggression, consultation), whether
  those defence/offence ties carry conditions, name a state of the other side as the threat, and the
  treaty's size (ATOP, `foedus.validation.ties`);
- cross-pressure: the same ties toward the other side;
- capabilities (COW NMC CINC): the side's share of the two sides' capabilities, S's own CINC;
- major powers (COW): S, and on either side;
- geography: land and sea contiguity (COW Direct Contiguity) and capital distance (great circle, km) to
  each side;
- rivalry (Thompson–Dreyer) of S with a state of either side in that year;
- prior militarized disputes (GML MIDs, ten years before): with a state of the side (same side of the
  dispute) and against it.

Model: standardised features, L2-regularised logistic regression with a fixed offset -log(N), N the number
of system members on the day (a war draws about as many joiners whatever the system's size, so each
candidate's odds scale as 1/N); fitted with scipy, the same penalty as scikit-learn's C. scikit-learn's
plain regularised logistic regression (no offset) is scored beside it. Saved as JSON (feature names, means,
scales, coefficients, intercept, offset, data versions), never pickled.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import ConfigDict

from foedus.errors import BadInputError
from foedus.results import Result

MODEL_FILE = Path(__file__).with_name("joining_model.json")
SIDES = ("attacker", "target")
OTHER = {"attacker": "target", "target": "attacker"}
KINDS = ("defense", "offense", "neutrality", "nonaggression", "consultation")
FEATURE_HELP = {
    "def_side": "defence obligation toward a day-one party of the side",
    "off_side": "offence obligation toward a day-one party of the side",
    "neu_side": "neutrality pledge toward the side",
    "nonagg_side": "non-aggression pledge toward the side",
    "consult_side": "consultation pledge toward the side",
    "cond_side": "its defence/offence ties toward the side are all conditional",
    "threat_side": "a tie toward the side names a state of the other side as the threat",
    "bilateral_side": "a defence/offence tie toward the side is bilateral",
    "log_size_side": "log of the smallest defence/offence treaty toward the side (members)",
    "any_side": "any commitment toward the side",
    "def_via_ally_side": "defence tie toward a third state that owes defence to the side (second-order)",
    "def_other": "defence obligation toward the other side (cross-pressure)",
    "off_other": "offence obligation toward the other side",
    "any_other": "any commitment toward the other side",
    "is_defender_side": "the side is the target's (defending) side",
    "cap_share_side": "side's share of the two sides' CINC",
    "log_cinc_self": "log CINC of the state",
    "major_self": "the state is a major power",
    "log_igo_self": "log(1 + IGO full memberships of the state, COW IGO)",
    "major_side": "a major power fights on the side",
    "major_other": "a major power fights on the other side",
    "land_side": "land/river border with the side",
    "sea_side": "separated by <= 400 miles of water from the side",
    "land_other": "land/river border with the other side",
    "sea_other": "separated by <= 400 miles of water from the other side",
    "log_km_side": "log capital distance (km) to the nearest state of the side",
    "log_km_other": "log capital distance (km) to the nearest state of the other side",
    "rival_other": "strategic rival of a state on the other side",
    "rival_side": "strategic rival of a state on the side",
    "mids_with_side": "log(1 + MIDs in the prior 10 years fought alongside the side)",
    "mids_against_other": "log(1 + MIDs in the prior 10 years against the other side)",
    "mids_against_side": "log(1 + MIDs in the prior 10 years against the side)",
    "post1945": "the war began in 1945 or later",
    "log_system_size": "log of the number of COW system members on the day (more states, fewer joiners each)",
}
FEATURES = tuple(FEATURE_HELP)
# The model's offset: a war draws about as many joiners whatever the size of the state system, so each
# candidate's odds scale as 1/N (N = system members on the day); the coefficient is fixed at -1, not fitted.
OFFSET = "log_system_size"
MODEL_FEATURES = tuple(f for f in FEATURES if f != OFFSET)


def _haversine(a, b) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


class FeatureData:
    """The store's tables the features need, read once."""

    def __init__(self, con):
        from foedus.ingest.schema_extra import has_table

        def frame(sql, table):
            return con.execute(sql).df() if has_table(con, table) else None

        self.spells = con.execute("SELECT code, start_date, end_date FROM state_spells WHERE system = 'cow'").df()
        self.majors = con.execute("SELECT code, start_date, end_date FROM major_powers").df()
        self.cinc = con.execute("SELECT code, year, cinc FROM capabilities WHERE cinc IS NOT NULL").df()
        self.contiguity = frame("SELECT code1, code2, conttype, start_date, end_date FROM contiguity", "contiguity")
        self.capitals = frame("SELECT code, start_date, end_date, lat, lng FROM capitals", "capitals")
        self.rivalries = frame("SELECT code1, code2, start_year, end_year FROM rivalries", "rivalries")
        self.igo = frame("SELECT code, year, full_members FROM igo_state_years", "igo_state_years")
        self.igo_by = {} if self.igo is None else {
            (int(c), int(y)): float(n) for c, y, n in zip(self.igo.code, self.igo.year,
                                                         self.igo.full_members.fillna(0), strict=True)}
        mids = frame("SELECT dispnum, code, start_date, side_a FROM mid_participants", "mid_participants")
        self.disputes: list[tuple[dt.date, list[tuple[int, bool]]]] = []
        if mids is not None:
            for _, rows in mids.groupby("dispnum"):
                start = min(pd.Timestamp(d).date() for d in rows.start_date)
                self.disputes.append((start, list(zip(rows.code.astype(int), rows.side_a.astype(bool),
                                                      strict=True))))
            self.disputes.sort(key=lambda d: d[0])
        self.dispute_starts = [d[0] for d in self.disputes]
        for table in (self.spells, self.majors, self.contiguity, self.capitals):
            if table is not None:
                table["start_date"] = pd.to_datetime(table["start_date"])
                table["end_date"] = pd.to_datetime(table["end_date"])
        self.versions = dict(con.execute("SELECT dataset, version FROM imports").fetchall())
        ends = self.spells.end_date.dropna()
        self.last_day: dt.date | None = ends.max().date() if len(ends) else None  # the COW state list's last day

    def feature_day(self, on: dt.date) -> dt.date:
        """The day the features are read on: `on`, or the COW state list's last day when `on` is past it (the
        system members, contiguity and capitals of that day carried forward)."""
        return min(on, self.last_day) if self.last_day is not None else on

    @staticmethod
    def _live(frame, on: dt.date):
        day = pd.Timestamp(on)
        return frame[(frame.start_date <= day) & (frame.end_date >= day)]

    def members(self, on: dt.date) -> set[int]:
        return {int(c) for c in self._live(self.spells, on).code}

    def major_powers(self, on: dt.date) -> set[int]:
        return {int(c) for c in self._live(self.majors, on).code}

    def cinc_on(self, on: dt.date) -> dict[int, float]:
        rows = self.cinc[self.cinc.year <= on.year].sort_values("year").groupby("code").tail(1)
        return dict(zip(rows.code.astype(int), rows.cinc.astype(float), strict=True))

    def borders(self, on: dt.date) -> tuple[set, set]:
        if self.contiguity is None:
            return set(), set()
        live = self._live(self.contiguity, on)
        land = {(int(a), int(b)) for a, b, t in zip(live.code1, live.code2, live.conttype, strict=True) if t == 1}
        sea = {(int(a), int(b)) for a, b, t in zip(live.code1, live.code2, live.conttype, strict=True) if t >= 2}
        return land, sea

    def capitals_on(self, on: dt.date) -> dict[int, tuple[float, float]]:
        if self.capitals is None:
            return {}
        live = self._live(self.capitals, on)
        return {int(c): (float(a), float(b)) for c, a, b in zip(live.code, live.lat, live.lng, strict=True)}

    def rivals(self, year: int) -> set[tuple[int, int]]:
        if self.rivalries is None:
            return set()
        live = self.rivalries[(self.rivalries.start_year <= year) & (self.rivalries.end_year >= year)]
        pairs = set()
        for a, b in zip(live.code1, live.code2, strict=True):
            pairs |= {(int(a), int(b)), (int(b), int(a))}
        return pairs

    def igo_count(self, state: int, year: int) -> float:
        for y in range(min(year, 2014), max(min(year, 2014) - 5, 1815), -1):
            if (state, y) in self.igo_by:
                return self.igo_by[(state, y)]
        return 0.0

    def prior_mids(self, on: dt.date, years: int = 10) -> tuple[dict, dict]:
        """(same-side counts, opposite-side counts) of disputes begun in the `years` before `on`, by pair."""
        import bisect

        same: dict = {}
        opposite: dict = {}
        first = bisect.bisect_left(self.dispute_starts, dt.date(on.year - years, on.month, min(on.day, 28)))
        last = bisect.bisect_left(self.dispute_starts, on)
        for _start, parts in self.disputes[first:last]:
            for a, sa in parts:
                for b, sb in parts:
                    if a != b:
                        target = same if sa == sb else opposite
                        target[(a, b)] = target.get((a, b), 0) + 1
        return same, opposite


def features_for(data: FeatureData, on: dt.date, parties: dict[int, str], candidates, ties_toward) -> pd.DataFrame:
    """Feature rows for each candidate and side; `parties`: day-one party -> side; `ties_toward(state)` gives
    the ties (objects with from_ccode, obligations, flags, threats, size) owed to it on `on`; it is also asked
    about third states, for the second-order ties."""
    majors = data.major_powers(on)
    cinc = data.cinc_on(on)
    land, sea = data.borders(on)
    capitals = data.capitals_on(on)
    rivals = data.rivals(on.year)
    same, opposite = data.prior_mids(on)
    side_states = {side: [p for p, s in parties.items() if s == side] for side in SIDES}
    owed: dict[str, dict[int, list]] = {side: {} for side in SIDES}
    for party, side in parties.items():
        for tie in ties_toward(party):
            owed[side].setdefault(tie.from_ccode, []).append((party, tie))
    side_cinc = {side: sum(cinc.get(p, 0.0) for p in side_states[side]) for side in SIDES}
    log_system_size = math.log(max(len(data.members(on)), 1))
    # second order: states owing defence to a third state Z that owes defence to the side
    defenders = {side: {s for s, ts in owed[side].items() if any("defense" in t.obligations for _p, t in ts)}
                 for side in SIDES}
    via: dict[str, set[int]] = {side: set() for side in SIDES}
    for side in SIDES:
        for third in defenders[side]:
            via[side] |= {t.from_ccode for t in ties_toward(third) if "defense" in t.obligations}
    rows = []
    for state in sorted(candidates):
        for side in SIDES:
            other = OTHER[side]
            mine = [t for _p, t in owed[side].get(state, [])]
            theirs = [t for _p, t in owed[other].get(state, [])]
            military = [t for t in mine if t.obligations & {"defense", "offense"}]
            conditional = [t for t in military if t.flags]
            enemies = set(side_states[other])
            total = side_cinc[side] + side_cinc[other]
            km = {s2: min((_haversine(capitals[state], capitals[p]) for p in side_states[s2]
                           if p in capitals), default=None) if state in capitals else None for s2 in SIDES}
            row = {
                "def_side": any("defense" in t.obligations for t in mine),
                "off_side": any("offense" in t.obligations for t in mine),
                "neu_side": any("neutrality" in t.obligations for t in mine),
                "nonagg_side": any("nonaggression" in t.obligations for t in mine),
                "consult_side": any("consultation" in t.obligations for t in mine),
                "cond_side": bool(military) and len(conditional) == len(military),
                "threat_side": any(set(t.threats) & enemies for t in mine),
                "bilateral_side": any(t.size <= 2 for t in military),
                "log_size_side": math.log(min(t.size for t in military)) if military else 0.0,
                "any_side": bool(mine),
                "def_via_ally_side": state in via[side],
                "def_other": any("defense" in t.obligations for t in theirs),
                "off_other": any("offense" in t.obligations for t in theirs),
                "any_other": bool(theirs),
                "is_defender_side": side == "target",
                "cap_share_side": side_cinc[side] / total if total > 0 else 0.5,
                "log_cinc_self": math.log(cinc.get(state, 0.0) + 1e-5),
                "major_self": state in majors,
                "log_igo_self": math.log1p(data.igo_count(state, on.year)),
                "major_side": any(p in majors for p in side_states[side]),
                "major_other": any(p in majors for p in side_states[other]),
                "land_side": any((state, p) in land for p in side_states[side]),
                "sea_side": any((state, p) in sea for p in side_states[side]),
                "land_other": any((state, p) in land for p in side_states[other]),
                "sea_other": any((state, p) in sea for p in side_states[other]),
                "log_km_side": math.log1p(km[side]) if km[side] is not None else math.log1p(8000.0),
                "log_km_other": math.log1p(km[other]) if km[other] is not None else math.log1p(8000.0),
                "rival_other": any((state, p) in rivals for p in side_states[other]),
                "rival_side": any((state, p) in rivals for p in side_states[side]),
                "mids_with_side": math.log1p(sum(same.get((state, p), 0) for p in side_states[side])),
                "mids_against_other": math.log1p(sum(opposite.get((state, p), 0) for p in side_states[other])),
                "mids_against_side": math.log1p(sum(opposite.get((state, p), 0) for p in side_states[side])),
                "post1945": on.year >= 1945,
                "log_system_size": log_system_size,
            }
            rows.append({"ccode": state, "side": side, **row})
    frame = pd.DataFrame(rows, columns=["ccode", "side", *FEATURES])
    for column in FEATURES:
        frame[column] = frame[column].astype(float)
    return frame


@dataclass
class Dataset:
    frame: pd.DataFrame       # war_id, year, ccode, side, features..., joined, naive, engine
    versions: dict

    @property
    def X(self) -> np.ndarray:
        return self.frame[list(FEATURES)].to_numpy(dtype=float)

    @property
    def y(self) -> np.ndarray:
        return self.frame["joined"].to_numpy(dtype=int)


def build_dataset(con, engine_mode: str = "legal", engine_rounds: int = 3, war_ids=None, contexts=None) -> Dataset:
    """Every (war, candidate, side) row with its features, label and the two deterministic rules' calls.

    `war_ids`: only these wars (tests); `contexts`: a `backtest.Contexts` to share with a backtest run."""
    from foedus.scenario.backtest import Contexts, engine_predictions, load_wars, naive_predictions
    from foedus.validation.ties import TieIndex

    data = FeatureData(con)
    ties = TieIndex(con)
    contexts = contexts or Contexts(con)
    member_cache: dict = {}

    def members(on):
        if on not in member_cache:
            member_cache[on] = data.members(on)
        return member_cache[on]

    frames = []
    for war in load_wars(con):
        if war_ids is not None and war.war_id not in war_ids:
            continue
        parties = {p: war.sides[p] for p in war.day_one}
        candidates = members(war.start) - war.originals
        frame = features_for(data, war.start, parties, candidates, lambda p, w=war: ties.toward(p, w.start))
        joined = {(c, j.side) for c, j in war.joiners.items()}
        engine = engine_predictions(war, contexts, members, engine_mode, engine_rounds)
        naive = naive_predictions(war, contexts, members)
        frame.insert(0, "year", war.start.year)
        frame.insert(0, "war_id", war.war_id)
        frame["joined"] = [int((c, s) in joined) for c, s in zip(frame.ccode, frame.side, strict=True)]
        frame["naive"] = [int(naive.get(c, (None,))[0] == s) for c, s in zip(frame.ccode, frame.side, strict=True)]
        frame["engine"] = [
            (2 if engine[c][1] == "binding" else 1) if c in engine and engine[c][0] == s else 0
            for c, s in zip(frame.ccode, frame.side, strict=True)
        ]
        frames.append(frame)
    return Dataset(pd.concat(frames, ignore_index=True), data.versions)


@dataclass
class JoiningModel:
    features: list[str]
    means: list[float]
    scales: list[float]
    coefficients: list[float]
    intercept: float
    c: float
    rows: int
    positives: int
    wars: int
    data_versions: dict
    offset: str | None = OFFSET
    kind: str = "L2 logistic regression on standardised features with offset -log(system size)"

    def to_json(self) -> dict:
        return asdict(self)

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        X = frame[self.features].to_numpy(dtype=float)
        z = ((X - np.array(self.means)) / np.array(self.scales)) @ np.array(self.coefficients) + self.intercept
        if self.offset:
            z = z - frame[self.offset].to_numpy(dtype=float)
        return 1.0 / (1.0 + np.exp(-z))


def _standardise(X):
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    return mean, np.where(scale > 0, scale, 1.0)


def _offset_fit(X, y, offset, c: float):
    """L2 logistic regression with a fixed offset (scipy L-BFGS); penalty 1/(2c)*|w|^2 as scikit-learn's C=c."""
    from scipy.optimize import minimize

    mean, scale = _standardise(X)
    Z = (X - mean) / scale
    y = y.astype(float)
    lam = 1.0 / c

    def loss(w):
        z = Z @ w[1:] + w[0] + offset
        p = 1.0 / (1.0 + np.exp(-z))
        value = -np.sum(y * z - np.logaddexp(0, z)) + 0.5 * lam * np.sum(w[1:] ** 2)
        grad = np.concatenate([[np.sum(p - y)], Z.T @ (p - y) + lam * w[1:]])
        return value, grad

    w = minimize(loss, np.zeros(Z.shape[1] + 1), jac=True, method="L-BFGS-B").x
    return mean, scale, w[1:], float(w[0])


def _sk_fit(X, y, c: float):
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(X)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    model = LogisticRegression(C=c, max_iter=2000).fit((X - scaler.mean_) / scale, y)
    return scaler.mean_, scale, model


def fit(data: Dataset, c: float = 0.01, con=None) -> JoiningModel:
    X = data.frame[list(MODEL_FEATURES)].to_numpy(dtype=float)
    mean, scale, coef, intercept = _offset_fit(X, data.y, -data.frame[OFFSET].to_numpy(dtype=float), c)
    return JoiningModel(list(MODEL_FEATURES), mean.tolist(), scale.tolist(), coef.tolist(), intercept, c,
                        len(data.frame), int(data.y.sum()), int(data.frame.war_id.nunique()), data.versions)


class SavedModel(Result):
    """`foedus model fit --json`: where the model was saved, then the model's own JSON (its keys, in order)."""

    model_config = ConfigDict(extra="allow")

    path: str


def saved_model(model: JoiningModel, path: Path) -> SavedModel:
    return SavedModel(path=str(path), **model.to_json())


def save_model(model: JoiningModel, path: Path | None = None) -> Path:
    target = Path(path) if path else MODEL_FILE
    from foedus.atomic import write_text_atomic

    return write_text_atomic(target, json.dumps(model.to_json(), indent=1) + "\n")


def load_model(path: Path | None = None) -> JoiningModel:
    target = Path(path) if path else MODEL_FILE
    if not target.exists():
        raise BadInputError("--model", f"no model file at {target}", fix="run `foedus model fit` first")
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
        model = JoiningModel(**data)
    except (ValueError, TypeError) as exc:
        raise BadInputError("--model", f"{target} is not a foedus joining model ({exc})",
                            fix="refit it with `foedus model fit`") from None
    missing = [f for f in [*model.features, model.offset or OFFSET] if f not in FEATURES]
    if missing:
        raise BadInputError("--model", f"{target} uses unknown features {missing}", fix="refit it")
    return model


# ---------------------------------------------------------------- evaluation

@dataclass
class Metric:
    predictor: str
    auc: float
    brier: float
    log_loss: float
    auc_ci: tuple[float, float]
    brier_ci: tuple[float, float]
    log_loss_ci: tuple[float, float]


@dataclass
class Scheme:
    name: str
    rows: int
    positives: int
    wars: int
    metrics: list[Metric]
    calibration: list[dict] = field(default_factory=list)   # model: bins of predicted vs observed


@dataclass
class Evaluation:
    schemes: list[Scheme]
    bootstrap: int
    seed: int
    features: list[str]

    def to_json(self) -> dict:
        return asdict(self)

    def scheme(self, name: str) -> Scheme:
        return next(s for s in self.schemes if s.name == name)


def _metrics(y, p, rank=None) -> tuple[float, float, float]:
    """AUC (of `rank` when given: a rule's raw calls, the same in every fold), Brier score and log loss of `p`."""
    from sklearn.metrics import roc_auc_score

    p = np.clip(p, 1e-6, 1 - 1e-6)
    rank = p if rank is None else rank
    auc = float(roc_auc_score(y, rank)) if 0 < y.sum() < len(y) else float("nan")
    brier = float(np.mean((p - y) ** 2))
    loss = float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    return auc, brier, loss


def _rate_by(train_values, train_y, test_values, prior: float) -> np.ndarray:
    """A deterministic rule's calls turned into probabilities: the training rows' join rate for each call."""
    out = np.full(len(test_values), prior, dtype=float)
    for value in np.unique(test_values):
        mask = train_values == value
        rate = (train_y[mask].sum() + prior) / (mask.sum() + 1) if mask.any() else prior
        out[test_values == value] = rate
    return out


def _predict_fold(frame: pd.DataFrame, train: np.ndarray, test: np.ndarray, c: float) -> dict[str, np.ndarray]:
    X = frame[list(MODEL_FEATURES)].to_numpy(dtype=float)
    y = frame["joined"].to_numpy(dtype=int)
    offset = -frame[OFFSET].to_numpy(dtype=float)
    mean, scale, coef, intercept = _offset_fit(X[train], y[train], offset[train], c)
    sk_mean, sk_scale, sk_model = _sk_fit(frame[list(FEATURES)].to_numpy(dtype=float)[train], y[train], c)
    _m, _s, _c, base_intercept = _offset_fit(np.zeros((int(train.sum()), 0)), y[train], offset[train], c)
    prior = float(y[train].mean())
    return {
        "model": 1.0 / (1.0 + np.exp(-(((X[test] - mean) / scale) @ coef + intercept + offset[test]))),
        "model, no offset (scikit-learn)": sk_model.predict_proba(
            (frame[list(FEATURES)].to_numpy(dtype=float)[test] - sk_mean) / sk_scale)[:, 1],
        "base rate": np.full(test.sum(), prior),
        "base rate x 1/N": 1.0 / (1.0 + np.exp(-(base_intercept + offset[test]))),
        "naive rule": _rate_by(frame.naive.to_numpy()[train], y[train], frame.naive.to_numpy()[test], prior),
        "engine rule": _rate_by(frame.engine.to_numpy()[train], y[train], frame.engine.to_numpy()[test], prior),
    }


def _score(name: str, frame: pd.DataFrame, predictions: dict[str, np.ndarray], bootstrap: int, seed: int,
           ) -> Scheme:
    y = frame["joined"].to_numpy(dtype=int)
    wars = frame["war_id"].to_numpy()
    unique = np.unique(wars)
    index = {w: np.flatnonzero(wars == w) for w in unique}
    rng = np.random.default_rng(seed)
    draws = [np.concatenate([index[w] for w in rng.choice(unique, size=len(unique))]) for _ in range(bootstrap)]
    ranks = {"base rate": np.zeros(len(frame)), "naive rule": frame["naive"].to_numpy(dtype=float),
             "engine rule": frame["engine"].to_numpy(dtype=float)}
    metrics = []
    for predictor, p in predictions.items():
        r = ranks.get(predictor)
        point = _metrics(y, p, r)
        boot = (np.array([_metrics(y[d], p[d], None if r is None else r[d]) for d in draws]) if draws
                else np.full((1, 3), np.nan))
        ci = [(float(np.nanpercentile(boot[:, k], 2.5)), float(np.nanpercentile(boot[:, k], 97.5))) for k in range(3)]
        metrics.append(Metric(predictor, *point, *ci))
    p = predictions["model"]
    edges = [0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4, 1.0001]
    calibration = []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        mask = (p >= lo) & (p < hi)
        if mask.any():
            calibration.append({"bin": [lo, min(hi, 1.0)], "rows": int(mask.sum()),
                                "mean_predicted": float(p[mask].mean()), "observed": float(y[mask].mean())})
    return Scheme(name, len(frame), int(y.sum()), int(len(unique)), metrics, calibration)


def lowo_predictions(data: Dataset, c: float = 0.01) -> np.ndarray:
    """The model's leave-one-war-out probability for every row of `data.frame` (each war scored by a fit
    on the others)."""
    frame = data.frame.reset_index(drop=True)
    wars = frame.war_id.to_numpy()
    out = np.zeros(len(frame))
    for war in np.unique(wars):
        test = wars == war
        out[test] = _predict_fold(frame, ~test, test, c)["model"]
    return out


def evaluate(data: Dataset, c: float = 0.01, bootstrap: int = 200, seed: int = 14) -> Evaluation:
    """Leave-one-war-out, and train before 1945 / test from 1945; bootstrap CIs resample test wars."""
    frame = data.frame.reset_index(drop=True)
    wars = frame.war_id.to_numpy()
    pooled: dict[str, np.ndarray] = {}
    for war in np.unique(wars):
        test = wars == war
        fold = _predict_fold(frame, ~test, test, c)
        for k, v in fold.items():
            pooled.setdefault(k, np.zeros(len(frame)))[test] = v
    schemes = [_score("leave one war out", frame, pooled, bootstrap, seed)]
    test = (frame.year >= 1945).to_numpy()
    fold = _predict_fold(frame, ~test, test, c)
    schemes.append(_score("time split (train < 1945, test >= 1945)", frame[test].reset_index(drop=True), fold,
                          bootstrap, seed))
    return Evaluation(schemes, bootstrap, seed, list(FEATURES))


def calibration_plot(result: Evaluation, path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 5))
    for scheme in result.schemes:
        xs = [b["mean_predicted"] for b in scheme.calibration]
        ys = [b["observed"] for b in scheme.calibration]
        ax.plot(xs, ys, marker="o", label=scheme.name)
    top = max([0.05] + [b["mean_predicted"] for s in result.schemes for b in s.calibration]
              + [b["observed"] for s in result.schemes for b in s.calibration])
    ax.plot([0, top], [0, top], color="grey", linestyle="--", linewidth=1, label="perfect calibration")
    ax.set_xlabel("predicted probability of joining (bin mean)")
    ax.set_ylabel("observed share joining")
    ax.set_title("Joining model calibration (out of sample)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


# ---------------------------------------------------------------- use by the scenario engine

@dataclass(frozen=True)
class _LinkTie:
    from_ccode: int
    obligations: frozenset
    flags: frozenset
    threats: tuple
    size: int


def predict_join_probabilities(context, scenario, con=None, model: JoiningModel | None = None,
                               data: FeatureData | None = None) -> dict[int, dict[str, float]]:
    """For every COW member on the scenario date other than the parties: {'attacker': p, 'target': p}.

    Ties come from the engine's own context (`context.links_toward`, honouring `scenario.assume_in_force`);
    geography, capabilities, rivalries and disputes from the store (`con`, or `context.con` when it has one),
    read on `data.feature_day(context.on)`: past the COW state list's last day (2016-12-31 in COW states 2016)
    the members, borders and capitals of that day are carried forward.
    """
    con = con if con is not None else getattr(context, "con", None)
    if data is None:
        if con is None:
            raise BadInputError("con", "the joining model needs the store for its features",
                                fix="pass con= (the connection the context was built from)")
        data = FeatureData(con)
    model = model or load_model()
    on = data.feature_day(context.on)
    parties = {a: "attacker" for a in scenario.attackers} | {t: "target" for t in scenario.targets}
    sizes: dict[str, int] = {}
    if con is not None:
        sizes = {tid: int(n) for tid, n in con.execute(
            "SELECT treaty_id, coalesce(len(members), 2) FROM treaties").fetchall()}

    def ties_toward(party):
        return [_LinkTie(link.from_ccode, link.obligations, link.flags, tuple(link.threats),
                         sizes.get(link.treaty_id, 2))
                for link in context.links_toward(party, scenario.assume_in_force)]

    candidates = data.members(on) - set(parties)
    frame = features_for(data, on, parties, candidates, ties_toward)
    p = model.predict(frame)
    out: dict[int, dict[str, float]] = {}
    for state, side, prob in zip(frame.ccode, frame.side, p, strict=True):
        out.setdefault(int(state), {})[side] = float(prob)
    return out
