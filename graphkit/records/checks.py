"""Checks across records: references resolve, vocabulary terms exist, quotes occur in their sources.

Each check returns :class:`~graphkit.records.Problem` values; nothing here raises.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Iterator

from graphkit.dates import bounds
from graphkit.records.schema import PLACE_RE, Problem, normalise_space

if TYPE_CHECKING:
    from graphkit.records.schema import Project, Records

MEMBERSHIP_ROLES = {"member", "associate"}


def place_problem(recs: Records, ref: str) -> str | None:
    """Why a place reference does not resolve, or None when it does."""
    m = PLACE_RE.match(ref)
    if not m:
        return f"{ref!r} is not a place reference (nuts:CODE, country:ISO3, comune:ISTAT or place:ID)"
    kind, key = m.groups()
    tables = recs.reference
    if kind == "nuts" and key not in tables.nuts:
        return f"unknown NUTS code {key!r} (not in the NUTS 2016 or 2021 tables; older codes go in places.yaml)"
    if kind == "country" and key not in tables.countries:
        return f"unknown country {key!r} (write its ISO 3166 alpha-3 code)"
    if kind == "comune" and key not in tables.municipalities:
        return f"unknown ISTAT municipality code {key!r}"
    if kind == "place" and key not in recs.places:
        return f"unknown place {key!r} (define it in places.yaml)"
    return None


class _Checker:
    def __init__(self, recs: Records):
        self.recs = recs
        self.problems: list[Problem] = []
        self._norm_texts = {sid: normalise_space(t) for sid, t in recs.source_texts.items()}
        # Projects whose file has problems of its own: a reference to one is not unknown.
        self.invalid_ids = {raw.get("id") for _f, _r, raw in recs.invalid_projects}

    def add(self, file: str, record: str, field: str, message: str) -> None:
        self.problems.append(Problem(file, record, field, message))

    def ref(self, registry: dict, key: str | None, what: str, file: str, record: str, field: str) -> None:
        if key is not None and key not in registry:
            self.add(file, record, field, f"unknown {what} {key!r}")

    def term(self, scheme: str, slug: str | None, file: str, record: str, field: str, *, exclude=()) -> None:
        allowed = self.recs.vocab.get(scheme, frozenset()) - set(exclude)
        if slug is not None and slug not in allowed:
            self.add(file, record, field, f"unknown {scheme} {slug!r} (allowed: {', '.join(sorted(allowed))})")

    def place(self, ref: str | None, file: str, record: str, field: str, *, country: bool = False) -> None:
        if ref is None:
            return
        why = place_problem(self.recs, ref)
        if why is None and country and not ref.startswith("country:"):
            why = f"{ref!r} is not a country (write country:ISO3)"
        if why:
            self.add(file, record, field, why)

    def quote(self, quote: str | list[str] | None, source: str | None, file: str, record: str, field: str) -> None:
        if quote is None:
            return
        if source is None:
            self.add(file, record, field.rsplit(".", 1)[0] + ".source" if "." in field else "source",
                     "the fact needs a source (the id of the document its quote comes from)")
            return
        if source not in self.recs.sources:
            self.add(file, record, field.rsplit(".", 1)[0] + ".source" if "." in field else "source",
                     f"unknown source {source!r}")
            return
        text = self._norm_texts.get(source)
        if text is None:
            return
        if isinstance(quote, str):
            if normalise_space(quote) not in text:
                self.add(file, record, field, f"quote {_shown(quote)!r} does not occur in source {source!r}")
            return
        # A quote of spans: each span occurs, after the one before it (the order of the text).
        at = 0
        for i, span in enumerate(quote):
            norm = normalise_space(span)
            found = text.find(norm, at)
            if found < 0:
                where = "does not occur in" if i == 0 or norm not in text else \
                    f"occurs only before span {i} ({_shown(quote[i - 1])!r}) in"
                self.add(file, record, f"{field}[{i}]",
                         f"quote span {i + 1} of {len(quote)} {_shown(span)!r} {where} source {source!r}")
                return
            at = found + len(norm)


def _shown(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "..."


_FIELDS: dict[type, tuple[bool, tuple[str, ...]]] = {}


def walk_quotes(obj, path: str, inherited: str | None = None) -> Iterator[tuple[str, str | list[str] | None, str | None]]:
    """Every (field path, quote, source) in a validated record, depth first; a fact without a
    ``source`` of its own takes that of the fact it is part of (a participant's contribution, the
    participant's source), else ``inherited``; a participant's quote may be a list of spans."""
    from pydantic import BaseModel

    if isinstance(obj, BaseModel):
        cls = type(obj)
        fields = _FIELDS.get(cls)
        if fields is None:   # field names, once per model class (a million projects ask)
            names = tuple(cls.model_fields)
            fields = _FIELDS[cls] = ("quote" in names, names)
        values = obj.__dict__
        source = values.get("source") or inherited
        if fields[0]:
            yield (f"{path}.quote" if path else "quote"), values["quote"], source
        for name in fields[1]:
            value = values[name]
            if isinstance(value, list):
                if value:
                    yield from walk_quotes(value, f"{path}.{name}" if path else name, source)
            elif isinstance(value, BaseModel):
                yield from walk_quotes(value, f"{path}.{name}" if path else name, source)
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            yield from walk_quotes(item, f"{path}[{i}]", inherited)


def up_of(o) -> str | None:
    """The organisation a registry entry is part of: the one it is a unit of, else its parent."""
    return getattr(o, "unit_of", None) or o.parent


def _check_same_and_different(c: _Checker, oid: str, o, f: str, r: str) -> None:
    """``same_as`` names another organisation that is no duplicate itself (no chains, no cycles);
    ``different_from`` names other organisations, and not the one the record is the same as."""
    orgs = c.recs.organisations
    if o.same_as is not None:
        if o.same_as == oid:
            c.add(f, r, "same_as", "an organisation cannot be the same as itself")
        elif o.same_as not in orgs:
            c.add(f, r, "same_as", f"unknown organisation {o.same_as!r}")
        else:
            further = orgs[o.same_as].record.same_as
            if further is not None:
                what = "a cycle" if further == oid or c.recs.canonical(further) == oid else "a chain"
                c.add(f, r, "same_as", f"organisation {o.same_as!r} is itself the same as {further!r} ({what}): "
                      f"name the organisation every duplicate stands for")
    for i, d in enumerate(o.different_from):
        field = f"different_from[{i}]"
        if d.org == oid:
            c.add(f, r, field, "an organisation cannot be different from itself")
        elif d.org not in orgs:
            c.add(f, r, field, f"unknown organisation {d.org!r}")
        elif d.org == o.same_as:
            c.add(f, r, field, f"organisation {d.org!r} is also named in same_as: the same, or different?")


def _check_organisations(c: _Checker) -> None:
    recs = c.recs
    aliases: dict[str, tuple[str, str]] = {}     # name key -> (organisation, the one it stands for)
    for oid, loc in recs.organisations.items():
        o, f, r = loc.record, loc.file, f"organisation {oid}"
        c.term("organisation-type", o.type, f, r, "type")
        c.place(o.country, f, r, "country", country=True)
        c.place(o.based_in, f, r, "based_in")
        c.ref(recs.organisations, o.parent, "organisation", f, r, "parent")
        if o.parent == oid:
            c.add(f, r, "parent", "an organisation cannot be its own parent")
        c.ref(recs.organisations, o.unit_of, "organisation", f, r, "unit_of")
        if o.unit_of == oid:
            c.add(f, r, "unit_of", "an organisation cannot be a unit of itself")
        elif o.unit_of and o.parent and o.parent != o.unit_of:
            c.add(f, r, "unit_of", f"unit_of {o.unit_of!r} and parent {o.parent!r} name different organisations: "
                  f"a unit belongs to the organisation it acts for (write unit_of alone)")
        if o.successor:
            c.ref(recs.organisations, o.successor.org, "organisation", f, r, "successor.org")
        for i, m in enumerate(o.memberships):
            c.ref(recs.organisations, m.of, "organisation", f, r, f"memberships[{i}].of")
            if m.role not in MEMBERSHIP_ROLES:
                c.add(f, r, f"memberships[{i}].role", f"unknown membership role {m.role!r} (member or associate)")
        for i, k in enumerate(o.collaborates_with):
            c.ref(recs.organisations, k.org, "organisation", f, r, f"collaborates_with[{i}].org")
        for path, quote, source in walk_quotes(o, ""):
            c.quote(quote, source, f, r, path)
        _check_same_and_different(c, oid, o, f, r)
        canon = recs.canonical(oid)      # a duplicate and the organisation it duplicates share names
        for name in [o.name, *o.aliases, *([o.acronym] if o.acronym else [])]:
            key = normalise_space(name).casefold()
            if aliases.get(key, (oid, canon))[1] != canon:
                c.add(f, r, "aliases", f"the name {name!r} also names organisation {aliases[key][0]!r}: one name, one organisation")
            aliases.setdefault(key, (oid, canon))
    # Parent chains (parent or unit_of) must end.
    for oid, loc in recs.organisations.items():
        seen, cur = {oid}, up_of(loc.record)
        while cur in recs.organisations:
            if cur in seen:
                c.add(loc.file, f"organisation {oid}", "unit_of" if loc.record.unit_of else "parent",
                      "the parent chain loops back on itself")
                break
            seen.add(cur)
            cur = up_of(recs.organisations[cur].record)


def _check_funds_places_sources(c: _Checker) -> None:
    recs = c.recs
    for fid, loc in recs.funds.items():
        fd, f, r = loc.record, loc.file, f"fund {fid}"
        c.ref(recs.funds, fd.parent, "fund", f, r, "parent")
        if fd.kind == "fund" and fd.parent is not None:
            c.add(f, r, "parent", "a fund is the top of its hierarchy and has no parent")
        if fd.kind != "fund" and fd.parent is None:
            c.add(f, r, "parent", f"a {fd.kind} must name the scheme it belongs to")
        c.quote(fd.quote, fd.source, f, r, "quote")
        seen, cur = {fid}, fd.parent
        while cur in recs.funds:
            if cur in seen:
                c.add(f, r, "parent", "the parent chain loops back on itself")
                break
            seen.add(cur)
            cur = recs.funds[cur].record.parent
    for pid, loc in recs.places.items():
        p, f, r = loc.record, loc.file, f"place {pid}"
        c.place(p.within, f, r, "within")
        c.place(p.replaced_by, f, r, "replaced_by")
        if (p.lat is None) != (p.long is None):
            c.add(f, r, "lat", "give both lat and long, or neither")
        if p.geonames is not None:
            _check_geonames(c, pid, p, f, r)
    for sid, loc in recs.sources.items():
        c.ref(recs.organisations, loc.record.publisher, "organisation", loc.file, f"source {sid}", "publisher")


GEONAMES_KINDS = {"city", "village", "department", "region", "district"}


def _check_geonames(c: _Checker, pid: str, p, f: str, r: str) -> None:
    """A places-registry entry with a GeoNames id: a kind below country level, an id the gazetteer
    knows, typed coordinates near the gazetteer's, and a ``within`` in the gazetteer's country. The
    gazetteer's place is kept in ``recs.geonames`` for the mapping (coordinates, country)."""
    from graphkit.gazetteer import check_place

    if p.kind not in GEONAMES_KINDS:
        c.add(f, r, "geonames", f"a {p.kind} has no GeoNames id here (only {', '.join(sorted(GEONAMES_KINDS))})")
        return
    place, why = check_place(p.geonames, p.lat, p.long)
    if why:
        c.add(f, r, "geonames" if place is None else "lat", why)
    if place is None:
        return
    c.recs.geonames[pid] = place
    country = c.recs.reference.countries_by_iso2.get(place.country_iso2)
    stated = _country_of_place(c.recs, p.within) if p.within else None
    if country is not None and stated is not None and stated != country.iso3:
        c.add(f, r, "within", f"{p.within!r} is not in {country.iso3}, the country GeoNames gives "
              f"{place.name} ({p.geonames})")


def _country_of_place(recs: Records, ref: str, depth: int = 0) -> str | None:
    """The ISO 3166 alpha-3 code of the country a place reference lies in, when the records say."""
    from graphkit.records.reference import country_of_nuts

    m = PLACE_RE.match(ref)
    if not m or depth > 10:
        return None
    kind, key = m.groups()
    if kind == "country":
        return key
    if kind == "comune":
        return "ITA"
    if kind == "nuts":
        country = country_of_nuts(recs.reference, key)
        return country.iso3 if country else None
    local = recs.places.get(key)
    if local is None:
        return None
    if local.record.within:
        return _country_of_place(recs, local.record.within, depth + 1)
    geo = recs.geonames.get(key)
    if geo is not None:
        country = recs.reference.countries_by_iso2.get(geo.country_iso2)
        return country.iso3 if country else None
    return None


def _check_money(c: _Checker, currency: str | None, f: str, r: str, field: str) -> None:
    if currency is not None and c.recs.reference.currencies and currency not in c.recs.reference.currencies:
        c.add(f, r, field, f"unknown currency {currency!r} (write its ISO 4217 code, e.g. EUR, MAD, XOF)")


def _check_roles_per_source(c: _Checker, p: Project, f: str, r: str) -> None:
    """Leads and promoters source by source: a plain project has exactly one lead in its own source, a
    programme at least one lead or promoter there; no source names more than one lead. Sources that
    disagree (another lead, another role) are kept, each with its source, and listed by the
    ``disagreements`` query."""
    by_source: dict[str, list] = {}
    for pa in p.participants:
        by_source.setdefault(pa.source or p.source, []).append(pa)
    own = by_source.get(p.source, [])
    leads = sum(pa.role == "lead" for pa in own)
    if p.kind == "programme":
        if not any(pa.role in ("lead", "promoter") for pa in own):
            c.add(f, r, "participants", f"a programme has at least one lead or promoter in its source "
                  f"{p.source!r}; found none")
    elif leads != 1:
        c.add(f, r, "participants", f"a project has exactly one lead in its source {p.source!r}; found {leads}"
              + (" (a programme of sub-projects with promoters and no lead says kind: programme)" if leads == 0 else ""))
    for sid in sorted(by_source):
        n = sum(pa.role == "lead" for pa in by_source[sid])
        if n > 1 and (sid != p.source or p.kind == "programme"):
            c.add(f, r, "participants", f"source {sid!r} names {n} leads; a source names at most one "
                  f"(leads that other sources name differently are kept with their source)")


def _check_project(c: _Checker, p: Project, f: str, *, part_of: bool = True) -> None:
    """The checks of one project; ``part_of=False`` leaves the reference to a larger project to the
    caller (a streaming build sees that project only later)."""
    recs, r = c.recs, f"project {p.id}"
    if (f.startswith("projects/") or "/projects/" in f) and f.endswith(".yaml") \
            and f.rsplit("/", 1)[-1] != f"{p.id}.yaml":
        c.add(f, r, "id", f"the file of project {p.id!r} must be named projects/{p.id}.yaml")
    c.ref(recs.sources, p.source, "source", f, r, "source")
    if p.part_of is not None:
        if p.part_of.project == p.id:
            c.add(f, r, "part_of", "a project cannot be part of itself")
        elif part_of and p.part_of.project not in recs.projects and p.part_of.project not in c.invalid_ids:
            c.add(f, r, "part_of", f"unknown project {p.part_of.project!r}")
    for path, quote, source in walk_quotes(p, ""):
        c.quote(quote, source or p.source, f, r, path)
    if p.title_quote:
        c.quote(p.title_quote, p.source, f, r, "title_quote")
    for i, fu in enumerate(p.funding):
        c.ref(recs.funds, fu.scheme, "fund", f, r, f"funding[{i}].scheme")
    for i, b in enumerate(p.budgets):
        _check_money(c, b.currency, f, r, f"budgets[{i}].currency")
        c.ref(recs.organisations, b.from_, "organisation", f, r, f"budgets[{i}].from")
    for i, pl in enumerate(p.places):
        c.place(pl.place, f, r, f"places[{i}].place")
    seen_parts: Counter = Counter()
    for i, pa in enumerate(p.participants):
        c.ref(recs.organisations, pa.org, "organisation", f, r, f"participants[{i}].org")
        c.ref(recs.organisations, pa.via, "organisation", f, r, f"participants[{i}].via")
        c.term("role", pa.role, f, r, f"participants[{i}].role", exclude=MEMBERSHIP_ROLES)
        if pa.contribution is not None:
            _check_money(c, pa.contribution.currency, f, r, f"participants[{i}].contribution.currency")
        key = (recs.canonical(pa.org), pa.role, pa.source or p.source)   # a duplicate is its organisation
        seen_parts[key] += 1
        if seen_parts[key] == 2:
            c.add(f, r, f"participants[{i}]", f"organisation {pa.org!r} is listed twice as {pa.role!r}"
                  + (f" by source {pa.source!r}" if pa.source and pa.source != p.source else ""))
    _check_roles_per_source(c, p, f, r)
    for i, tc in enumerate(p.target_countries):
        c.place(tc.country, f, r, f"target_countries[{i}].country", country=True)
    for i, tg in enumerate(p.target_groups):
        c.term("unit", tg.unit, f, r, f"target_groups[{i}].unit")
        c.place(tg.place, f, r, f"target_groups[{i}].place")
        for j, o in enumerate(tg.origin):
            c.place(o, f, r, f"target_groups[{i}].origin[{j}]", country=True)
    for i, t in enumerate(p.themes):
        c.term("theme", t, f, r, f"themes[{i}]")
    codes = Counter(a.code for a in p.activities)
    for i, a in enumerate(p.activities):
        if codes[a.code] > 1:
            c.add(f, r, f"activities[{i}].code", f"activity code {a.code!r} is used more than once")
        if a.parent is not None and a.parent not in codes:
            c.add(f, r, f"activities[{i}].parent", f"unknown activity {a.parent!r}")
        for j, o in enumerate(a.responsible):
            c.ref(recs.organisations, o, "organisation", f, r, f"activities[{i}].responsible[{j}]")
    for i, res in enumerate(p.results):
        for j, a in enumerate(res.activities):
            if a not in codes:
                c.add(f, r, f"results[{i}].activities[{j}]", f"unknown activity {a!r}")
    for i, ev in enumerate(p.events):
        c.place(ev.place, f, r, f"events[{i}].place")
        for j, o in enumerate(ev.organisers):
            c.ref(recs.organisations, o, "organisation", f, r, f"events[{i}].organisers[{j}]")
    d = p.dates
    for early, late in (("submitted", "approved"), ("approved", "ended"), ("started", "ended"), ("submitted", "ended")):
        a, b = getattr(d, early), getattr(d, late)
        if a and b and bounds(b.value)[1] < bounds(a.value)[0]:
            c.add(f, r, f"dates.{late}", f"{late} {b.value} is before {early} {a.value}")
    if d.period and bounds(d.period.end)[1] < bounds(d.period.start)[0]:
        c.add(f, r, "dates.period", f"period ends ({d.period.end}) before it starts ({d.period.start})")


def check_raw_project(c: _Checker, f: str, r: str, raw: dict) -> None:
    """References of a project whose form is wrong, so that every problem shows at once."""
    recs = c.recs

    def items(key):
        value = raw.get(key)
        return [(i, x) for i, x in enumerate(value) if isinstance(x, dict)] if isinstance(value, list) else []

    for i, pa in items("participants"):
        for key in ("org", "via"):
            if isinstance(pa.get(key), str):
                c.ref(recs.organisations, pa[key], "organisation", f, r, f"participants[{i}].{key}")
        if isinstance(pa.get("role"), str):
            c.term("role", pa["role"], f, r, f"participants[{i}].role", exclude=MEMBERSHIP_ROLES)
    for i, pl in items("places"):
        if isinstance(pl.get("place"), str):
            c.place(pl["place"], f, r, f"places[{i}].place")
    for i, fu in items("funding"):
        if isinstance(fu.get("scheme"), str):
            c.ref(recs.funds, fu["scheme"], "fund", f, r, f"funding[{i}].scheme")
    if isinstance(raw.get("source"), str):
        c.ref(recs.sources, raw["source"], "source", f, r, "source")


class Checker(_Checker):
    """The cross-record checks, record by record, for a build that streams its projects.

    ``registries()`` checks organisations, funds, places and sources once; ``project()`` checks
    one project against them (its reference to a larger project is checked by the caller).
    """

    def registries(self) -> None:
        """Check the organisations, funds, places and sources against each other; the problems go to
        ``problems``."""
        _check_organisations(self)
        _check_funds_places_sources(self)

    def project(self, p: Project, f: str) -> None:
        """Check project ``p``, read from file ``f``, against the registries (all but its reference to a
        larger project); the problems go to ``problems``."""
        _check_project(self, p, f, part_of=False)


def _check_part_of_chains(c: _Checker) -> None:
    """A chain of ``part_of`` (a sub-project, its programme, a larger programme) must end."""
    projects = c.recs.projects

    def up(pid: str) -> str | None:
        po = projects[pid].record.part_of
        return po.project if po is not None else None

    for pid, loc in projects.items():
        seen, cur = {pid}, up(pid)
        while cur in projects and cur != pid:
            if cur in seen:
                break
            seen.add(cur)
            cur = up(cur)
        if cur == pid and up(pid) != pid:
            c.add(loc.file, f"project {pid}", "part_of", "the part_of chain loops back to this project")


def cross_check(recs: Records) -> list[Problem]:
    """Every problem that needs more than one record to see."""
    c = _Checker(recs)
    _check_organisations(c)
    _check_funds_places_sources(c)
    for loc in recs.projects.values():
        _check_project(c, loc.record, loc.file)
    _check_part_of_chains(c)
    for f, r, raw in recs.invalid_projects:
        check_raw_project(c, f, r, raw)
    return c.problems
