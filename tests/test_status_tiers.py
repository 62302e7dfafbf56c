"""Status tiers after coverage, accessions inheriting their treaty, treaty names and lookup, and the interval
table reproducing the per-date merge (issues 15.1-15.3, 13.1)."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from foedus.errors import BadInputError, FoedusError
from foedus.query import commitments, intervals
from foedus.query.commitments import directed_commitments, directed_commitments_sql, dyad, records, warning_for
from foedus.query.treaty import find_treaty
from foedus.store.schema import CONDITION_FLAGS, OBLIGATIONS

RUS, CHN, PRK, USA, UKG, JPN, AFG = 365, 710, 731, 2, 200, 740, 700
NATO_MEMBERS_2026 = (2, 20, 200, 210, 211, 212, 220, 230, 235, 255, 290, 310, 316, 317, 325, 339, 341, 343, 344,
                     349, 350, 355, 360, 366, 367, 368, 375, 380, 385, 390, 395, 640)


def _random_dates(n: int, seed: int) -> list[dt.date]:
    rng = random.Random(seed)
    first, last = dt.date(1816, 1, 1).toordinal(), dt.date(2031, 12, 31).toordinal()
    fixed = [dt.date(2016, 12, 31), dt.date(2017, 1, 1), dt.date(2024, 12, 4), dt.date(2025, 12, 1),
             dt.date(2025, 12, 2), dt.date(2027, 2, 28)]
    return fixed + [dt.date.fromordinal(rng.randint(first, last)) for _ in range(n)]


@pytest.mark.parametrize("day", _random_dates(12, seed=7))
def test_interval_slice_equals_the_per_date_merge(real_store, day):
    """Every column of the one-query merge (`SQL`) but the new names is reproduced, row for row."""
    new = directed_commitments(real_store, day, status="any")
    old = directed_commitments_sql(real_store, day)
    assert len(new) == len(old)
    for column in old.columns:
        if column == "treaty_name":
            continue
        a = new[column].astype(object).where(new[column].notna(), None).tolist()
        b = old[column].astype(object).where(old[column].notna(), None).tolist()
        assert a == b, column


def test_every_record_has_a_tier_a_reason_and_a_name(real_store):
    rows = records(directed_commitments(real_store, "2026-06-01", status="any"))
    assert rows and all(r["tier"] in intervals.TIERS and r["status_reason"] for r in rows)
    assert all(isinstance(r["treaty_name"], str) and r["treaty_name"] for r in rows)


def test_inside_coverage_everything_is_confirmed_by_the_dataset(real_store):
    frame = directed_commitments(real_store, "1990-06-01", status="any")
    assert set(frame.tier) == {"confirmed"} and frame.status_reason.str.startswith("coded in force by ATOP").all()


def test_the_status_option_filters_tiers(real_store):
    every = directed_commitments(real_store, "2026-06-01", status="any")
    default = directed_commitments(real_store, "2026-06-01")
    confirmed = directed_commitments(real_store, "2026-06-01", status="confirmed")
    assert set(default.tier) <= {"confirmed", "presumed"} and "unknown" in set(every.tier)
    assert len(confirmed) < len(default) < len(every)
    with pytest.raises(BadInputError, match="status"):
        directed_commitments(real_store, "2026-06-01", status="maybe")


def test_no_nato_commitment_reads_unknown_on_2026_06_01(real_store):
    frame = directed_commitments(real_store, "2026-06-01", status="any")
    nato = frame[frame.treaty_id == "atop:3180"]
    pairs = set(zip(nato.from_ccode, nato.to_ccode, strict=True))
    assert all((a, b) in pairs for a in NATO_MEMBERS_2026 for b in NATO_MEMBERS_2026 if a != b)
    assert set(nato.tier) <= {"confirmed", "presumed"}


@pytest.mark.parametrize(("a", "b", "treaty"), [(USA, UKG, "atop:3180"), (USA, JPN, "atop:3375"),
                                                (CHN, PRK, "atop:3445"), (RUS, PRK, "reg:russia-dprk-2024")])
def test_key_dyads_are_confirmed_before_the_check_date_and_presumed_after(real_store, a, b, treaty):
    checked = intervals.build(real_store).register_checked
    before = dyad(real_store, a, b, "2025-06-01")  # entries are checked 2025-12-01 or later
    after = dyad(real_store, a, b, checked + dt.timedelta(days=100))
    row_before = before[before.treaty_id == treaty]
    row_after = after[after.treaty_id == treaty]
    assert set(row_before.tier) == {"confirmed"} and row_before.status_reason.str.contains("register entry").all()
    assert set(row_after.tier) == {"presumed"} and row_after.status_reason.str.contains("checked").all()


def test_russia_china_2030_is_a_projection_under_the_term_rule(real_store):
    rows = dyad(real_store, RUS, CHN, "2030-01-01")
    treaty = rows[rows.treaty_id == "atop:4980"]
    assert len(treaty) == 2 and set(treaty.tier) == {"presumed"}
    reason = treaty.status_reason.iloc[0]
    assert "renews automatically" in reason and "current term to" in reason
    checked = intervals.build(real_store).register_checked.isoformat()
    warning = warning_for(real_store, "2030-01-01", today=dt.date(2026, 12, 1))
    assert warning and "projection" in warning and checked in warning and "after today" in warning
    assert records(rows, warning=warning)[0]["warning"] == warning


def test_no_warning_inside_the_register_check_date(real_store):
    checked = intervals.build(real_store).register_checked
    later = checked + dt.timedelta(days=1)
    assert warning_for(real_store, checked, today=checked) is None
    assert "after today" not in warning_for(real_store, later, today=later)
    assert "after today" in warning_for(real_store, later, today=checked)


def test_a_fixed_term_that_ran_out_is_unknown_after_it(real_store):
    """ATOP 6050 (USA–Afghanistan 2012): 144 months, renewal by agreement (proren=1), none recorded."""
    before = dyad(real_store, USA, AFG, "2024-01-01", status="any")
    after = dyad(real_store, USA, AFG, "2024-06-01", status="any")
    assert set(before[before.treaty_id == "atop:6050"].tier) == {"presumed"}
    row = after[after.treaty_id == "atop:6050"]
    assert set(row.tier) == {"unknown"} and "fixed term ended 2024-05-02" in row.status_reason.iloc[0]
    assert "atop:6050" not in set(dyad(real_store, USA, AFG, "2024-06-01").treaty_id)


def _coding(row) -> tuple:
    return tuple(bool(row[c]) for c in (*OBLIGATIONS, *CONDITION_FLAGS))


def test_every_accession_inherits_the_original_members_coding(real_store):
    """NATO's Art. 6 location condition (defense:location) applies to Finland as to France."""
    accessions = real_store.execute(
        "SELECT treaty_id, json_extract_string(attributes, '$.extends') AS extends FROM treaties "
        "WHERE json_extract_string(attributes, '$.extends') IS NOT NULL"
    ).fetchall()
    assert accessions
    frame = directed_commitments(real_store, "2025-06-01", status="any")
    checked = 0
    for reg_id, extends in accessions:
        members = [m for (m,) in real_store.execute(
            "SELECT member FROM commitments WHERE treaty_id = ?", [reg_id]).fetchall()]
        rows = frame[frame.treaty_id == extends]
        original = rows[rows.source_kind == "dataset"]
        assert not original.empty
        codings = {_coding(r) for r in original.to_dict("records")}
        for member in members:
            mine = rows[rows.from_ccode == member]
            assert not mine.empty, member
            assert {_coding(r) for r in mine.to_dict("records")} <= codings, member
            checked += 1
    assert checked >= 3
    finland = records(frame[(frame.from_ccode == 375) & (frame.treaty_id == "atop:3180")])
    assert finland and all("defense:location" in r["conditions"] for r in finland)


@pytest.mark.parametrize(("text", "expected"), [("3180", "atop:3180"), ("atop:3180", "atop:3180"),
                                                ("NATO", "atop:3180"), ("nato", "atop:3180"),
                                                ("russia-dprk-2024", "reg:russia-dprk-2024"),
                                                ("reg:russia-dprk-2024", "reg:russia-dprk-2024")])
def test_find_treaty(real_store, text, expected):
    assert find_treaty(real_store, text) == expected


def test_find_treaty_miss_lists_closest(real_store):
    with pytest.raises(FoedusError, match=r"Unknown treaty .*closest: .*atop:3180"):
        find_treaty(real_store, "Nato treety")


def test_the_table_is_built_once_per_store_build(real_store):
    first = intervals.build(real_store)
    assert intervals.build(real_store) is first
    assert commitments.intervals.fingerprint(real_store) == first.fingerprint
