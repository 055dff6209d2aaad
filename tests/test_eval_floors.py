"""The eval floors may be raised by a change, never lowered below what the issues require."""

from __future__ import annotations

import json
from pathlib import Path

MINIMUMS = {
    "example": {"regions": 1.0, "documents": 0.95, "initiatives": 0.85},
    "shared gold": {"regions": 0.95, "documents": 0.9, "initiatives": 0.9},
    "own gold": {"initiatives": 0.85},
    # the held-out figures of the code these annotations were first scored on
    "corpus2 gold": {"regions": 0.956, "documents": 0.74, "initiatives": 0.461},
    "patterns": {"regions": 0.95, "documents": 0.85, "initiatives": 0.85},
    # proposals ask, nobody adopts: only their regions are scored (the first figure, held)
    "proposals gold": {"regions": 1.0},
}


def test_floors_never_below_the_required_minimums() -> None:
    floors = json.loads((Path(__file__).parent / "eval_floors.json").read_text(encoding="utf-8"))
    by_name = {s["name"]: s["floors"] for s in floors["sets"]}
    for name, minimum in MINIMUMS.items():
        for kind, value in minimum.items():
            assert by_name[name][kind] >= value, f"{name} {kind} floor lowered below {value}"


def test_precision_of_adoptions_is_pinned_on_both_golds() -> None:
    floors = json.loads((Path(__file__).parent / "eval_floors.json").read_text(encoding="utf-8"))
    by_name = {s["name"]: s.get("precision", {}) for s in floors["sets"]}
    for name in ("shared gold", "own gold"):  # #16: precision >= 0.95 on each
        assert by_name[name].get("initiatives", 0.0) >= 0.95, name


def test_confidence_is_pinned() -> None:
    floors = json.loads((Path(__file__).parent / "eval_floors.json").read_text(encoding="utf-8"))
    assert floors["confidence"]["min_precision_at_0.9"] >= 0.97
    assert floors["confidence"]["bands"] == sorted(floors["confidence"]["bands"])


def test_every_set_names_its_inputs() -> None:
    floors = json.loads((Path(__file__).parent / "eval_floors.json").read_text(encoding="utf-8"))
    assert all(s["inputs"] in floors["inputs"] for s in floors["sets"])


def test_own_gold_files_are_well_formed() -> None:
    gold_dir = Path(__file__).parent / "gold"
    files = sorted(gold_dir.glob("*.json")) + sorted(gold_dir.glob("*/*.json"))
    assert len(files) >= 8
    for path in files:
        gold = json.loads(path.read_text(encoding="utf-8"))
        assert gold["file"] == path.stem + ".txt"
        assert set(gold) >= {"regions", "initiatives", "documents"}
        for item in gold["initiatives"]:
            assert item["kind"] in ("mechanism", "brand") and item["region"] and item["name"]
