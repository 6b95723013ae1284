"""Rows of imported datasets -> N-Quads in the dataset's named graph: projects, participations,
organisations, budgets, places, provenance. Written with the same term library and the same
participation and evidence quads as the records (:mod:`graphkit.rdf.mapping`); the terms are those
of ``ontology/mcn.ttl`` (see docs/external-sources.md for the column-by-column mapping)."""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Protocol

from graphkit.namespaces import (
    AMOUNT_KIND, COUNTRY, CURRENCY, GRAPH, ORGANISATION, ORGTYPE, PARTICIPATION, PLACE, PROJECT,
    SOURCE,
    dataset_graph, name_key,
)
from graphkit.rdf.mapping import Emitter
from graphkit.rdf.terms import (
    A as RDF_TYPE, ALT, BROADER, COMMENT, CONCEPT, DCT_SOURCE, DEFINITION, DERIVED, EDNOTE, GENERATED_AT, HAS_TOP,
    IN_SCHEME, LABEL, LICENSE, NOTATION, PAGE, PREF, PROV_ENTITY, RIGHTS, SCHEME, TITLE, TOP_OF, XSD_DATETIME,
    XSD_DECIMAL, XSD_GYEAR, M, O, Term, day, decimal_text, evidence_iri, iri, lit, typed, uri,
)

if TYPE_CHECKING:   # the resolver's types: annotations only
    from graphkit.resolve import Match, Resolution

class Notes(Protocol):
    """Where the mapper reports what it did not map (the importer's ``ImportReport``)."""

    def note(self, what: str, example: str = "") -> None:
        """Count one thing worth reporting, with an example."""


@dataclass(frozen=True)
class DatasetInfo:
    """Who published a dataset, under which terms, and where it was copied from."""

    name: str
    title: str
    source_url: str
    commit: str
    license: str
    rights: str
    attribution: str
    files: tuple[str, ...]


# IATI organisation type codes (EUTF/Akvo) and DAC channel codes (CRS) -> organisation types.
IATI_ORG_TYPE = {
    "10": "public-authority", "11": "public-authority", "15": "public-authority",
    "21": "ngo", "22": "ngo", "23": "ngo", "24": "ngo",
    "40": "international-organisation", "60": "civil-society-organisation",
    "70": "company", "71": "company", "72": "company", "73": "company",
    "80": "education-and-research",
}
KIND_PRIORITY = ("ngo", "eu-institution", "international-organisation", "university", "education-and-research",
                 "public-authority", "company", "civil-society-organisation")


def crs_channel_kind(code: str) -> tuple[str, bool]:
    """The organisation type a DAC channel code says, and whether it says the body is Italian
    (11000 donor government, 22000 donor-country-based NGO)."""
    c = (code or "").strip()
    if not c.isdigit():
        return "", False
    n = int(c)
    if n == 11000:
        return "public-authority", True
    if 10000 <= n < 20000:
        return "public-authority", False
    if n == 22000:
        return "ngo", True
    if 20000 <= n < 30000:
        return "ngo", False
    if 42000 <= n < 43000:
        return "eu-institution", False
    if 40000 <= n < 50000:
        return "international-organisation", False
    if 51000 <= n < 52000:
        return "education-and-research", False
    if 60000 <= n < 70000:
        return "company", False
    return "", False


class QuadWriter:
    """Writes N-Quads lines to a file as they come, never the same quad twice."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = self.path.open("w", encoding="utf-8")
        self._seen: set[str] = set()
        self.count = 0

    def add(self, s: Term, p: Term, o: Term, g: Term) -> None:
        """Write the quad unless it was written before."""
        line = f"{s} {p} {o} {g} .\n"
        if line in self._seen:
            return
        self._seen.add(line)
        self.count += 1
        self._fh.write(line)

    def close(self) -> None:
        """Close the file."""
        self._fh.close()


@dataclass
class DatasetMapper(Emitter):
    """Writes one dataset's graph; keeps track of what it has written (organisations, counts)."""

    info: DatasetInfo
    writer: QuadWriter
    resolution: Resolution
    report: Notes
    kinds: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    spellings: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    projects: set[str] = field(default_factory=set)
    participations: set[str] = field(default_factory=set)
    keys: dict[str, set[str]] = field(default_factory=dict)   # name keys written per organisation

    def __post_init__(self) -> None:
        self.graph = uri(dataset_graph(self.info.name))
        self.source = uri(SOURCE["dataset-" + self.info.name])

    def add(self, s: Term, p: Term, obj: Term) -> None:
        """Write a quad into the dataset's graph."""
        self.writer.add(s, p, obj, self.graph)

    def q(self, s: Term, p: Term, o: Term, g: Term) -> None:
        """Write a quad (the :class:`~graphkit.rdf.mapping.Emitter` primitives write through this)."""
        self.writer.add(s, p, o, g)

    # ------------------------------------------------------------------ projects

    def project(self, slug: str, title: str) -> Term:
        """The IRI of the project ``slug``: typed and linked to the dataset's source the first time, and
        given ``title`` as title and label when there is one."""
        node = uri(PROJECT[slug])
        if slug not in self.projects:
            self.projects.add(slug)
            self.add(node, RDF_TYPE, M.Project)
            self.add(node, DERIVED, self.source)
        if title:
            self.add(node, TITLE, lit(title))
            self.add(node, LABEL, lit(title))
        return node

    def budget(self, project_slug: str, project: Term, amount: Decimal, currency: str, kind: str,
               year: int | None = None) -> None:
        """A budget node of ``project``: ``amount`` in ``currency`` of ``kind`` (commitment, disbursement,
        budget), with its year when given and a readable label."""
        node = uri(PROJECT[f"{project_slug}/budget/{kind}-{currency.lower()}"])
        self.add(project, M.hasBudget, node)
        self.add(node, RDF_TYPE, M.Budget)
        self.add(node, M.amount, typed(decimal_text(amount), XSD_DECIMAL))
        self.add(node, M.currency, uri(CURRENCY[currency]))
        self.add(node, M.amountKind, uri(AMOUNT_KIND[kind]))
        if year is not None:
            self.add(node, M.budgetYear, typed(str(year), XSD_GYEAR))
        self.add(node, LABEL, lit(f"{kind} {decimal_text(amount)} {currency}" + (f" ({year})" if year else "")))

    def dates(self, project: Term, stated: dict[str, date | None], active: tuple[date | None, date | None]):
        """The dates of ``project``: each stated date under its property (``stated``: property name ->
        day or None), and the active period ``active`` as ``mcn:activeFrom`` / ``mcn:activeUntil``.

        An end before the start gives no active period; the project is noted in the report instead.
        """
        for prop, value in stated.items():
            if value is not None:
                self.add(project, M[prop], day(value))
        start, end = active
        if start is not None and end is not None and end < start:
            self.report.note("projects whose end is before their start (no active period derived)",
                             project[1:-1].rsplit("/", 1)[-1])
            return
        if start is not None:
            self.add(project, M.activeFrom, day(start))
        if end is not None:
            self.add(project, M.activeUntil, day(end))

    # ------------------------------------------------------------------ participations

    def participations_from_cell(self, project_slug: str, project: Term, column: str, cell: str,
                                 names: Iterable[str], role: str, kind: str = "") -> int:
        """One participation per organisation the cell names (a name listed twice counts once)."""
        made = 0
        ev = None
        for name in names:
            match = self.resolution.resolve(name)
            if match.org is None:
                self.report.note(f"cells in {column} that name no organisation (placeholders)", name)
                continue
            if ev is None:
                ev = evidence_iri(project_slug, column, cell)
                self.evidence_node(self.graph, ev, lit(" ".join(cell.split())), self.source)
                self.add(ev, COMMENT, lit(f"column {column}"))
            made += self._participation(project_slug, project, match, name, role, ev)
            if kind:
                self.kinds[match.org][kind] += 1
            self.spellings[match.org][name] += 1
        return made

    def _participation(self, project_slug: str, project: Term, match: Match, name: str, role: str,
                       ev: Term) -> int:
        pid = f"{project_slug}--{match.org}--{role}"
        self._name_key(match.org, name)
        if pid in self.participations:
            self.add(f"<{PARTICIPATION}{pid}>", M.nameAsWritten, lit(name))
            return 0
        self.participations.add(pid)
        node, _org = self.participation(self.graph, project, project_slug, match.org, role, name,
                                        f"{self.resolution.entities[match.org].label} – {role} – {project_slug}",
                                        self.source)
        self.add(node, M.hasEvidence, ev)
        self.add(node, M.matchConfidence, typed(f"{match.confidence:.2f}", XSD_DECIMAL))
        self.add(node, M.matchMethod, lit(match.method))
        return 1

    def _name_key(self, slug: str, name: str) -> None:
        """The organisation's look-up key of ``name`` (decision 0013), once per dataset."""
        key = name_key(name)
        if key not in self.keys.setdefault(slug, set()):
            self.keys[slug].add(key)
            self.add(uri(ORGANISATION[slug]), M.nameKey, lit(key))

    # ------------------------------------------------------------------ organisations

    def organisations(self, seed_labels: set[str]) -> tuple[int, int]:
        """Describe the non-seed organisations this dataset names; return (seed, other) counts."""
        seeds = others = 0
        for slug in sorted(self.spellings):
            e = self.resolution.entities[slug]
            if e.seed:
                seeds += 1
                continue
            others += 1
            node = uri(ORGANISATION[slug])
            label = e.label
            if label.casefold() in seed_labels:
                # the same words name a seed organisation this one is not: keep names apart
                label = f"{label} ({self.info.name})"
            self.add(node, RDF_TYPE, O.Organization)
            self.add(node, PREF, lit(label))
            self.add(node, LABEL, lit(label))
            seen = {label.casefold()}
            for spelling, _ in sorted(self.spellings[slug].items()):
                if spelling.casefold() not in seen and spelling.casefold() not in seed_labels:
                    seen.add(spelling.casefold())
                    self.add(node, ALT, lit(spelling))
                    self._name_key(slug, spelling)
            self._name_key(slug, label)
            kinds = self.kinds.get(slug)
            if kinds:
                kind = sorted(kinds, key=lambda k: (-kinds[k], KIND_PRIORITY.index(k) if k in KIND_PRIORITY else 99))[0]
                self.add(node, O.classification, uri(ORGTYPE[kind]))
            if e.country:
                self.add(node, M.country, uri(COUNTRY[e.country]))
            unit_of = next((mt.unit_of for k, mt in self.resolution.matches.items()
                            if mt.org == slug and mt.unit_of), None)
            if unit_of:
                self.add(node, RDF_TYPE, O.OrganizationalUnit)
                self.add(node, O.subOrganizationOf, uri(ORGANISATION[unit_of]))
            if len(e.names) > 1:
                self.add(node, EDNOTE, lit(
                    f"One organisation resolved from {len(e.names)} spellings across the external datasets "
                    "(graphkit entity resolution; see docs/external-sources.md)."))
        return seeds, others

    # ------------------------------------------------------------------ provenance

    def provenance(self, files: list[dict[str, Any]], generated: datetime | None = None) -> None:
        """Describe the dataset's source document (title, page, licence, rights, attribution, file names)
        and its named graph (derived from the source, generated at ``generated``, default now, with the
        files' SHA-256 digests and the commit they were copied from)."""
        info = self.info
        src = self.source
        self.add(src, RDF_TYPE, M.SourceDocument)
        self.add(src, TITLE, lit(info.title, "en"))
        self.add(src, LABEL, lit(info.title, "en"))
        self.add(src, PAGE, iri(info.source_url))
        self.add(src, DCT_SOURCE, iri(info.source_url))
        self.add(src, LICENSE, iri(info.license))
        self.add(src, RIGHTS, lit(info.rights, "en"))
        self.add(src, COMMENT, lit(info.attribution, "en"))
        for f in files:
            self.add(src, M.fileName, lit(f["name"]))
        g = self.graph
        self.add(g, RDF_TYPE, PROV_ENTITY)
        self.add(g, LABEL, lit(f"What the {info.title} states (imported by graphkit)", "en"))
        self.add(g, DERIVED, src)
        self.add(g, DCT_SOURCE, iri(info.source_url))
        self.add(g, LICENSE, iri(info.license))
        self.add(g, RIGHTS, lit(info.rights, "en"))
        when = (generated or datetime.now(timezone.utc)).replace(microsecond=0)
        self.add(g, GENERATED_AT, typed(when.isoformat(), XSD_DATETIME))
        self.add(g, COMMENT, lit(
            f"Imported from {', '.join(f['name'] + ' (sha256 ' + f['sha256'][:12] + '…)' for f in files)}; "
            f"copied from {info.source_url} at commit {info.commit}.", "en"))

    # ------------------------------------------------------------------ vocabularies of the dataset

    def scheme(self, scheme_iri: str, title: str, definition: str, concepts: Iterable[tuple[str, str, str | None]],
               source_url: str) -> None:
        """A SKOS scheme generated from a dataset's code list: (code, label, parent code) triples."""
        s = iri(scheme_iri)
        self.add(s, RDF_TYPE, SCHEME)
        self.add(s, PREF, lit(title, "en"))
        self.add(s, TITLE, lit(title, "en"))
        self.add(s, DEFINITION, lit(definition, "en"))
        self.add(s, DCT_SOURCE, iri(source_url))
        items = list(concepts)
        codes = {c for c, _, _ in items}
        for code, label, parent in items:
            c = iri(f"{scheme_iri}/{code}")
            self.add(c, RDF_TYPE, CONCEPT)
            self.add(c, IN_SCHEME, s)
            self.add(c, NOTATION, lit(code))
            self.add(c, PREF, lit(label, "en"))
            if parent and parent in codes and parent != code:
                self.add(c, BROADER, iri(f"{scheme_iri}/{parent}"))
            else:
                self.add(c, TOP_OF, s)
                self.add(s, HAS_TOP, c)

    def region(self, slug: str, label: str) -> Term:
        """The IRI of the local place ``slug`` (a region that is no country, such as a DAC recipient
        region), typed ``mcn:Place`` and labelled ``label``."""
        node = uri(PLACE[slug])
        self.add(node, RDF_TYPE, M.Place)
        self.add(node, PREF, lit(label))
        self.add(node, LABEL, lit(label))
        return node


def country_iri(iso3: str) -> Term:
    """The IRI of the country with ISO 3166 alpha-3 code ``iso3``."""
    return uri(COUNTRY[iso3])


def slug_with_hash(prefix: str, identifier: str) -> str:
    """A stable, lower-case slug for a dataset identifier; identifiers that are not upper-case codes
    get a short hash so that two identifiers differing only in case never share a slug."""
    base = re.sub(r"[^a-z0-9]+", "-", identifier.lower()).strip("-") or "x"
    if identifier != identifier.upper() or not re.fullmatch(r"[A-Z0-9]+(-[A-Z0-9]+)*", identifier):
        base = f"{base[:50].strip('-')}-{hashlib.sha1(identifier.encode('utf-8')).hexdigest()[:6]}"
    return f"{prefix}-{base}"


GRAPH_PREFIX = str(GRAPH)
