"""Validated records -> an RDF dataset: one named graph per source document, plus the registry,
the reference tables and the ontology.

The mapping is documented term by term in ``ontology/README.md``; instance IRIs follow the
policy there (``https://w3id.org/graphkit/id/{kind}/{slug}``).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

from graphkit import dates
from graphkit.namespaces import (
    CHANGE, COUNTRY, EVIDENCE, FUND, GEO, MCN, MEMBERSHIP, NUTS, ONTOLOGY_GRAPH, ORG,
    ORGANISATION, ORGTYPE, PARTICIPATION, PLACE, PROJECT, REFERENCE_GRAPH, REGISTRY_GRAPH,
    ROLE, SOURCE, THEME, UNIT, bind_prefixes, name_key, source_graph,
)
from graphkit.records import PLACE_RE, Records
from graphkit.reference import country_of_nuts

FUND_CLASS = {
    "fund": MCN.Fund,
    "specific-objective": MCN.FundSpecificObjective,
    "national-objective": MCN.NationalObjective,
    "action": MCN.FundingAction,
    "call": MCN.Call,
}
RESULT_CLASS = {"expected-result": MCN.ExpectedResult, "output": MCN.Output}
OBJECTIVE_CLASS = {"general": MCN.GeneralObjective, "specific": MCN.SpecificObjective}
DATE_PROPERTY = {
    "submitted": MCN.submissionDate,
    "approved": MCN.approvalDate,
    "started": MCN.startDate,
    "ended": MCN.endDate,
    "about": MCN.approximateDate,
}


def slugify(text: str) -> str:
    """A lower-case IRI-safe slug: ``WP 1 task 2`` -> ``wp-1-task-2``, ``1.1`` -> ``1-1``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


class _Mapper:
    def __init__(self, recs: Records, ds: Dataset):
        self.recs = recs
        self.ds = ds
        self.municipalities: set[str] = set()

    # ------------------------------------------------------------ helpers

    def place(self, ref: str) -> URIRef:
        kind, key = PLACE_RE.match(ref).groups()
        if kind == "nuts":
            return NUTS[key]
        if kind == "country":
            return COUNTRY[key]
        if kind == "comune":
            self.municipalities.add(key)
            return PLACE["comune-" + key]
        local = self.recs.places[key].record
        return NUTS[local.nuts_code] if local.nuts_code else PLACE[key]

    def lang(self, source_id: str) -> str:
        return self.recs.sources[source_id].record.language

    def evidence(self, g: Graph, subject: URIRef, quote: str, source_id: str,
                 prop: URIRef | None = None, value=None) -> URIRef:
        key = "\x1f".join(str(x) for x in (subject, prop, value, quote, source_id))
        ev = EVIDENCE[hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]]
        g.add((ev, RDF.type, MCN.Evidence))
        g.add((ev, MCN.quote, Literal(" ".join(quote.split()), lang=self.lang(source_id))))
        g.add((ev, PROV.wasDerivedFrom, SOURCE[source_id]))
        if prop is not None:
            g.add((ev, MCN.forProperty, prop))
        if value is not None:
            g.add((ev, MCN.forValue, value))
        g.add((subject, MCN.hasEvidence, ev))
        return ev

    def fact(self, g: Graph, s: URIRef, p: URIRef, o, quote: str | None, source_id: str) -> None:
        """A triple with its evidence."""
        g.add((s, p, o))
        if quote:
            self.evidence(g, s, quote, source_id, p, o)

    def graph_for(self, source_id: str | None) -> Graph:
        return self.ds.graph(source_graph(source_id) if source_id else REGISTRY_GRAPH)

    # ------------------------------------------------------------ registry

    def sources(self) -> None:
        for sid, loc in self.recs.sources.items():
            s = loc.record
            g = self.graph_for(sid)
            node = SOURCE[sid]
            g.add((node, RDF.type, MCN.SourceDocument))
            g.add((node, DCTERMS.title, Literal(s.title, lang=s.language)))
            g.add((node, RDFS.label, Literal(s.title, lang=s.language)))
            g.add((node, DCTERMS.language, Literal(s.language)))
            g.add((node, MCN.fileName, Literal(Path(s.file).name)))
            if s.publisher:
                g.add((node, DCTERMS.publisher, ORGANISATION[s.publisher]))
            if s.url:
                g.add((node, FOAF.page, URIRef(s.url)))
            if s.note:
                g.add((node, RDFS.comment, Literal(s.note)))

    def organisations(self) -> None:
        reg = self.ds.graph(REGISTRY_GRAPH)
        for oid, loc in self.recs.organisations.items():
            o = loc.record
            node = ORGANISATION[oid]
            reg.add((node, RDF.type, ORG.Organization))
            if o.parent:
                reg.add((node, RDF.type, ORG.OrganizationalUnit))
                reg.add((node, ORG.subOrganizationOf, ORGANISATION[o.parent]))
            reg.add((node, SKOS.prefLabel, Literal(o.name)))
            reg.add((node, RDFS.label, Literal(o.name)))
            if o.acronym:
                reg.add((node, MCN.acronym, Literal(o.acronym)))
            for alias in o.aliases:
                reg.add((node, SKOS.altLabel, Literal(alias)))
            for key in sorted({name_key(n) for n in (o.name, o.acronym, *o.aliases) if n}):
                reg.add((node, MCN.nameKey, Literal(key)))
            reg.add((node, ORG.classification, ORGTYPE[o.type]))
            reg.add((node, MCN.country, self.place(o.country)))
            if o.based_in:
                reg.add((node, MCN.basedIn, self.place(o.based_in)))
            if o.homepage:
                reg.add((node, FOAF.homepage, URIRef(o.homepage)))
            if o.note:
                reg.add((node, SKOS.editorialNote, Literal(o.note)))
            if o.successor:
                sc = o.successor
                g = self.graph_for(sc.source if sc.quote else None)
                new = ORGANISATION[sc.org]
                change = CHANGE[f"{oid}--{sc.org}"]
                g.add((node, MCN.successor, new))
                g.add((change, RDF.type, ORG.ChangeEvent))
                g.add((change, ORG.originalOrganization, node))
                g.add((change, ORG.resultingOrganization, new))
                g.add((new, ORG.resultedFrom, change))
                g.add((node, ORG.changedBy, change))
                if sc.date:
                    g.add((change, DCTERMS.date, dates.literal(sc.date)))
                if sc.note:
                    g.add((change, RDFS.comment, Literal(sc.note)))
                if sc.quote:
                    self.evidence(g, change, sc.quote, sc.source)
            for m in o.memberships:
                g = self.graph_for(m.source)
                ms = MEMBERSHIP[f"{oid}--{m.of}"]
                g.add((ms, RDF.type, ORG.Membership))
                g.add((ms, ORG.member, node))
                g.add((ms, ORG.organization, ORGANISATION[m.of]))
                g.add((ms, ORG.role, ROLE[m.role]))
                g.add((node, ORG.memberOf, ORGANISATION[m.of]))
                self.evidence(g, ms, m.quote, m.source)
            for i, mc in enumerate(o.member_counts, start=1):
                g = self.graph_for(mc.source)
                cnode = ORGANISATION[f"{oid}/member-count/{i}"]
                g.add((node, MCN.hasMemberCount, cnode))
                g.add((cnode, RDF.type, MCN.MemberCount))
                g.add((cnode, MCN["count"], Literal(mc.count, datatype=XSD.integer)))
                if mc.unit:
                    g.add((cnode, MCN.unitLabel, Literal(mc.unit, lang=self.lang(mc.source))))
                self.evidence(g, cnode, mc.quote, mc.source)
            for k in o.collaborates_with:
                g = self.graph_for(k.source)
                self.fact(g, node, MCN.collaboratesWith, ORGANISATION[k.org], k.quote, k.source)

    def funds(self) -> None:
        reg = self.ds.graph(REGISTRY_GRAPH)
        for fid, loc in self.recs.funds.items():
            fd = loc.record
            node = FUND[fid]
            reg.add((node, RDF.type, FUND_CLASS[fd.kind]))
            reg.add((node, SKOS.prefLabel, Literal(fd.name)))
            reg.add((node, RDFS.label, Literal(fd.name)))
            if fd.acronym:
                reg.add((node, MCN.acronym, Literal(fd.acronym)))
            if fd.code:
                reg.add((node, SKOS.notation, Literal(fd.code)))
            for alias in fd.aliases:
                reg.add((node, SKOS.altLabel, Literal(alias)))
            if fd.parent:
                reg.add((node, MCN.partOfScheme, FUND[fd.parent]))
            if fd.period and fd.period.start:
                reg.add((node, MCN.periodStart, dates.literal(fd.period.start)))
            if fd.period and fd.period.end:
                reg.add((node, MCN.periodEnd, dates.literal(fd.period.end)))
            if fd.note:
                reg.add((node, SKOS.editorialNote, Literal(fd.note)))
            if fd.quote:
                self.evidence(self.graph_for(fd.source), node, fd.quote, fd.source)

    def local_places(self) -> None:
        reg = self.ds.graph(REGISTRY_GRAPH)
        for pid, loc in self.recs.places.items():
            p = loc.record
            node = self.place("place:" + pid)
            cls = {"city": MCN.City, "nuts-2013-region": MCN.NUTSRegion}.get(p.kind, MCN.Place)
            reg.add((node, RDF.type, cls))
            reg.add((node, SKOS.prefLabel, Literal(p.name)))
            reg.add((node, RDFS.label, Literal(p.name)))
            for alias in p.aliases:
                reg.add((node, SKOS.altLabel, Literal(alias)))
            if p.nuts_code:
                reg.add((node, SKOS.notation, Literal(p.nuts_code)))
                reg.add((node, MCN.nutsLevel, Literal(len(p.nuts_code) - 2, datatype=XSD.integer)))
                if p.kind == "nuts-2013-region":
                    reg.add((node, MCN.nutsVersion, Literal("2013")))
            if p.lat is not None:
                reg.add((node, GEO.lat, Literal(p.lat, datatype=XSD.decimal)))
                reg.add((node, GEO.long, Literal(p.long, datatype=XSD.decimal)))
            if p.within:
                reg.add((node, MCN.within, self.place(p.within)))
            if p.replaced_by:
                reg.add((node, MCN.replacedBy, self.place(p.replaced_by)))
            if p.note:
                reg.add((node, SKOS.editorialNote, Literal(p.note)))

    # ------------------------------------------------------------ projects

    def project(self, p) -> None:
        sid = p.source
        g = self.graph_for(sid)
        lang = self.lang(sid)
        P = PROJECT[p.id]
        g.add((P, RDF.type, MCN.Project))
        g.add((P, PROV.wasDerivedFrom, SOURCE[sid]))
        self.fact(g, P, DCTERMS.title, Literal(p.title, lang=lang), p.title_quote, sid)
        g.add((P, RDFS.label, Literal(p.acronym or p.title)))
        if p.acronym:
            g.add((P, MCN.acronym, Literal(p.acronym)))
        if p.part_of:
            g.add((P, MCN.partOfProject, PROJECT[p.part_of]))
        if p.note:
            g.add((P, SKOS.editorialNote, Literal(p.note)))
        for ident in p.identifiers:
            prop = MCN.cup if ident.scheme == "cup" else MCN.projectNumber
            self.fact(g, P, prop, Literal(ident.value), ident.quote, ident.source or sid)
        for fu in p.funding:
            self.fact(g, P, MCN.fundedUnder, FUND[fu.scheme], fu.quote, fu.source or sid)
        self.project_dates(g, P, p)
        for pl in p.places:
            self.fact(g, P, MCN.takesPlaceIn, self.place(pl.place), pl.quote, pl.source or sid)
        for tc in p.target_countries:
            self.fact(g, P, MCN.targetsOriginCountry, self.place(tc.country), tc.quote, tc.source or sid)
        for t in p.themes:
            g.add((P, MCN.theme, THEME[t]))
        for c in p.contacts:
            self.fact(g, P, MCN.contactEmail, Literal(c.email), c.quote, c.source or sid)
        self.participants(g, P, p)
        self.project_parts(g, P, p, lang)

    def project_dates(self, g: Graph, P: URIRef, p) -> None:
        sid, d = p.source, p.dates
        for key, prop in DATE_PROPERTY.items():
            fact = getattr(d, key)
            if fact:
                self.fact(g, P, prop, dates.literal(fact.value), fact.quote, fact.source or sid)
        if d.period:
            self.fact(g, P, MCN.periodStart, dates.literal(d.period.start), d.period.quote, d.period.source or sid)
            self.fact(g, P, MCN.periodEnd, dates.literal(d.period.end), d.period.quote, d.period.source or sid)
        if d.duration:
            prop = MCN.plannedDuration if d.duration.planned else MCN.duration
            value = Literal(f"P{d.duration.months}M", datatype=XSD.duration)
            self.fact(g, P, prop, value, d.duration.quote, d.duration.source or sid)
        active_from, active_until = active_bounds(d)
        if active_from:
            g.add((P, MCN.activeFrom, Literal(active_from.isoformat(), datatype=XSD.date)))
        if active_until:
            g.add((P, MCN.activeUntil, Literal(active_until.isoformat(), datatype=XSD.date)))

    def participants(self, g: Graph, P: URIRef, p) -> None:
        sid = p.source
        title = p.acronym or p.id
        for pa in p.participants:
            node = PARTICIPATION[f"{p.id}--{pa.org}--{pa.role}"]
            org = ORGANISATION[pa.org]
            g.add((node, RDF.type, MCN.Participation))
            g.add((node, MCN.inProject, P))
            g.add((P, MCN.hasParticipation, node))
            g.add((node, MCN.participant, org))
            g.add((org, MCN.participatesIn, P))
            g.add((node, MCN.role, ROLE[pa.role]))
            g.add((node, MCN.nameAsWritten, Literal(pa.as_written)))
            self.ds.graph(REGISTRY_GRAPH).add((org, MCN.nameKey, Literal(name_key(pa.as_written))))
            name = self.recs.organisations[pa.org].record.name
            g.add((node, RDFS.label, Literal(f"{name} – {pa.role} – {title}")))
            g.add((node, PROV.wasDerivedFrom, SOURCE[pa.source or sid]))
            if pa.group:
                g.add((node, MCN.roleGroup, Literal(pa.group, lang=self.lang(sid))))
            if pa.via:
                g.add((node, MCN.via, ORGANISATION[pa.via]))
            if pa.note:
                g.add((node, SKOS.editorialNote, Literal(pa.note)))
            self.evidence(g, node, pa.quote, pa.source or sid)

    def project_parts(self, g: Graph, P: URIRef, p, lang: str) -> None:
        sid = p.source
        base = f"{p.id}/"
        for i, tg in enumerate(p.target_groups, start=1):
            n = PROJECT[f"{base}target-group/{i}"]
            g.add((P, MCN.hasTargetGroup, n))
            g.add((n, RDF.type, MCN.TargetGroup))
            g.add((n, RDFS.label, Literal(tg.label, lang=lang)))
            c = tg.count
            if c is not None:
                if c.exact is not None:
                    g.add((n, MCN["count"], Literal(c.exact, datatype=XSD.integer)))
                if c.approx is not None:
                    g.add((n, MCN["count"], Literal(c.approx, datatype=XSD.integer)))
                    g.add((n, MCN.approximate, Literal(True)))
                if c.min is not None:
                    g.add((n, MCN.countMin, Literal(c.min, datatype=XSD.integer)))
                    g.add((n, MCN.countMax, Literal(c.max, datatype=XSD.integer)))
                if c.share is not None:
                    g.add((n, MCN.share, Literal(f"{c.share:g}", datatype=XSD.decimal)))
                    g.add((n, MCN.shareOf, Literal(c.of, datatype=XSD.integer)))
            if tg.unit:
                g.add((n, MCN.unit, UNIT[tg.unit]))
            if tg.place:
                g.add((n, MCN.place, self.place(tg.place)))
            for o in tg.origin:
                g.add((n, MCN.originCountry, self.place(o)))
            if tg.note:
                g.add((n, SKOS.editorialNote, Literal(tg.note)))
            self.evidence(g, n, tg.quote, tg.source or sid)
        for i, ob in enumerate(p.objectives, start=1):
            n = PROJECT[f"{base}objective/{i}"]
            g.add((P, MCN.hasObjective, n))
            g.add((n, RDF.type, OBJECTIVE_CLASS[ob.level]))
            g.add((n, DCTERMS.description, Literal(ob.text, lang=lang)))
            if ob.code:
                g.add((n, SKOS.notation, Literal(ob.code)))
            self.evidence(g, n, ob.quote, ob.source or sid)
        activity = {a.code: PROJECT[f"{base}activity/{slugify(a.code)}"] for a in p.activities}
        for a in p.activities:
            n = activity[a.code]
            g.add((P, MCN.hasActivity, n))
            g.add((n, RDF.type, MCN.ProjectActivity))
            g.add((n, SKOS.notation, Literal(a.code)))
            g.add((n, DCTERMS.title, Literal(a.title, lang=lang)))
            if a.parent:
                g.add((n, MCN.partOfActivity, activity[a.parent]))
            for o in a.responsible:
                g.add((n, MCN.responsibleOrganisation, ORGANISATION[o]))
            if a.note:
                g.add((n, SKOS.editorialNote, Literal(a.note)))
            self.evidence(g, n, a.quote, a.source or sid)
        for i, r in enumerate(p.results, start=1):
            n = PROJECT[f"{base}result/{i}"]
            g.add((P, MCN.hasResult, n))
            g.add((n, RDF.type, RESULT_CLASS[r.kind]))
            g.add((n, DCTERMS.description, Literal(r.text, lang=lang)))
            if r.code:
                g.add((n, SKOS.notation, Literal(r.code)))
            if r.count is not None:
                g.add((n, MCN["count"], Literal(r.count, datatype=XSD.integer)))
            if r.unit:
                g.add((n, MCN.unitLabel, Literal(r.unit)))
            for a in r.activities:
                g.add((n, MCN.fromActivity, activity[a]))
            self.evidence(g, n, r.quote, r.source or sid)
        for i, ev in enumerate(p.events, start=1):
            n = PROJECT[f"{base}event/{i}"]
            g.add((P, MCN.hasEvent, n))
            g.add((n, RDF.type, MCN.Event))
            g.add((n, DCTERMS.title, Literal(ev.title, lang=lang)))
            g.add((n, MCN.eventKind, Literal(ev.kind)))
            if ev.date:
                g.add((n, DCTERMS.date, dates.literal(ev.date)))
            if ev.place:
                g.add((n, MCN.takesPlaceIn, self.place(ev.place)))
            for o in ev.organisers:
                g.add((n, MCN.organisedBy, ORGANISATION[o]))
            if ev.note:
                g.add((n, SKOS.editorialNote, Literal(ev.note)))
            self.evidence(g, n, ev.quote, ev.source or sid)
        for i, pub in enumerate(p.publications, start=1):
            n = PROJECT[f"{base}publication/{i}"]
            g.add((P, MCN.hasPublication, n))
            g.add((n, RDF.type, MCN.Publication))
            g.add((n, DCTERMS.title, Literal(pub.title)))
            g.add((n, MCN.publicationKind, Literal(pub.kind)))
            if pub.url:
                g.add((n, FOAF.page, URIRef(pub.url)))
            self.evidence(g, n, pub.quote, pub.source or sid)

    # ------------------------------------------------------------ reference tables

    def reference(self, all_regions: bool = True) -> None:
        ref = self.ds.graph(REFERENCE_GRAPH)
        tables = self.recs.reference
        for code, region in tables.nuts.items():
            node = NUTS[code]
            ref.add((node, RDF.type, MCN.NUTSRegion))
            ref.add((node, SKOS.notation, Literal(code)))
            ref.add((node, SKOS.prefLabel, Literal(region.name)))
            ref.add((node, RDFS.label, Literal(region.name)))
            ref.add((node, MCN.nutsLevel, Literal(region.level, datatype=XSD.integer)))
            for v in sorted(region.versions):
                ref.add((node, MCN.nutsVersion, Literal(v)))
            if region.parent_code and region.parent_code in tables.nuts:
                ref.add((node, MCN.within, NUTS[region.parent_code]))
            elif region.level == 0:
                country = country_of_nuts(tables, code)
                if country:
                    ref.add((node, MCN.within, COUNTRY[country.iso3]))
        for iso3, country in tables.countries.items():
            node = COUNTRY[iso3]
            ref.add((node, RDF.type, MCN.Country))
            ref.add((node, SKOS.notation, Literal(iso3)))
            ref.add((node, MCN.iso2, Literal(country.iso2)))
            for lang, name in country.names.items():
                ref.add((node, SKOS.prefLabel, Literal(name, lang=lang)))
            if "en" in country.names:
                ref.add((node, RDFS.label, Literal(country.names["en"])))
        for code in sorted(self.municipalities):
            m = tables.municipalities[code]
            node = PLACE["comune-" + code]
            ref.add((node, RDF.type, MCN.Municipality))
            ref.add((node, SKOS.notation, Literal(code)))
            ref.add((node, SKOS.prefLabel, Literal(m.name)))
            ref.add((node, RDFS.label, Literal(m.name)))
            ref.add((node, MCN.within, NUTS[m.nuts3]))


def active_bounds(d) -> tuple:
    """The earliest day a project can have started and the latest it can have ended.

    Taken from the start and end dates when stated; else the start plus the (planned) duration;
    else the period of execution; else the approximate year the source gives.
    """
    start = end = None
    if d.started:
        start = dates.bounds(d.started.value)[0]
    elif d.period:
        start = dates.bounds(d.period.start)[0]
    elif d.about:
        start = dates.bounds(d.about.value)[0]
    if d.ended:
        end = dates.bounds(d.ended.value)[1]
    elif d.started and d.duration:
        end = dates.add_months(dates.bounds(d.started.value)[1], d.duration.months)
    elif d.period:
        end = dates.bounds(d.period.end)[1]
    elif d.about:
        end = dates.bounds(d.about.value)[1]
    return start, end


def ontology_files(ontology_dir: Path) -> list[Path]:
    """The ontology, its vocabularies and its alignments (not the shapes)."""
    files = [ontology_dir / "mcn.ttl", *sorted((ontology_dir / "vocabularies").glob("*.ttl"))]
    align = ontology_dir / "alignments.ttl"
    return files + ([align] if align.exists() else [])


def records_to_dataset(recs: Records, ontology_dir: Path) -> Dataset:
    """Turn validated records into an RDF dataset with one named graph per source document."""
    ds = Dataset()
    bind_prefixes(ds)
    onto = ds.graph(ONTOLOGY_GRAPH)
    for path in ontology_files(ontology_dir):
        onto.parse(path, format="turtle")
    m = _Mapper(recs, ds)
    m.sources()
    m.organisations()
    m.funds()
    m.local_places()
    for loc in recs.projects.values():
        m.project(loc.record)
    m.reference()
    return ds

