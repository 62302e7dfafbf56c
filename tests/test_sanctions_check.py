"""The checker: each measure kind, the day before and the day of adoption, exemptions, caps, deadlines."""

from __future__ import annotations

import datetime as dt

import pytest

from foedus.sanctions.check import Shipment, check
from foedus.sanctions.load import load_regime

DPRK, CHINA, RUSSIA, JAPAN = 731, 710, 365, 740


@pytest.fixture(scope="module")
def regime():
    return load_regime()


def run(regime, from_state, to_state, day, **kwargs):
    verdict = check(regime, Shipment(from_state, to_state, dt.date.fromisoformat(day), **kwargs))
    return verdict.verdict, [f.measure.id for f in verdict.deciding], verdict


def test_coal_to_china_day_before_and_day_of_2371(regime):
    assert run(regime, DPRK, CHINA, "2017-08-04", hs="2701")[:2] == ("conditional", ["coal-cap-2321"])
    assert run(regime, DPRK, CHINA, "2017-08-05", hs="2701")[:2] == ("prohibited", ["coal-iron-2371"])


def test_coal_history_before_2270_and_under_it(regime):
    assert run(regime, DPRK, CHINA, "2016-03-01", hs="270112")[:2] == ("permitted", [])
    assert run(regime, DPRK, CHINA, "2016-03-02", hs="270112")[:2] == ("prohibited", ["coal-2270"])
    verdict, deciding, detail = run(regime, DPRK, CHINA, "2016-06-01", hs="2701", purpose="livelihood")
    assert (verdict, deciding) == ("exempt", ["coal-2270"])
    assert detail.deciding[0].exemption.id == "livelihood-2270"


def test_textiles_around_2375(regime):
    assert run(regime, DPRK, CHINA, "2017-09-10", hs="6109")[:2] == ("permitted", [])
    assert run(regime, DPRK, CHINA, "2017-09-11", hs="6109")[:2] == ("prohibited", ["textiles-2375"])
    assert run(regime, DPRK, CHINA, "2017-12-10", hs="620342", purpose="prior-contract")[0] == "exempt"
    assert run(regime, DPRK, CHINA, "2017-12-11", hs="620342", purpose="prior-contract")[0] == "prohibited"
    # direction matters: textiles *to* the DPRK are not covered by 2375
    assert run(regime, CHINA, DPRK, "2018-01-01", hs="6109")[0] == "permitted"


def test_labour_after_the_2397_deadline(regime):
    before = run(regime, DPRK, RUSSIA, "2019-12-22", labour=True, purpose="prior-contract")
    after = run(regime, DPRK, RUSSIA, "2019-12-23", labour=True, purpose="prior-contract")
    assert before[0] == "conditional" and "workers-repatriation-2397" in before[1]
    assert after[:2] == ("prohibited", ["workers-repatriation-2397"])
    effects = {f.measure.id: f.effect for f in after[2].findings}
    assert effects["workers-2375"] == "exempt"


def test_labour_freeze_then_ban_in_2017(regime):
    assert run(regime, DPRK, CHINA, "2017-08-04", labour=True)[0] == "permitted"
    assert run(regime, DPRK, CHINA, "2017-08-05", labour=True)[:2] == ("conditional", ["workers-freeze-2371"])
    assert run(regime, DPRK, CHINA, "2017-09-11", labour=True)[:2] == ("prohibited", ["workers-2375"])


def test_caps_are_conditional_not_permitted(regime):
    verdict, deciding, detail = run(regime, RUSSIA, DPRK, "2018-03-01", hs="271019")
    assert (verdict, deciding) == ("conditional", ["refined-2397"])
    assert not detail.deciding[0].exceeds_cap
    assert run(regime, CHINA, DPRK, "2018-03-01", hs="2709")[:2] == ("conditional", ["crude-2397"])


def test_a_shipment_alone_over_the_cap_is_prohibited(regime):
    over = run(regime, RUSSIA, DPRK, "2018-03-01", hs="2710", quantity=600_000, unit="barrels")
    assert over[:2] == ("prohibited", ["refined-2397"]) and over[2].deciding[0].exceeds_cap
    assert run(regime, RUSSIA, DPRK, "2018-03-01", hs="2710", quantity=6_000, unit="bbl")[0] == "conditional"
    assert run(regime, CHINA, DPRK, "2018-03-01", hs="2709", quantity=600_000, unit="t")[0] == "prohibited"
    # a unit the cap is not expressed in cannot be compared: still conditional
    assert run(regime, RUSSIA, DPRK, "2018-03-01", hs="2710", quantity=9e9, unit="usd")[0] == "conditional"


def test_arms_embargo_small_arms_until_2270(regime):
    assert run(regime, CHINA, DPRK, "2010-01-01", hs="930200")[:2] == ("prohibited", ["arms-to-dprk-1874"])
    assert run(regime, CHINA, DPRK, "2016-03-01", hs="930200", purpose="salw")[0] == "exempt"
    assert run(regime, CHINA, DPRK, "2016-03-02", hs="930200", purpose="salw")[:2] == (
        "prohibited",
        ["arms-2270"],
    )
    assert run(regime, DPRK, RUSSIA, "2024-01-01", hs="930690")[0] == "prohibited"


def test_supply_ban_and_its_exemptions(regime):
    assert run(regime, CHINA, DPRK, "2017-12-21", hs="8429")[0] == "permitted"
    assert run(regime, CHINA, DPRK, "2017-12-22", hs="8429")[:2] == ("prohibited", ["supplies-2397"])
    spares = run(regime, RUSSIA, DPRK, "2019-01-01", hs="880330", purpose="civil-aviation")
    assert spares[:2] == ("exempt", ["supplies-2397"])
    assert spares[2].deciding[0].exemption.id == "aircraft-spares-2397"


def test_export_ban_seafood(regime):
    assert run(regime, DPRK, JAPAN, "2017-08-04", hs="0302")[0] == "permitted"
    assert run(regime, DPRK, JAPAN, "2017-08-05", hs="030289")[:2] == ("prohibited", ["seafood-2371"])


def test_luxury_goods_only_to_the_dprk(regime):
    assert run(regime, JAPAN, DPRK, "2007-01-01", hs="7113")[:2] == ("prohibited", ["luxury-1718"])
    assert run(regime, DPRK, JAPAN, "2007-01-01", hs="7113")[0] == "permitted"


def test_joint_ventures(regime):
    assert run(regime, CHINA, DPRK, "2017-08-04", joint_venture=True)[0] == "permitted"
    assert run(regime, CHINA, DPRK, "2017-08-05", joint_venture=True)[:2] == ("prohibited", ["jv-new-2371"])
    existing = run(regime, CHINA, DPRK, "2018-01-09", joint_venture=True, purpose="prior-contract")
    assert existing[0] == "exempt"
    closed = run(regime, CHINA, DPRK, "2018-01-10", joint_venture=True, purpose="prior-contract")
    assert closed[:2] == ("prohibited", ["jv-2375"])


def test_joint_venture_exemption_depends_on_the_partner(regime):
    china = run(regime, CHINA, DPRK, "2019-01-01", joint_venture=True, purpose="hydroelectric")[2]
    russia = run(regime, RUSSIA, DPRK, "2019-01-01", joint_venture=True, purpose="hydroelectric")[2]
    assert {f.measure.id: f.effect for f in china.findings}["jv-2375"] == "exempt"
    assert {f.measure.id: f.effect for f in russia.findings}["jv-2375"] == "prohibited"
    rajin = run(regime, RUSSIA, DPRK, "2019-01-01", joint_venture=True, purpose="rajin-khasan")[2]
    assert {f.measure.id: f.effect for f in rajin.findings}["jv-2375"] == "exempt"


def test_rajin_transit_needs_the_right_origin(regime):
    assert (
        run(regime, DPRK, CHINA, "2018-05-01", hs="2701", purpose="rajin-transit", origin=RUSSIA)[0]
        == "exempt"
    )
    assert run(regime, DPRK, CHINA, "2018-05-01", hs="2701", purpose="rajin-transit", origin=CHINA)[0] == (
        "prohibited"
    )
    assert run(regime, DPRK, CHINA, "2018-05-01", hs="2701", purpose="rajin-transit")[0] == "prohibited"
    # under 2270 any non-DPRK origin qualified
    assert (
        run(regime, DPRK, CHINA, "2016-06-01", hs="2701", purpose="rajin-transit", origin=CHINA)[0]
        == "exempt"
    )
    assert run(regime, DPRK, CHINA, "2016-06-01", hs="2701", purpose="rajin-transit", origin=DPRK)[0] == (
        "prohibited"
    )


def test_humanitarian_exemption_through_the_committee(regime):
    verdict, deciding, detail = run(regime, CHINA, DPRK, "2019-06-01", hs="8432", purpose="humanitarian")
    assert (verdict, deciding) == ("exempt", ["supplies-2397"])
    exemption = detail.deciding[0].exemption
    assert (exemption.resolution, exemption.paragraph) == (2397, "25")
    assert "Committee" in exemption.requires
    # before any general humanitarian exemption was recorded, the purpose changes nothing
    assert run(regime, CHINA, DPRK, "2010-01-01", hs="9301", purpose="humanitarian")[0] == "prohibited"


def test_trade_not_involving_the_dprk_is_permitted(regime):
    verdict, deciding, detail = run(regime, CHINA, RUSSIA, "2020-01-01", hs="2701")
    assert (verdict, deciding, detail.findings) == ("permitted", [], [])


def test_coarse_hs_code_is_conditional(regime):
    verdict, deciding, detail = run(regime, DPRK, CHINA, "2018-01-01", hs="27")
    assert verdict == "conditional" and "coal-iron-2371" in deciding
    assert all(f.coarse_hs for f in detail.deciding)


def test_measures_the_checker_cannot_decide_are_listed(regime):
    detail = run(regime, CHINA, DPRK, "2018-01-01", hs="8703")[2]
    kinds = {m.kind for m in detail.caveats}
    assert {"designations", "financial"} <= kinds
    assert all(not m.assessable for m in detail.caveats)


def test_unknown_purpose_and_missing_goods_are_errors(regime):
    with pytest.raises(ValueError, match="not one of"):
        check(regime, Shipment(DPRK, CHINA, dt.date(2018, 1, 1), hs="2701", purpose="charity"))
    with pytest.raises(ValueError, match="give an HS code"):
        check(regime, Shipment(DPRK, CHINA, dt.date(2018, 1, 1)))
