"""The five seed projects' answers stay as they were: every named query (the public ones and those
of graphkit.network and graphkit.studies), run on the build of the curated records with a fixed
set of parameter values, gives exactly the rows saved in ``tests/fixtures/seed-answers/`` from
``main`` before the records learnt budgets, programmes, disagreeing sources, gazetteer places and
units (issue 16, deliverable 4).

Rows are compared as N-Triples terms, so a changed datatype or language tag shows, and as sorted
lists (every row, each as often as before; rows that tie under a query's ORDER BY may come in any
order). Queries added after the fixture was saved are not in it and are tested elsewhere.

Write the fixture again (only when an answer is meant to change, saying why in the commit)::

    PYTHONPATH=. .venv/bin/python tests/test_seed_answers.py --write
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "seed-answers"
QUERIES = ROOT / "graphkit" / "resources" / "queries"

PROJECTS = ["project:impra", "project:discorsi", "project:ipocad-azione-4", "project:khouribga",
            "project:somicis", "project:none"]
DATES = ["2009-12-31", "2010-06-01", "2013-10-01", "2014-07-01", "2017-06-01", "2018-01-01",
         "2018-07-01", "2022-06-01", "2023-01-01", "2023-03-01"]
PLACES = ["country:ITA", "country:FRA", "country:ESP", "country:MAR", "country:SEN", "nuts:IT", "nuts:ITC",
          "nuts:ITC1", "nuts:ITC11", "nuts:ITI", "nuts:ITI3", "nuts:ITI35", "nuts:ITI4", "nuts:ITI43",
          "nuts:ITI45", "nuts:FR", "nuts:FRK", "nuts:FRK2", "nuts:FRK26", "nuts:FR71", "nuts:ES",
          "nuts:ES5", "nuts:ES51", "nuts:ES511", "place:khouribga", "place:lyon", "place:barcelona"]
TEXTS = ["Piemonte", "Marocco", "FRA", "ITC1", "Lazio", "Khouribga", "Lyon", "FAMI", "FEI", "ON3",
         "fami-os2", "Torino", "Fermo"]


def _registry():
    import yaml

    orgs = yaml.safe_load((ROOT / "data" / "organisations.yaml").read_text(encoding="utf-8"))
    funds = yaml.safe_load((ROOT / "data" / "funds.yaml").read_text(encoding="utf-8"))
    sources = yaml.safe_load((ROOT / "data" / "sources.yaml").read_text(encoding="utf-8"))
    return orgs, funds, sources


def parameter_sets(name: str, params: list[str]) -> list[dict[str, str]]:
    """The parameter values the fixture runs query ``name`` with (each set one run)."""
    orgs, funds, sources = _registry()
    names = sorted({n for o in orgs for n in (o["name"], o.get("acronym")) if n})
    if not params or all(p.startswith("filter_") for p in params):
        return [{}]
    (param,) = [p for p in params if not p.startswith("filter_")]
    values = {
        "network": [f"organisation:{o['id']}" for o in orgs],
        "name": names,
        "project": PROJECTS,
        "date": DATES,
        "fund": [f"fund:{f['id']}" for f in funds],
        "place": PLACES,
        "text": TEXTS,
        "source": [f"source:{s['id']}" for s in sources],
    }[param]
    return [{param: v} for v in values]


def answers(store) -> dict[str, list]:
    """Every named query's answer on ``store``: query path -> [{params, variables, rows}]."""
    from graphkit.queries import load_query

    out: dict[str, list] = {}
    for path in sorted(QUERIES.rglob("*.rq")):
        q = load_query(path)
        rel = str(path.relative_to(QUERIES))
        runs = [{"params": p} for p in parameter_sets(rel, [p.name for p in q.params])]
        out[rel] = answers_of(store, q, runs)
    return out


def fixture_answers() -> dict[str, list]:
    """The saved answers, one JSON file per query."""
    return {str(p.relative_to(FIXTURE))[:-len(".json")].replace("__", "/") + ".rq":
            json.loads(p.read_text(encoding="utf-8")) for p in sorted(FIXTURE.glob("*.json"))}


def write(store) -> None:
    """Save the answers of ``store`` as the fixture: the queries already in it, with their saved
    parameters (queries added since are tested elsewhere), or every named query when there is none."""
    from graphkit.queries import load_query

    FIXTURE.mkdir(parents=True, exist_ok=True)
    saved = fixture_answers()
    todo = ({rel: answers_of(store, load_query(QUERIES / rel), runs) for rel, runs in saved.items()}
            if saved else answers(store))
    for rel, runs in todo.items():
        name = rel[:-len(".rq")].replace("/", "__") + ".json"
        (FIXTURE / name).write_text(json.dumps(runs, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


SAVED = fixture_answers() if FIXTURE.is_dir() else {}


def test_the_fixture_covers_the_named_queries():
    assert len(SAVED) == 36
    assert sum(len(runs) for runs in SAVED.values()) > 300


@pytest.mark.parametrize("rel", sorted(SAVED))
def test_every_named_query_gives_the_seed_answers(store, rel):
    from graphkit.queries import load_query

    q = load_query(QUERIES / rel)
    now = answers_of(store, q, SAVED[rel])
    assert normalised(now) == normalised(SAVED[rel])


def normalised(runs: list) -> list:
    """The runs with the parts of every " | "-joined value (a GROUP_CONCAT, whose order the engine
    does not fix) in sorted order, and the rows sorted again."""
    def cell(t):
        if t is None or " | " not in t or not t.startswith('"'):
            return t
        end = t.rindex('"')
        return '"' + " | ".join(sorted(t[1:end].split(" | "))) + t[end:]
    out = []
    for run in runs:
        rows = sorted(([cell(t) for t in row] for row in run["rows"]), key=lambda r: [x or "" for x in r])
        out.append({**run, "rows": rows})
    return out


def answers_of(store, q, saved_runs: list) -> list:
    """The answers of query ``q`` on ``store`` with the parameters of ``saved_runs``: per run, its
    parameters, the variables and the rows as lists of N-Triples terms (None when unbound), sorted
    (rows that tie under a query's ORDER BY may come in any order)."""
    from graphkit.queries import bind

    runs = []
    for run in saved_runs:
        params = run["params"]
        result = store.select(q.text, bind(q, params) if params else {})
        rows = [[None if t is None else str(t) for t in row] for row in result.rows]
        rows.sort(key=lambda r: [x or "" for x in r])
        runs.append({"params": params, "variables": list(result.variables), "rows": rows})
    return runs


if __name__ == "__main__":
    import tempfile

    from graphkit.builder import build
    from graphkit.store import EmbeddedStore

    if "--write" not in sys.argv:
        sys.exit("usage: tests/test_seed_answers.py --write")
    with tempfile.TemporaryDirectory() as tmp:
        build(ROOT / "data", Path(tmp) / "graph", docs=False)
        write(EmbeddedStore.from_build(Path(tmp) / "graph"))
    print(f"wrote {len(list(FIXTURE.glob('*.json')))} files to {FIXTURE}")
