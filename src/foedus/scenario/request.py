"""A scenario as asked: parties as text, a date, facts, Monte Carlo options — parsed and bounded once.

The CLI (`foedus scenario`) and the API (`POST /api/scenario`, whose body this model is) both build a
:class:`ScenarioRequest` and call :meth:`ScenarioRequest.plan` then :meth:`ScenarioRequest.run`; every
bad input is a :class:`foedus.errors.BadInputError` naming the option (`--draws` on the command line,
`draws` in the API) and the allowed range.

Parties: each list item is one or more states (or organizations, see `foedus.scenario.actors`).
An item is split on ';' always, and on ',' only when every comma-separated part resolves; otherwise
the whole item is one name, so `--attack "Korea, North"` is North Korea and `--attack USA,GBR` two
states. Repeat the option (`--attack USA --attack "Korea, South"`) to be unambiguous.

Status: which commitments count is the rule every command shares (`status`: confirmed, presumed — the default,
:data:`foedus.query.intervals.DEFAULT_STATUS` — or any); `assume_in_force` is the old spelling of `status: any`.
Commitments the status does not count are listed in the result's `unknown` and bind no one. A date after the
register's check date or after today gives the result a projection `warning`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from foedus.dates import parse_date
from foedus.errors import BadInputError, UnknownStateError
from foedus.query.intervals import DEFAULT_STATUS, STATUS_CHOICES, check_status
from foedus.scenario.model import Scenario
from foedus.scenario.rules import MODES, Reliability


@dataclass(frozen=True)
class ScenarioLimits:
    """Bounds on every scenario option (CLI and API alike); override for a private deployment."""

    max_draws: int = 1_000_000
    max_rounds: int = 10
    max_parties: int = 60     # states per list (attackers, targets, supporters), after organizations expand
    max_items: int = 20       # items per list as given
    max_name_length: int = 100
    max_seed: int = 2**63 - 1
    max_coalitions: int = 20          # inline coalitions in one request (foedus.scenario.coalitions)
    max_coalition_members: int = 60   # members of one inline coalition


LIMITS = ScenarioLimits()

CLI_OPTIONS = {"attackers": "--attack", "targets": "--target", "supporters": "--supporters", "on": "--on",
               "rounds": "--rounds", "mode": "--mode", "where": "--where", "reliability": "--reliability",
               "draws": "--draws", "seed": "--seed", "status": "--status", "assume_in_force": "--assume-in-force",
               "coalitions": "--coalitions"}


def _bounds(low, high) -> dict:
    return {"json_schema_extra": {"minimum": low, "maximum": high}}


class ScenarioRequest(BaseModel):
    """A scenario: attackers, targets, date and the facts that settle conditions (see README)."""

    model_config = ConfigDict(extra="forbid")

    attackers: list[str] = Field(description="Names or codes of the attacker(s) (or organizations)",
                                 json_schema_extra={"minItems": 1, "maxItems": LIMITS.max_items})
    targets: list[str] = Field(description="Names or codes of the target(s) (or organizations)",
                               json_schema_extra={"minItems": 1, "maxItems": LIMITS.max_items})
    supporters: list[str] = Field([], description="States arming or funding a belligerent without fighting",
                                  json_schema_extra={"maxItems": LIMITS.max_items})
    on: str | None = Field(None, description="Date YYYY-MM-DD (default: today)")
    rounds: int = Field(1, description="Escalation rounds", **_bounds(1, LIMITS.max_rounds))
    mode: str = Field("legal", description="legal or chain", json_schema_extra={"enum": list(MODES)})
    where: str | None = Field(None, description="Where the fighting is: a state, or region:NAME",
                              json_schema_extra={"maxLength": LIMITS.max_name_length})
    provoked: bool | None = None
    requested: bool | None = None
    assume_in_force: bool = Field(False, description="Count every commitment, unknown status too (= status any)")
    status: str | None = Field(None, description="Which commitments count: confirmed, presumed (default: confirmed "
                               "and presumed) or any (unknown too)", json_schema_extra={"enum": list(STATUS_CHOICES)})
    reliability: float | str | None = Field(
        None, description="Monte Carlo: probability an obligation holds (0-1), or per type: defense=0.8,offense=0.6, "
        "or 'model' (each state's side drawn from the joining model's probabilities)")
    draws: int = Field(10_000, description="Monte Carlo draws", **_bounds(1, LIMITS.max_draws))
    seed: int = Field(0, description="Monte Carlo seed", **_bounds(0, LIMITS.max_seed))
    suppose: list[str] = Field([], description="What-if suppositions (foedus.suppose grammar), e.g. "
                               "'PRK joins CSTO from 2025-01-01'; answered in a supposed copy of the store",
                               json_schema_extra={"maxItems": LIMITS.max_items})
    coalitions: dict[str, list[str | int] | dict] | None = Field(
        None, description="Inline coalitions usable as actors: {name: [members]} or {name: {members, from, until, "
        "source}} (foedus.scenario.coalitions); presets (G7, Five Eyes, the West) need no definition",
        json_schema_extra={"maxProperties": LIMITS.max_coalitions})

    # ------------------------------------------------------------------------------------------ parsing

    def check(self, cli: bool = False, limits: ScenarioLimits = LIMITS) -> None:
        """The bounds that need no store: rounds, draws, seed, mode, list lengths, reliability."""
        option = (lambda f: CLI_OPTIONS.get(f, f)) if cli else (lambda f: f)
        self._check_numbers(option, limits)
        for field in ("attackers", "targets", "supporters"):
            if len(getattr(self, field)) > limits.max_items:
                raise BadInputError(option(field), f"{len(getattr(self, field))} items given",
                                    fix=f"at most {limits.max_items}")
        if self.reliability is not None:
            parse_reliability(self.reliability, option("reliability"))
        if self.coalitions is not None:
            from foedus.scenario.coalitions import check_body

            check_body(self.coalitions, option("coalitions"), limits)
        self.counted(option)

    def counted(self, option=lambda f: f) -> str:
        """The status rule of this request: `status` (default presumed), 'any' with `assume_in_force`."""
        try:
            status = check_status(self.status)
        except BadInputError as exc:
            raise BadInputError(option("status"), exc.message, fix="use confirmed, presumed or any") from None
        if self.assume_in_force:
            if self.status is not None and status != "any":
                raise BadInputError(option("assume_in_force"), f"counts every commitment, but status is '{status}'",
                                    fix=f"drop {option('assume_in_force')} or {option('status')}")
            return "any"
        return status

    def plan(self, names, cli: bool = False, limits: ScenarioLimits = LIMITS, organizations=None) -> Plan:
        """Check every bound and resolve every name; raises BadInputError naming the option.

        `organizations(text, on, option)`: (member codes, notes) when `text` names a group of states (an
        organization, a treaty id or a coalition: `foedus.scenario.actors.actor_expander`), else None.
        """
        option = (lambda f: CLI_OPTIONS.get(f, f)) if cli else (lambda f: f)
        self.check(cli, limits)
        on = _date(self.on, option("on"))
        expand = organizations or (lambda _text, _on, _option=None: None)
        attackers, notes = parties(names, self.attackers, option("attackers"), limits, on, expand)
        targets, more = parties(names, self.targets, option("targets"), limits, on, expand)
        supporters, also = parties(names, self.supporters, option("supporters"), limits, on, expand, required=False)
        status = self.counted(option)
        scenario = Scenario(
            on=on, attackers=attackers, targets=targets, where=_where(names, self.where, option("where"), limits),
            provoked=self.provoked, requested=self.requested, rounds=self.rounds, mode=self.mode,
            assume_in_force=status == "any", supporters=supporters,
        )
        reliability = None if self.reliability is None else parse_reliability(self.reliability, option("reliability"))
        return Plan(scenario, reliability, [*notes, *more, *also], status)

    def _check_numbers(self, option, limits: ScenarioLimits) -> None:
        checks = (("rounds", self.rounds, 1, limits.max_rounds), ("draws", self.draws, 1, limits.max_draws),
                  ("seed", self.seed, 0, limits.max_seed))
        for field, value, low, high in checks:
            if not low <= value <= high:
                raise BadInputError(option(field), f"{value} is out of range", fix=f"give {low} to {high:,}")
        if self.mode not in MODES:
            raise BadInputError(option("mode"), f"'{self.mode}' is not one of {', '.join(MODES)}")

    def run(self, context, plan: Plan, warning: str | None = None, con=None):
        """The engine's answer (and, with `reliability`, the Monte Carlo) for a plan from :meth:`plan`, counting
        the commitments the plan's status keeps; `warning`: the date's projection warning (:func:`warning_for`),
        set on the result when given; `con`: the store, which reliability 'model' needs for its features."""
        from foedus.scenario.engine import run_scenario
        from foedus.scenario.montecarlo import is_model, monte_carlo

        counting = getattr(context, "counting", None)
        context = counting(plan.status) if counting is not None else context
        result = run_scenario(context, plan.scenario, None if is_model(plan.reliability) else plan.reliability)
        result.facts.status = plan.status
        if warning:
            result.warning = warning
        if plan.notes:
            result.notes = [*plan.notes, *(result.notes or [])]
        if plan.reliability is not None:
            result.monte_carlo = monte_carlo(context, plan.scenario, draws=self.draws, reliability=plan.reliability,
                                             seed=self.seed, con=con)
        return result


@dataclass(frozen=True)
class Plan:
    scenario: Scenario
    reliability: Reliability | str | None  # 'model': the joining model (foedus.scenario.montecarlo.MODEL)
    notes: list[str]
    status: str = DEFAULT_STATUS


def warning_for(con, plan: Plan) -> str | None:
    """The projection warning of the plan's date (after the register's check date or today), else None."""
    from foedus.query.commitments import warning_for as date_warning

    return date_warning(con, plan.scenario.on)


def _date(text: str | None, option: str) -> dt.date:
    try:
        return parse_date(text or None, option)
    except BadInputError:
        raise
    except (ValueError, OverflowError) as exc:
        raise BadInputError(option, str(exc).removeprefix(f"{option}: ")) from None


def _resolve(names, text: str, option: str, limits: ScenarioLimits, on=None) -> tuple[int, list[str]]:
    """The state `text` names on `on` (an ambiguous name the date does not settle is an error), and any note."""
    if len(text) > limits.max_name_length:
        raise BadInputError(option, f"a name of {len(text):,} characters is too long",
                            fix=f"at most {limits.max_name_length}")
    try:
        found = names.resolve(text, on=on, parameter=option)
    except UnknownStateError as exc:
        raise BadInputError(option, str(exc), query=exc.query, suggestions=exc.suggestions) from None
    note = getattr(found, "note", None)
    return found.code, [f"{text}: {note}"] if note else []


def _item(names, text: str, option: str, limits: ScenarioLimits, on, expand) -> tuple[list[int], list[str]]:
    """One list item: ';'-separated always; ','-separated only when every part resolves."""
    codes, notes = [], []
    for piece in (p.strip() for p in text.split(";")):
        if not piece:
            continue
        parts = [p.strip() for p in piece.split(",") if p.strip()]
        if len(parts) > 1:
            try:
                resolved = [_one(names, p, option, limits, on, expand) for p in parts]
            except BadInputError:
                resolved = None
            if resolved is not None:
                for found, note in resolved:
                    codes += found
                    notes += note
                continue
            try:
                found, note = _one(names, piece, option, limits, on, expand)
            except BadInputError:
                for p in parts:  # name the part that does not resolve
                    _one(names, p, option, limits, on, expand)
                raise
        else:
            found, note = _one(names, piece, option, limits, on, expand)
        codes += found
        notes += note
    return codes, notes


def _one(names, text: str, option: str, limits: ScenarioLimits, on, expand) -> tuple[list[int], list[str]]:
    group = expand(text, on, option) if len(text) <= limits.max_name_length else None
    if group is not None:
        return group
    code, notes = _resolve(names, text, option, limits, on)
    return [code], notes


def parties(names, texts: list[str], option: str, limits: ScenarioLimits = LIMITS, on=None, expand=None,
            required: bool = True) -> tuple[tuple[int, ...], list[str]]:
    """States named by `texts` (order kept, repeats dropped), and notes on any organization expanded."""
    if len(texts) > limits.max_items:
        raise BadInputError(option, f"{len(texts)} items given", fix=f"at most {limits.max_items}")
    expand = expand or (lambda _text, _on, _option=None: None)
    codes, notes = [], []
    for text in texts:
        found, note = _item(names, str(text), option, limits, on, expand)
        codes += found
        notes += note
    codes = list(dict.fromkeys(codes))
    if required and not codes:
        raise BadInputError(option, "name at least one state")
    if len(codes) > limits.max_parties:
        raise BadInputError(option, f"{len(codes)} states named", fix=f"at most {limits.max_parties}")
    return tuple(codes), notes


def _where(names, text: str | None, option: str, limits: ScenarioLimits):
    if not text:
        return None
    if len(text) > limits.max_name_length:
        raise BadInputError(option, f"{len(text):,} characters is too long", fix=f"at most {limits.max_name_length}")
    if text.lower().startswith("region:"):
        return text.split(":", 1)[1].strip()
    return _resolve(names, text, option, limits)[0]


def parse_reliability(value, option: str = "reliability") -> Reliability | str:
    """0.75, '0.75', 'defense=0.8,offense=0.6' (each in [0, 1]) or 'model' (the joining model)."""
    from foedus.scenario.montecarlo import MODEL, is_model

    if is_model(value):
        return MODEL
    fix = "a probability from 0 to 1, a table like defense=0.8,offense=0.6, or model"
    table: dict[str, float] = {}
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            table = {"defense": float(value), "offense": float(value)}
        elif "=" not in str(value):
            table = {"defense": float(value), "offense": float(value)}
        else:
            for part in str(value).split(","):
                kind, _, number = part.partition("=")
                if kind.strip() not in ("defense", "offense"):
                    raise BadInputError(option, f"unknown obligation type '{kind.strip()}' (defense, offense)",
                                        fix=fix)
                table[kind.strip()] = float(number)
    except ValueError as exc:
        if isinstance(exc, BadInputError):
            raise
        raise BadInputError(option, f"'{value}' is not a probability", fix=fix) from None
    for kind, p in table.items():
        if not 0 <= p <= 1:  # also rejects NaN
            raise BadInputError(option, f"{p} for {kind} is out of range", fix=fix)
    return Reliability({**Reliability().by_type, **table})
