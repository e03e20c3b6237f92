"""The shipped coding tables: CAMEO -> PLOVER, Goldstein, PLOVER scores, ACLED mapping."""

from __future__ import annotations

import pytest

from brink.events import coding

ACLED_SUB_EVENTS = {
    "Battles": ["Armed clash", "Government regains territory", "Non-state actor overtakes territory"],
    "Explosions/Remote violence": ["Chemical weapon", "Air/drone strike", "Suicide bomb",
                                   "Shelling/artillery/missile attack", "Remote explosive/landmine/IED", "Grenade"],
    "Violence against civilians": ["Sexual violence", "Attack", "Abduction/forced disappearance"],
    "Protests": ["Peaceful protest", "Protest with intervention", "Excessive force against protesters"],
    "Riots": ["Violent demonstration", "Mob violence"],
    "Strategic developments": ["Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use",
                               "Headquarters or base established", "Looting/property destruction",
                               "Non-violent transfer of territory", "Other"],
}


def test_tables_are_consistent():
    assert coding.check_tables() == []


def test_every_goldstein_code_is_coded():
    t = coding.cameo_table().set_index("cameo")
    assert len(coding.goldstein_table()) == 311
    assert set(coding.goldstein_table()["cameo"]) <= set(t.index)
    # every code outside the dropped 01/02 families has a PLOVER type
    coded = t[~t["cameo_root"].isin(["01", "02"])]
    assert coded["plover_type"].notna().all()
    assert t[t["cameo_root"].isin(["01", "02"])]["plover_type"].isna().all()


@pytest.mark.parametrize(
    "code, ptype, mode, goldstein, score, quad",
    [
        ("195", "ASSAULT", "heavy-weapons", -10.0, -9.5, 4),
        ("186", "ASSAULT", "targeted", -10.0, -9.5, 4),  # 'assassinate' in the 2021 table
        ("1712", "ASSAULT", "destroy", -9.2, -8.5, 4),
        ("0871", "RETREAT", "ceasefire", 9.0, 7.5, 2),
        ("046", "CONSULT", None, 7.0, 2.5, 1),
        ("138", "THREATEN", "violence", -7.0, -3.5, 3),
        ("163", "COERCE", "restrict", -8.0, -7.0, 4),
        ("1662", "SANCTION", "expel", -7.0, -5.5, 4),
        ("0213", None, None, 3.4, None, None),  # CAMEO 02 is dropped by PLOVER
    ],
)
def test_known_codes(code, ptype, mode, goldstein, score, quad):
    r = coding.cameo_table().set_index("cameo").loc[code]
    assert (r.plover_type if isinstance(r.plover_type, str) else None) == ptype
    assert (r.plover_mode if isinstance(r.plover_mode, str) else None) == mode
    assert r.goldstein == pytest.approx(goldstein)
    if score is None:
        assert r.plover_score != r.plover_score  # NaN
    else:
        assert r.plover_score == pytest.approx(score)
        assert int(r.plover_quad) == quad


def test_longest_prefix_fallback():
    # 1213/1214 are in CAMEO2PLOVER but not in GDELT's Goldstein table: they take 121's score
    t = coding.cameo_table().set_index("cameo")
    assert t.loc["1213", "goldstein"] == t.loc["121", "goldstein"]
    assert t.loc["1213", "plover_type"] == "REJECT"


def test_plover_scores_transcribed():
    s = coding.plover_scores()
    assert len(s) == 82  # every cell of the manual's table
    assert coding.plover_score("ASSAULT", "unconventional") == -10
    assert coding.plover_score("AID") == 10
    assert coding.plover_score("ACCUSE") == -3  # printed as 3; see the table's note
    assert coding.plover_score("ASSAULT", "no-such-mode") == -9  # falls back to the type


def test_quads_match_manual():
    assert {t for t, q in coding.PLOVER_QUAD.items() if q == 2} == {"COOPERATE", "AID", "RETREAT"}
    assert coding.PLOVER_QUAD["SANCTION"] == 4
    assert coding.cameo_quad("057") == 1 and coding.cameo_quad("0874") == 2
    assert coding.cameo_quad("112") == 3 and coding.cameo_quad("145") == 4


def test_acled_mapping_covers_the_codebook():
    t = coding.acled_table()
    pairs = set(zip(t["event_type"], t["sub_event_type"]))
    expected = {(e, s) for e, subs in ACLED_SUB_EVENTS.items() for s in subs}
    assert pairs == expected
