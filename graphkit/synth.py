"""Synthetic records for scale runs: N projects of a realistic shape, deterministic by seed.

:func:`synthesize` writes a data folder that the build accepts on its own or beside the curated
records (``graphkit build --data data --add-data DIR``), either in the bulk format (JSON Lines,
``docs/decisions/0012-bulk-records-are-json-lines-built-by-streaming.md``) or as YAML files like ``data/``.

The shape, chosen to look like a national register of migration-cooperation projects:

- organisations: about 3 per 10 projects; how often each takes part follows a power law
  (Zipf, exponent 1 over the popularity rank), so a few hubs (``ngo-network`` consortia, the
  synthetic counterparts of COP) are in a large share of projects and most organisations in one
  or two; types, countries (two thirds Italian), bases over real NUTS 3 codes and ISTAT
  municipalities, aliases and acronyms; network hubs have members (org:Membership) stated in a
  register page of their own;
- projects: 3 to 40 participations (a power law with exponent 2.5 from 3, mean about 5),
  exactly one lead and a realistic role mix (partners, adherents, foreign adherents, funders,
  collaborators, ...); funding under a three-fund hierarchy of objectives, national objectives
  and calls; one to three places over real NUTS 2 and 3 codes, municipalities and countries; target
  countries of origin; dates between 2000 and 2030 at day, month or year precision;
- sources: one source document per project whose text holds every quote the record makes.

Every id starts with ``syn-`` and every name with a word no curated record uses, so synthetic
records never collide with the seeds and leave every answer about the seeds unchanged.

Example::

    >>> from graphkit.synth import synthesize
    >>> s = synthesize(10, seed=1, out_dir="build/synth/10")   # doctest: +SKIP
    >>> s.projects, s.organisations                              # doctest: +SKIP
    (10, 30)
"""

from __future__ import annotations

import bisect
import calendar
import json
import random
import shutil
from dataclasses import asdict, dataclass
from itertools import accumulate
from pathlib import Path
from typing import Any, Iterator

from graphkit import paths
from graphkit.records.reference import load_reference

FORMATS = ("jsonl", "yaml")
PREFIX = "syn-"
ORGS_PER_PROJECT = 0.3
MIN_ORGS = 30
MIN_PARTS, MAX_PARTS, PARTS_EXPONENT = 3, 40, 2.5
ZIPF_EXPONENT = 1.0
HUBS = 8                          # the most popular organisations are networks with members

# Role mix of the non-lead participations (lead is always exactly one).
ROLE_MIX = [("partner", 55), ("adherent", 20), ("foreign-adherent", 6), ("collaborator", 6),
            ("local-counterpart", 4), ("co-funder", 3), ("funder", 2), ("promoter", 2),
            ("managing-authority", 2)]
ROLE_WORD = {"lead": "Capofila", "partner": "Partner", "adherent": "Ente aderente",
             "foreign-adherent": "Soggetto aderente estero", "collaborator": "In collaborazione con",
             "local-counterpart": "Controparte locale", "co-funder": "Cofinanziato da",
             "funder": "Finanziato da", "promoter": "Promosso da",
             "managing-authority": "Autorità responsabile"}
# organisation type -> (share, name prefix)
ORG_TYPES = [("ngo", 26, "Associazione"), ("migrant-association", 14, "Associazione dei migranti"),
             ("association", 10, "Circolo"), ("social-cooperative", 8, "Cooperativa sociale"),
             ("municipality", 8, "Comune sintetico di"), ("university", 3, "Università sintetica di"),
             ("training-body", 5, "Ente di formazione"), ("religious-organisation", 3, "Caritas sintetica"),
             ("chamber-of-commerce", 2, "Camera di commercio sintetica di"), ("health-authority", 2, "Azienda sanitaria"),
             ("region", 1, "Regione sintetica"), ("public-agency", 3, "Agenzia"),
             ("research-centre", 3, "Centro studi"), ("company", 5, "Impresa"),
             ("international-organisation", 1, "Organizzazione internazionale"),
             ("third-sector-network", 3, "Forum")]
NAME_WORDS = ["Aurora", "Orizzonte", "Ponte", "Radici", "Mosaico", "Approdo", "Incontro", "Sentiero",
              "Arcobaleno", "Faro", "Crocevia", "Dialogo", "Semi", "Vela", "Terra", "Mare", "Sole",
              "Girasole", "Libeccio", "Scirocco", "Maestrale", "Ulivo", "Quercia", "Sorgente"]
FOREIGN_COUNTRIES = ["FRA", "ESP", "DEU", "BEL", "PRT", "GRC", "ROU", "ALB", "MAR", "SEN", "TUN",
                     "EGY", "NGA", "GHA", "CIV", "MLI", "BFA", "PER", "ECU", "PHL", "BGD", "UKR"]
NUTS_COUNTRIES = {"FRA": "FR", "ESP": "ES", "DEU": "DE", "BEL": "BE", "PRT": "PT", "GRC": "EL",
                  "ROU": "RO", "ALB": "AL", "ITA": "IT"}
ORIGIN_COUNTRIES = ["MAR", "SEN", "TUN", "ALB", "EGY", "NGA", "GHA", "CIV", "MLI", "BFA", "PER", "ECU",
                    "PHL", "BGD", "UKR", "PAK", "CHN", "ROU", "MDA", "LKA"]
THEMES = ["migrant-entrepreneurship", "transnational-enterprise", "migrant-associations",
          "exchange-of-good-practice", "capacity-building", "integration-services", "housing", "health",
          "skills-and-employment", "microcredit", "social-enterprise", "financial-inclusion",
          "circular-migration", "informed-migration-choices", "womens-employment", "unaccompanied-minors",
          "local-development", "civic-participation", "governance", "research", "training"]
# fund -> (name, acronym, period); objectives and calls hang below
FUNDS = [("Fondo Sintetico per l’Integrazione 2000-2009", "FSI", 2000, 2009),
         ("Fondo Sintetico Asilo e Migrazione 2010-2020", "FSAM", 2010, 2020),
         ("Fondo Sintetico Coesione e Inclusione 2021-2030", "FSCI", 2021, 2030)]


@dataclass
class SynthSummary:
    """What :func:`synthesize` wrote."""

    projects: int
    organisations: int
    participations: int
    funds: int
    sources: int
    seed: int
    format: str
    out_dir: str

    def lines(self) -> list[str]:
        """The summary as printed lines, one ``name  value`` line per field."""
        return [f"{k:<15} {v}" for k, v in asdict(self).items()]


def _pick_weighted(rng: random.Random, items: list, cum: list[float]):
    return items[bisect.bisect_right(cum, rng.random() * cum[-1])]


def _parts_weights() -> tuple[list[int], list[float]]:
    ks = list(range(MIN_PARTS, MAX_PARTS + 1))
    return ks, list(accumulate(k ** -PARTS_EXPONENT for k in ks))


class _Generator:
    def __init__(self, n_projects: int, seed: int):
        self.n = n_projects
        self.seed = seed
        self.rng = random.Random(seed)
        ref = load_reference(paths.reference_dir())
        self.ref = ref
        # Real NUTS 2 and 3 codes valid in 2021 (and mostly 2016), by country; Italian municipalities.
        self.nuts_by_country: dict[str, list[str]] = {}
        for code, region in sorted(ref.nuts.items()):
            if region.level in (2, 3) and "2021" in region.versions:
                self.nuts_by_country.setdefault(code[:2], []).append(code)
        self.it_nuts3 = [c for c in self.nuts_by_country["IT"] if len(c) == 5]
        self.comuni = sorted(ref.municipalities)
        self.n_orgs = max(MIN_ORGS, int(round(n_projects * ORGS_PER_PROJECT)))
        self.org_cum = list(accumulate(1.0 / (r + 1) ** ZIPF_EXPONENT for r in range(self.n_orgs)))
        self.parts_k, self.parts_cum = _parts_weights()
        self.role_names = [r for r, _ in ROLE_MIX]
        self.role_cum = list(accumulate(w for _, w in ROLE_MIX))
        self.type_items = ORG_TYPES
        self.type_cum = list(accumulate(w for _, w, _ in ORG_TYPES))
        self.orgs: list[dict[str, Any]] = []
        self.calls: list[tuple[str, int, int]] = []       # (fund id, first year, last year)
        self.funds: list[dict[str, Any]] = []

    # ------------------------------------------------------------------ registry

    def place_name(self, ref: str) -> str:
        kind, key = ref.split(":", 1)
        if kind == "nuts":
            return self.ref.nuts[key].name
        if kind == "country":
            c = self.ref.countries[key]
            return c.names.get("en", key)
        return self.ref.municipalities[key].name

    def organisations(self) -> list[dict[str, Any]]:
        rng = self.rng
        for i in range(self.n_orgs):
            oid = f"{PREFIX}org-{i:07d}"
            if i < HUBS:
                otype, prefix = "ngo-network", "Consorzio sintetico"
            else:
                otype, _, prefix = _pick_weighted(rng, self.type_items, self.type_cum)
            word = NAME_WORDS[rng.randrange(len(NAME_WORDS))]
            name = f"{prefix} {word} {i}"
            org: dict[str, Any] = {"id": oid, "name": name}
            initials = "".join(w[0] for w in f"{prefix} {word}".split() if w[0].isalpha()).upper()
            if i < HUBS or rng.random() < 0.35:
                org["acronym"] = f"{initials}{i}"
            if rng.random() < 0.3:
                org["aliases"] = [f"{word} {i} ({prefix.split()[0]})"]
                if rng.random() < 0.3:
                    org["aliases"].append(f"{prefix.upper()} {word.upper()} N. {i}")
            org["type"] = otype
            if i < HUBS or rng.random() < 0.68:
                country = "ITA"
            else:
                country = FOREIGN_COUNTRIES[rng.randrange(len(FOREIGN_COUNTRIES))]
            org["country"] = f"country:{country}"
            r = rng.random()
            if country == "ITA":
                if r < 0.25:
                    org["based_in"] = f"comune:{self.comuni[rng.randrange(len(self.comuni))]}"
                elif r < 0.85:
                    org["based_in"] = f"nuts:{self.it_nuts3[rng.randrange(len(self.it_nuts3))]}"
            elif country in NUTS_COUNTRIES and r < 0.7:
                codes = self.nuts_by_country.get(NUTS_COUNTRIES[country], [])
                if codes:
                    org["based_in"] = f"nuts:{codes[rng.randrange(len(codes))]}"
            self.orgs.append(org)
        return self.orgs

    def memberships(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Members of the hub networks, each stated on the network's own register page."""
        rng = self.rng
        hubs = min(HUBS, self.n_orgs)
        sources, lines_of = [], {h: [] for h in range(hubs)}
        for i in range(hubs, self.n_orgs):
            if rng.random() < 0.06:
                h = rng.randrange(hubs)
                hub, org = self.orgs[h], self.orgs[i]
                quote = f"Socio di {hub['name']}: {org['name']}"
                org.setdefault("memberships", []).append(
                    {"of": hub["id"], "role": "member" if rng.random() < 0.8 else "associate",
                     "quote": quote, "source": f"{PREFIX}src-members-{h}"})
                lines_of[h].append(quote)
        for h in range(hubs):
            hub = self.orgs[h]
            title = f"I soci di {hub['name']}"
            sources.append({"id": f"{PREFIX}src-members-{h}", "file": f"sources/{PREFIX}src-members-{h}.txt",
                            "title": title, "language": "it", "publisher": hub["id"],
                            "text": "\n".join([title, *lines_of[h]]) + "\n"})
            hub["member_counts"] = [{"count": len(lines_of[h]), "unit": "organisations",
                                     "quote": title, "source": f"{PREFIX}src-members-{h}"}]
        return self.orgs, sources

    def fund_tree(self) -> list[dict[str, Any]]:
        rng = self.rng
        for f, (name, acronym, start, end) in enumerate(FUNDS):
            fid = f"{PREFIX}fund-{f}"
            self.funds.append({"id": fid, "kind": "fund", "name": name, "acronym": acronym,
                               "aliases": [f"{acronym} sintetico"], "period": {"start": str(start), "end": str(end)}})
            for o in range(1, 3):
                oid = f"{fid}-os{o}"
                self.funds.append({"id": oid, "kind": "specific-objective",
                                   "name": f"{acronym} – Obiettivo Specifico {o}", "code": f"OS{o}", "parent": fid})
                for n in range(1, 3 + (o % 2)):
                    nid = f"{oid}-on{n}"
                    self.funds.append({"id": nid, "kind": "national-objective",
                                       "name": f"{acronym} – OS{o} – Obiettivo Nazionale {n}", "code": f"ON{n}",
                                       "parent": oid})
                    for c in range(1, 2 + rng.randrange(4)):
                        cy = rng.randrange(start, end + 1)
                        ce = min(end, cy + rng.randrange(3))
                        cid = f"{nid}-call-{c}"
                        self.funds.append({"id": cid, "kind": "call",
                                           "name": f"{acronym} OS{o} ON{n} – Avviso {c}/{cy}", "code": f"Avviso {c}/{cy}",
                                           "period": {"start": str(cy), "end": str(ce)}, "parent": nid})
                        self.calls.append((cid, cy, ce))
        return self.funds

    # ------------------------------------------------------------------ projects

    def _date(self, year: int, month: int, day: int) -> str:
        r = self.rng.random()
        if r < 0.6:
            return f"{year:04d}-{month:02d}-{day:02d}"
        if r < 0.9:
            return f"{year:04d}-{month:02d}"
        return f"{year:04d}"

    def _place(self) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.55:
            return f"nuts:{self.it_nuts3[rng.randrange(len(self.it_nuts3))]}" if rng.random() < 0.7 else \
                f"nuts:{rng.choice([c for c in self.nuts_by_country['IT'] if len(c) == 4])}"
        if r < 0.65:
            return f"comune:{self.comuni[rng.randrange(len(self.comuni))]}"
        if r < 0.85:
            cc = rng.choice(["FR", "ES", "DE", "BE", "PT", "EL", "RO", "AL"])
            codes = self.nuts_by_country.get(cc)
            return f"nuts:{codes[rng.randrange(len(codes))]}"
        return f"country:{ORIGIN_COUNTRIES[rng.randrange(len(ORIGIN_COUNTRIES))]}"

    def _orgs_for(self, k: int) -> list[int]:
        rng, cum, n = self.rng, self.org_cum, self.n_orgs
        chosen: dict[int, None] = {}
        while len(chosen) < min(k, n):
            chosen[bisect.bisect_right(cum, rng.random() * cum[-1])] = None
        return list(chosen)

    def project(self, i: int) -> tuple[dict[str, Any], dict[str, Any]]:
        rng = self.rng
        pid = f"{PREFIX}{i:07d}"
        sid = f"{PREFIX}src-{i:07d}"
        theme = THEMES[rng.randrange(len(THEMES))]
        word = NAME_WORDS[rng.randrange(len(NAME_WORDS))]
        title = f"Progetto sintetico {i}: {word} – {theme.replace('-', ' ')}"
        lines = [title]
        p: dict[str, Any] = {"id": pid, "source": sid}
        if rng.random() < 0.6:
            p["acronym"] = f"{word[:3].upper()}-{i}"
        p["title"] = title
        if rng.random() < 0.25:
            cup = f"S{i:07d}{rng.randrange(10**6):06d}X"
            q = f"CUP {cup}"
            p["identifiers"] = [{"scheme": "cup", "value": cup, "quote": q}]
            lines.append(q)
        # funding: a call whose period fits, for most projects
        start_year = 2000 + rng.randrange(29)
        if rng.random() < 0.9 and self.calls:
            fitting = [c for c in self.calls if c[1] <= start_year <= c[2] + 1] or self.calls
            cid = fitting[rng.randrange(len(fitting))][0]
            q = f"Finanziamento: {cid}"
            p["funding"] = [{"scheme": cid, "quote": q}]
            lines.append(q)
        month, day = 1 + rng.randrange(12), 1 + rng.randrange(28)
        started = self._date(start_year, month, day)
        months = 6 + rng.randrange(43)
        dates: dict[str, Any] = {"started": {"value": started, "quote": f"Avvio: {started}"}}
        lines.append(f"Avvio: {started}")
        if rng.random() < 0.75:
            ey, em = divmod(month - 1 + months, 12)
            ey, em = min(start_year + ey, 2030), em + 1
            ended = self._date(ey, em, min(day, calendar.monthrange(ey, em)[1]))
            if ended < started[: len(ended)]:
                ended = started[:4]
            dates["ended"] = {"value": ended, "quote": f"Conclusione: {ended}"}
            lines.append(f"Conclusione: {ended}")
        else:
            q = f"Durata prevista: {months} mesi"
            dates["duration"] = {"months": months, "planned": True, "quote": q}
            lines.append(q)
        p["dates"] = dates
        places = list(dict.fromkeys(self._place() for _ in range(1 + int(rng.random() < 0.4) + int(rng.random() < 0.15))))
        p["places"] = []
        for ref in places:
            q = f"Luogo: {self.place_name(ref)} ({ref.split(':', 1)[1]})"
            p["places"].append({"place": ref, "quote": q})
            lines.append(q)
        # participations: k organisations, the first drawn is the lead
        k = _pick_weighted(rng, self.parts_k, self.parts_cum)
        parts = []
        for j, o in enumerate(self._orgs_for(k)):
            org = self.orgs[o]
            role = "lead" if j == 0 else _pick_weighted(rng, self.role_names, self.role_cum)
            names = [org["name"], *org.get("aliases", []), *([org["acronym"]] if "acronym" in org else [])]
            written = names[0] if rng.random() < 0.6 else names[rng.randrange(len(names))]
            q = f"{ROLE_WORD[role]}: {written}"
            parts.append({"org": org["id"], "role": role, "as_written": written, "quote": q})
            lines.append(q)
        p["participants"] = parts
        if rng.random() < 0.5:
            origins = sorted({ORIGIN_COUNTRIES[rng.randrange(len(ORIGIN_COUNTRIES))] for _ in range(1 + rng.randrange(2))})
            p["target_countries"] = []
            for c in origins:
                q = f"Migranti da {self.place_name('country:' + c)}"
                p["target_countries"].append({"country": f"country:{c}", "quote": q})
                lines.append(q)
        if rng.random() < 0.3:
            n = 10 * (1 + rng.randrange(50))
            q = f"Destinatari: circa {n} persone"
            p["target_groups"] = [{"label": "persone destinatarie", "count": {"approx": n}, "unit": "persons",
                                   "quote": q}]
            lines.append(q)
        p["themes"] = sorted({theme, THEMES[rng.randrange(len(THEMES))]})
        source = {"id": sid, "file": f"sources/{sid}.txt", "title": title, "language": "it",
                  "text": "\n".join(lines) + "\n"}
        return p, source

    def projects(self) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        for i in range(self.n):
            yield self.project(i)


def _jsonl(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"


def synthesize(n_projects: int, seed: int = 0, *, out_dir: Path | str, fmt: str = "jsonl") -> SynthSummary:
    """Write ``n_projects`` synthetic projects and their registry into ``out_dir`` (replaced).

    Args:
        n_projects: how many projects.
        seed: the random seed; the same seed and size give byte-identical files.
        out_dir: the folder to write (removed first if it exists).
        fmt: ``jsonl`` (the bulk format: ``projects.jsonl``, ``organisations.jsonl``, ...) or
            ``yaml`` (a folder like ``data/``: ``projects/*.yaml``, ``sources/*.txt``, ...).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (choose {', '.join(FORMATS)})")
    if n_projects < 1:
        raise ValueError("n_projects must be at least 1")
    out = Path(out_dir)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    gen = _Generator(n_projects, seed)
    gen.organisations()
    orgs, member_sources = gen.memberships()
    funds = gen.fund_tree()
    n_parts = 0
    if fmt == "jsonl":
        with (out / "projects.jsonl").open("w", encoding="utf-8") as pf, \
                (out / "sources.jsonl").open("w", encoding="utf-8") as sf:
            for s in member_sources:
                sf.write(_jsonl(s))
            for p, s in gen.projects():
                n_parts += len(p["participants"])
                pf.write(_jsonl(p))
                sf.write(_jsonl(s))
        for name, items in (("organisations", orgs), ("funds", funds)):
            with (out / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
                fh.writelines(_jsonl(x) for x in items)
        (out / "places.jsonl").write_text("", encoding="utf-8")
    else:
        import yaml

        def dump(obj: Any) -> str:
            return yaml.safe_dump(obj, allow_unicode=True, sort_keys=False, width=120)

        (out / "projects").mkdir()
        (out / "sources").mkdir()
        sources = []
        for s in member_sources:
            (out / s["file"]).write_text(s["text"], encoding="utf-8")
            sources.append({k: v for k, v in s.items() if k != "text"})
        for p, s in gen.projects():
            n_parts += len(p["participants"])
            (out / "projects" / f"{p['id']}.yaml").write_text(dump(p), encoding="utf-8")
            (out / s["file"]).write_text(s["text"], encoding="utf-8")
            sources.append({k: v for k, v in s.items() if k != "text"})
        (out / "sources.yaml").write_text(dump(sources), encoding="utf-8")
        (out / "organisations.yaml").write_text(dump(orgs), encoding="utf-8")
        (out / "funds.yaml").write_text(dump(funds), encoding="utf-8")
        (out / "places.yaml").write_text("[]\n", encoding="utf-8")
    return SynthSummary(projects=n_projects, organisations=len(orgs), participations=n_parts, funds=len(funds),
                        sources=n_projects + len(member_sources), seed=seed, format=fmt, out_dir=str(out))
