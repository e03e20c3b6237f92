"""Small question files for both built-in scenarios, so each test runs in seconds on the NumPy path."""

from __future__ import annotations

import textwrap

import pytest

QUESTIONS = {
    "iran-2024": """
        scenario: iran-2024
        questions:
          - id: U01
            as_of: 2024-11-15
            text: "The United States strikes Iran within 60 days"
            window: {days: 60}
            event: {action: {actor: USA, target: IRN, category: [limited_precision_strike, large_strike]}}
            note: "a test question"
          - id: U02
            as_of: 2024-11-15
            text: "Iran strikes Israel directly within 60 days"
            window: {days: 60}
            event: {action: {actor: IRN, target: ISR}}
            note: "a test question"
        """,
    "synthetic-standoff": """
        scenario: synthetic-standoff
        questions:
          - id: U01
            as_of: 2023-06-30
            text: "SYNTHETIC: a strike across the border within 60 days"
            window: {days: 60}
            event: {action: {actor: [NRT, STH], front: BORDER, category: limited_precision_strike}}
            note: "a test question"
          - id: U02
            as_of: 2023-06-30
            text: "SYNTHETIC: a blockade of the Narrows within 90 days"
            window: {days: 90}
            event: {action: {actor: STH, category: blockade}}
            note: "a test question"
        """,
}

# two judgements of each scenario that --set takes (a parameter and a concern weight)
JUDGEMENTS = {"iran-2024": "lambda,weight.IRN.*", "synthetic-standoff": "lambda,weight.NRT.*"}


@pytest.fixture
def qfile(tmp_path):
    def write(scenario_id: str):
        p = tmp_path / f"q-{scenario_id}.yaml"
        p.write_text(textwrap.dedent(QUESTIONS[scenario_id]).lstrip("\n"), encoding="utf-8")
        return p
    return write
