"""Network projections on the seed graph: nodes, links, attributes and filters, checked against
the five projects (participant lists in data/projects/*.yaml); the same answers from a remote
SPARQL server; the `graphkit network` command."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner
from conftest import start_oxigraph, stop

from graphkit.cli import main
from graphkit.network import (
    Filters,
    NetworkError,
    bipartite_network,
    membership_network,
    organisation_network,
    parse_date,
    place_network,
    project,
    resolve_filters,
)


def _edges(g) -> dict[tuple[str, str], int]:
    return {tuple(sorted((u, v))): w for u, v, w in g.edges(data="weight")}


def test_organisation_node_attributes(store):
    g = organisation_network(store)
    cop = g.nodes["organisation:cop"]
    assert (cop["label"], cop["acronym"], cop["kind"], cop["type"], cop["country"], cop["country_label"]) == (
        "Consorzio Ong Piemontesi", "COP", "organisation", "ngo-network", "ITA", "Italy")
    assert (cop["region"], cop["region_label"]) == ("ITC1", "Piemonte")
    assert "Consorzio delle Ong del Piemonte" in cop["aliases"]
    assert cop["roles"] == ["lead", "promoter"]
    assert cop["project_labels"][1:] == ["IMPRA", "D.I.S.Co.R.S.I."]
    assert (cop["start"], cop["end"]) == ("2010-01-01", "2018-05-31")
    assert {(e["project"], e["quote"]) for e in cop["evidence"]} == {
        ("project:khouribga", "promosso dal COP (Consorzio delle Ong del Piemonte)"),
        ("project:impra", "Capofila: COP"),
        ("project:discorsi", "Capofila: COP – Consorzio Ong Piemontesi"),
    }
    assert g.graph["projects"]["project:impra"]["funds"][0] == "FEI / Azione 8 / Annualità 2012"
    assert g.graph["roles"]["lead"] == "lead partner"


def test_fund_filter_includes_sub_schemes_and_roles_filter_both_sides(store):
    # FAMI: DISCORSI (lett.m call), IPOCAD (ON2), SO.MI.C.I.S. (IX Sportello call), each under FAMI.
    # Lead and partners only: DISCORSI 4 (COP, CCM, CICSENE, ENAIP), IPOCAD 8, SO.MI.C.I.S. 5 = 17,
    # links C(4,2) + C(8,2) + C(5,2) = 6 + 28 + 10 = 44
    g = organisation_network(store, resolve_filters(store, fund="FAMI", roles="lead,partner"))
    assert (g.number_of_nodes(), g.number_of_edges()) == (17, 44)
    assert set(g.graph["projects"]) == {"project:discorsi", "project:ipocad-azione-4", "project:somicis"}
    # a national objective selects only its projects: ON3 = DISCORSI and SO.MI.C.I.S.
    on3 = organisation_network(store, resolve_filters(store, fund="ON3", roles="lead,partner"))
    assert set(on3.graph["projects"]) == {"project:discorsi", "project:somicis"}
    assert on3.number_of_nodes() == 9


def test_period_filter_uses_active_period_overlap(store):
    # IMPRA ran 2013-09-30 .. 2014-06-30: June 2014 overlaps, July 2014 does not
    june = organisation_network(store, resolve_filters(store, start="2014-06", end="2014-06"))
    assert set(june.graph["projects"]) == {"project:impra"}
    assert june.number_of_nodes() == 16
    july = organisation_network(store, resolve_filters(store, start="2014-07-01", end="2016-12-31"))
    assert july.number_of_nodes() == 0
    # an open end: everything active on or after 2021 is SO.MI.C.I.S. (2022)
    assert set(organisation_network(store, Filters(start=date(2021, 1, 1))).graph["projects"]) == {"project:somicis"}


def test_place_filter_includes_places_within(store):
    # Piemonte (ITC1) holds IMPRA, DISCORSI (Piemonte, Provincia di Torino) and Khouribga ("in
    # Piemonte"); Morocco only Khouribga; France (Rhône-Alpes FR71 of NUTS 2013, Auvergne-Rhône-Alpes)
    # IMPRA and DISCORSI
    assert set(organisation_network(store, resolve_filters(store, place="Piemonte")).graph["projects"]) == {
        "project:impra", "project:discorsi", "project:khouribga"}
    assert set(organisation_network(store, resolve_filters(store, place="country:MAR")).graph["projects"]) == {
        "project:khouribga"}
    assert set(organisation_network(store, resolve_filters(store, place="country:FRA")).graph["projects"]) == {
        "project:impra", "project:discorsi"}
    # a country's Italian name (CLDR, through Babel) finds it as its English and French names do
    for name in ("Marocco", "Morocco", "Maroc", "MAR"):
        assert set(organisation_network(store, resolve_filters(store, place=name)).graph["projects"]) == {
            "project:khouribga"}, name


def test_bipartite_projection_has_one_link_per_participation(store):
    g = bipartite_network(store)
    # 73 organisations + 5 projects; 85 participations, each organisation once per project
    assert (g.number_of_nodes(), g.number_of_edges()) == (78, 85)
    assert g.degree("project:discorsi") == 39
    e = g.edges["organisation:cicsene", "project:khouribga"]
    assert (e["roles"], e["as_written"], e["evidence"][0]["quote"]) == (["lead"], ["Cicsene"], "con capofila Cicsene")
    impra = g.nodes["project:impra"]
    assert (impra["kind"], impra["bipartite"], impra["start"], impra["end"]) == ("project", 1, "2013-09-30", "2014-06-30")
    assert impra["countries"] == ["FRA", "ITA"]


def test_place_projection_as_stated_and_by_country(store):
    g = place_network(store)
    w = _edges(g)
    # IMPRA and DISCORSI both take place in Piemonte and the Provincia di Torino
    assert w[("nuts:ITC1", "nuts:ITC11")] == 2
    assert w[("nuts:ITC1", "place:khouribga")] == 1
    assert g.nodes["nuts:FR71"]["label"] == "Rhône-Alpes"
    c = place_network(store, level="country")
    # countries of action: IMPRA ITA+FRA, DISCORSI ITA+FRA+ESP, Khouribga ITA+MAR
    assert _edges(c) == {("country:FRA", "country:ITA"): 2, ("country:ESP", "country:ITA"): 1,
                         ("country:ESP", "country:FRA"): 1, ("country:ITA", "country:MAR"): 1}
    o = place_network(store, level="country", origins=True)
    # with countries of origin: IMPRA targets MAR, SEN; DISCORSI MAR, ALB, SEN, PER; Khouribga MAR
    assert _edges(o)[("country:ITA", "country:MAR")] == 3
    assert o.nodes["country:SEN"]["relations"] == ["origin"]
    assert o.nodes["country:MAR"]["relations"] == ["action", "origin"]


def test_membership_projection(store):
    g = membership_network(store)
    assert g.is_directed()
    # COP's nine member NGOs (IMPRA: CICSENE, CISV; DISCORSI: seven "Soci COP"), RESACOOP's five associates
    assert sorted(g.predecessors("organisation:cop")) == sorted(
        f"organisation:{x}" for x in ("cicsene", "cisv", "mais", "lvia", "renken", "rete", "iscos-piemonte",
                                      "engim-piemonte", "anolf-piemonte"))
    assert g.in_degree("organisation:resacoop") == 5
    assert g.edges["organisation:cosim", "organisation:resacoop"]["role"] == "associate"
    # a filter keeps memberships whose member or network takes part in a selected project: in 2017
    # COP and RESACOOP take part in DISCORSI, so all 14 stay; none of them is in IPOCAD (ON2)
    assert membership_network(store, Filters.of_year(2017)).number_of_edges() == 14
    assert membership_network(store, resolve_filters(store, fund="ON2")).number_of_edges() == 0


def test_project_entry_point_and_unknown_projection(store):
    assert project(store, "org", Filters.of_year(2017)).number_of_edges() == 796
    with pytest.raises(NetworkError, match="unknown projection"):
        project(store, "people")


def test_filters_resolve_names_and_report_what_is_unknown(store):
    f = resolve_filters(store, fund="fami-os2-on3", roles="lead, role:partner", place="ITC1", year=2017)
    assert f.as_dict() == {"fund": "fund:fami-os2-on3", "period": "2017-01-01..2017-12-31",
                           "roles": ["lead", "partner"], "place": "nuts:ITC1"}
    with pytest.raises(NetworkError, match=r"no funding scheme is called 'FEM'.*known: fami"):
        resolve_filters(store, fund="FEM")
    with pytest.raises(NetworkError, match="unknown role 'boss'"):
        resolve_filters(store, roles="lead,boss")
    with pytest.raises(NetworkError, match="no place called 'Atlantis'"):
        resolve_filters(store, place="Atlantis")
    with pytest.raises(NetworkError, match="refers to 'country:ATA'"):
        resolve_filters(store, place="country:ATA")
    with pytest.raises(NetworkError, match="a year or a period"):
        resolve_filters(store, year=2017, start="2017-01")
    with pytest.raises(NetworkError, match="ends"):
        Filters(start=date(2018, 1, 1), end=date(2017, 1, 1))
    assert parse_date("2016-02", end=True) == date(2016, 2, 29)


def test_a_hostile_filter_value_is_bound_not_pasted(store):
    with pytest.raises(NetworkError):
        resolve_filters(store, fund='x" } ; DROP ALL ; #')
    with pytest.raises(NetworkError):
        resolve_filters(store, place='Piemonte" } #')


def test_projections_are_the_same_from_a_remote_sparql_server(store, built):
    from graphkit.store.remote import RemoteStore, push

    proc, base = start_oxigraph()
    try:
        push(built / "dataset.nq", f"{base}/query", update_endpoint=f"{base}/update", batch_size=20000)
        remote = RemoteStore(f"{base}/query")
        for projection, filters in [("org", resolve_filters(store, fund="FAMI", roles="lead,partner")),
                                    ("org", Filters.of_year(2017)), ("bipartite", resolve_filters(store, place="Piemonte")),
                                    ("place", Filters()), ("membership", Filters())]:
            here, there = project(store, projection, filters), project(remote, projection, filters)
            assert sorted(here.nodes(data=True)) == sorted(there.nodes(data=True)), projection
            assert sorted(here.edges(data=True)) == sorted(there.edges(data=True)), projection
        filters = resolve_filters(store, fund="FAMI", roles="lead,partner")
        here, there = (organisation_network(s, filters, detail="weights") for s in (store, remote))
        assert list(here.nodes(data=True)) == list(there.nodes(data=True))
        assert list(here.edges(data=True)) == list(there.edges(data=True))
        assert here.number_of_edges() == 44      # as the full projection (FAMI, lead or partner)
    finally:
        stop(proc)


# ------------------------------------------------------------------ the command


def test_network_command_prints_metrics(built):
    res = CliRunner().invoke(main, ["network", "--build", str(built), "--roles", "lead,partner,promoter",
                                    "--metric", "betweenness", "--metric", "degree", "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert [r["node"] for r in rows[:2]] == ["organisation:cicsene", "organisation:cop"]
    assert rows[0]["betweenness"] == pytest.approx(13 / 253, abs=1e-6)
    assert rows[0]["degree"] == 10


def test_network_command_edges_and_csv(built):
    res = CliRunner().invoke(main, ["network", "--build", str(built), "--edges", "--year", "2014", "--format", "csv"])
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines[0] == "source,target,source_label,target_label,weight,projects,roles"
    assert len(lines) == 1 + 120          # IMPRA alone: C(16,2)


def test_network_command_exit_codes(built, tmp_path):
    assert CliRunner().invoke(main, ["network", "--build", str(built), "--fund", "nothing"]).exit_code == 2
    assert CliRunner().invoke(main, ["network", "--build", str(tmp_path)]).exit_code == 3
    assert CliRunner().invoke(main, ["network", "--build", str(built), "--metric", "pagerank"]).exit_code == 2


def test_every_network_query_has_a_header_and_is_valid_sparql_as_written(store):
    import pyoxigraph as ox

    from graphkit.network import NETWORK_QUERY_DIR
    from graphkit.queries import parse_header

    files = sorted(NETWORK_QUERY_DIR.glob("*.rq"))
    assert len(files) >= 14
    for path in files:
        q = parse_header(path.read_text(encoding="utf-8"), path.stem, path)
        assert q.summary and q.returns, path.name
        bindings = {p.name: ox.Literal("x") if p.type == "string" else ox.NamedNode("https://example.org/x")
                    for p in q.params if not p.doc.startswith("optional")}
        store.select(q.text, bindings)        # the markers are comments: the file itself runs


def test_pairs_through_the_shortcut_equal_pairs_through_participations(store):
    # without a role filter the projection counts pairs through mcn:participatesIn (two triples
    # per participation instead of eight); both queries must give the same pairs and counts
    from graphkit.network.filters import filtered_query, plain_value, select_rows

    def pairs(name, filters):
        text, binds = filtered_query(name, filters, ("role_a", "role_b"))
        return sorted((plain_value(r["a"]), plain_value(r["b"]), int(r["shared"].value)) for r in select_rows(store, name, binds, text))

    for filters in (Filters(), resolve_filters(store, fund="FAMI"), Filters.of_year(2013)):
        assert pairs("organisation-pairs-any-role", filters) == pairs("organisation-pairs", filters)
    everything = pairs("organisation-pairs-any-role", Filters())
    assert ("organisation:cicsene", "organisation:cop", 3) in everything   # Khouribga, IMPRA, DISCORSI
    assert len(everything) == organisation_network(store).number_of_edges()


def _same_weights(full, weights) -> None:
    """The weights-only projection has the full one's nodes and weighted links, in the same order."""
    assert list(weights.nodes) == list(full.nodes)
    assert list(weights.edges(data="weight")) == list(full.edges(data="weight"))
    assert all(set(d) == {"weight"} and type(d["weight"]) is int for *_, d in weights.edges(data=True))
    for n, d in weights.nodes(data=True):
        f = full.nodes[n]
        assert {k: d[k] for k in ("label", "type", "country", "region", "aliases", "roles")} == {
            k: f[k] for k in ("label", "type", "country", "region", "aliases", "roles")}, n
        assert d["projects"] == sorted(f["projects"]), n


def test_weights_only_projection_equals_the_full_one(store):
    for filters in (Filters(), resolve_filters(store, fund="FAMI", roles="lead,partner"), Filters.of_year(2013),
                    resolve_filters(store, place="Piemonte"), Filters.of_year(1990)):
        _same_weights(organisation_network(store, filters), organisation_network(store, filters, detail="weights"))
    w = organisation_network(store, detail="weights")
    assert (w.graph["detail"], w.graph["project_count"]) == ("weights", 5)
    assert w.edges["organisation:cicsene", "organisation:cop"] == {"weight": 3}
    assert w.nodes["organisation:cop"]["projects"] == ["project:discorsi", "project:impra", "project:khouribga"]
    assert w.nodes["organisation:cop"]["roles"] == ["lead", "promoter"]
    assert organisation_network(store, Filters.of_year(1990), detail="weights").number_of_nodes() == 0
    with pytest.raises(NetworkError, match="unknown detail 'edges'"):
        organisation_network(store, detail="edges")


def test_links_through_the_shortcut_equal_the_participations(store):
    # without a role filter the weights-only projection reads the organisation-project links
    # through mcn:participatesIn and the roles per organisation apart; both must give what the
    # participations give, for every filter
    from graphkit.network.filters import columns, filtered_query, plain_value, query_result

    def rows(name, filters, names):
        text, binds = filtered_query(name, filters)
        return sorted({tuple(plain_value(t) for t in row) for row in columns(query_result(store, name, binds, text), names)})

    for filters in (Filters(), resolve_filters(store, fund="FAMI"), Filters.of_year(2013),
                    resolve_filters(store, place="Piemonte"), Filters.of_year(1990)):
        parts = rows("participations", filters, ("org", "project", "role"))
        assert rows("participates-in", filters, ("org", "project")) == sorted({(o, p) for o, p, _ in parts})
        assert rows("organisation-roles", filters, ("org", "role")) == sorted({(o, r) for o, _, r in parts})
    fami = rows("participates-in", resolve_filters(store, fund="FAMI"), ("org", "project"))
    assert ("organisation:cop", "project:discorsi") in fami and ("organisation:cop", "project:impra") not in fami


def test_weights_only_projection_refuses_a_store_whose_shortcut_disagrees(store):
    import pyoxigraph as ox

    from graphkit.store import EmbeddedStore

    shortcut = ox.NamedNode("https://w3id.org/graphkit/mcn#participatesIn")
    cop = ox.NamedNode("https://w3id.org/graphkit/id/organisation/cop")
    lacking = EmbeddedStore()
    lacking.store.extend(q for q in store.store if not (q.predicate == shortcut and q.subject == cop))
    with pytest.raises(NetworkError, match="organisation:cop has a selected participation but no mcn:participatesIn"):
        organisation_network(lacking, detail="weights")
    # with a role filter the participations alone are read: the missing shortcut does not matter
    _same_weights(organisation_network(lacking, resolve_filters(lacking, roles="lead")),
                  organisation_network(lacking, resolve_filters(lacking, roles="lead"), detail="weights"))
    extra = EmbeddedStore()
    extra.store.extend(store.store)
    stray = ox.NamedNode("https://w3id.org/graphkit/id/organisation/stray")
    extra.store.add(ox.Quad(stray, shortcut, ox.NamedNode("https://w3id.org/graphkit/id/project/impra")))
    with pytest.raises(NetworkError, match="organisation:stray has an mcn:participatesIn link but no selected"):
        organisation_network(extra, detail="weights")


def test_export_weights_only(built, tmp_path):
    out = tmp_path / "org.csv"
    res = CliRunner().invoke(main, ["export", "--build", str(built), "--format", "csv", "--detail", "weights",
                                    "--out", str(out)])
    assert res.exit_code == 0, res.output
    import csv

    with (tmp_path / "org-edges.csv").open(encoding="utf-8") as fh:
        edges = {(r["source"], r["target"]): r for r in csv.DictReader(fh)}
    assert edges["organisation:cicsene", "organisation:cop"]["weight"] == "3"
    assert "projects" not in edges["organisation:cicsene", "organisation:cop"]
