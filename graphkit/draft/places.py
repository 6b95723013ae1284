"""Places a page names (:func:`read_places`): countries, Italian regions, provinces and
municipalities, places of the places registry, and places abroad below country level, found by
the language's place cues (``place_cues`` of the pattern file: ``Regioni di``, ``provincia di``,
``aldeas de``, ``à``, ``in``) and place headings (``Dove:``), and looked up by
:func:`graphkit.resolve.placenames.find_place`.

A country is taken wherever its name stands (``Senegal``, ``Marocco``, ``Sénégal``). A name after
a *weak* cue (``a``, ``in``, ``de``) is taken when it is a place of the tables; after a *strong*
cue (a place noun: ``regione``, ``département``, ``aldeas``) or under a place heading, a name the
tables lack is proposed as a new place of the country the sentence (or, failing that, the page)
names abroad. Adjectives of origin next to a word for people (``migranti senegalesi``) give the
countries of origin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from graphkit.draft.read import patterns, segments
from graphkit.resolve.placenames import PlaceCandidate, find_place, place_key

__all__ = ["PlaceMention", "read_places", "origin_countries"]

CAP = r"[^\W\d_a-zß-ÿ]"
# A place name: capitalised words, joined by hyphens, spaces or a few lower-case particles.
NAME = (rf"(?:[Ll][’']\s?)?{CAP}[\w’'.-]*(?:(?:\s+|-\s*)(?:(?:de|dei|del|di|da|des|du|la|le|el|sur|am|an|of)\s+)?"
        rf"(?:[Ll][’']\s?)?{CAP}[\w’'-]*){{0,4}}")
SCHEMA_KIND = {"region": "region", "province": "district", "district": "district", "municipality": "city",
               "village": "city", "city": "city"}


@dataclass
class PlaceMention:
    """A place read from the page: the name as written, its sentence, the cue kind, the chosen
    candidate (None for a new place) and the country (alpha-3) a new place is in."""

    as_written: str
    quote: str
    kind: str | None
    strong: bool
    candidate: PlaceCandidate | None
    country3: str | None = None
    found_by: str = ""
    start: int | None = None


@lru_cache(maxsize=None)
def _compiled(language: str) -> dict[str, Any]:
    p = patterns(language)
    cues = []
    for c in p.get("place_cues") or []:
        cues.append((re.compile(rf"(?<!\w)(?i:{c['pattern']})(?:\s+|(?<=[’'(]))(?=[^\W\d_a-zß-ÿ]|[Ll][’'])"),
                     c.get("kind"), bool(c.get("strong"))))
    heading = re.compile(rf"^[\s•·*\-–]*(?:{p.get('place_headings') or 'where'})\s*:\s*", re.IGNORECASE)
    ands = "|".join(re.escape(w) for w in p["and_words"])
    demonyms = {k.casefold(): v for k, v in (p.get("demonyms") or {}).items()}
    dem_rx = re.compile(r"(?<!\w)(" + "|".join(re.escape(k) for k in sorted(demonyms, key=len, reverse=True))
                        + r")(?!\w)", re.IGNORECASE) if demonyms else None
    return {"cues": cues, "heading": heading, "name": re.compile(NAME), "sep": re.compile(rf"\s*,\s*|\s+(?:{ands})\s+"),
            "demonyms": demonyms, "dem_rx": dem_rx,
            "origin": re.compile(rf"(?<!\w)(?:{p.get('origin_words') or 'migrants'})(?!\w)", re.IGNORECASE),
            "diaspora": re.compile(rf"(?:{p.get('diaspora_words') or 'diaspora'})", re.IGNORECASE)}


@lru_cache(maxsize=8)
def _country_rx(language: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """Country names of the page's language and English (longest first), and their alpha-3 codes."""
    from babel import Locale

    from graphkit.resolve.placenames import place_index
    from graphkit.paths import REFERENCE_DIR

    names: dict[str, str] = {}
    for lang in dict.fromkeys((language, "en")):
        for a2, name in Locale(lang).territories.items():
            if len(a2) != 2 or not a2.isalpha():
                continue
            cands = place_index(REFERENCE_DIR).find(name, a2, kinds=["country"])
            if cands and len(name) >= 4:
                names[name] = cands[0].country3
    alt = "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))
    return re.compile(rf"(?<![\w’'-])(?:{alt})(?![\w-])"), names


def _lookup(name: str, kind: str | None, countries: list[str], registry: list[dict[str, Any]], reference_dir: Path,
            strong: bool) -> PlaceCandidate | None:
    """The place a name is: Italian places and the registry first, then cities abroad of the
    countries the page names (or of one million inhabitants or more when it names none)."""
    names = [name]
    if not name[:2].lower() in ("l’", "l'") and kind in ("province", "municipality", "region"):
        names.append("L’" + name)          # ``provincia dell’Aquila`` -> L’Aquila
    for n in names:
        found = find_place(n, reference_dir=reference_dir, registry_places=registry,
                           kinds=["registry", "region", "province", "municipality"])
        if kind in ("province",):
            found = [c for c in found if c.kind == "province"] or found
        elif kind in ("municipality",):
            found = [c for c in found if c.kind in ("municipality", "registry")] or found
        elif kind == "region":
            found = [c for c in found if c.kind in ("region", "registry")] or found
        if found:
            return found[0]
    if not strong and name.split()[0] in ("L’", "L'"):
        return None
    for c3 in countries:
        found = find_place(name, country=c3, reference_dir=reference_dir, kinds=["city"])
        if found:
            return found[0]
    if not countries:
        found = [c for c in find_place(name, reference_dir=reference_dir, kinds=["city"]) if c.population >= 1_000_000]
        if found:
            return found[0]
    return None


def read_places(text: str, language: str, reference_dir: Path, registry: list[dict[str, Any]] = (),
                org_spans: list[tuple[int, int]] = ()) -> tuple[list[PlaceMention], list[PlaceMention]]:
    """The places of the page in page order, each once per place (see the module's text), and the
    names read after a place cue that no table has and that cannot be a new place abroad."""
    c = _compiled(language)
    crx, cnames = _country_rx(language)
    segs = segments(text)
    # the countries the page names, first named first: where cities abroad are looked for
    page_countries: list[str] = []
    for m in crx.finditer(text):
        code = cnames[m.group(0)]
        if code not in page_countries and code != "ITA":
            page_countries.append(code)
    out: list[PlaceMention] = []
    unplaced: list[PlaceMention] = []
    seen: set[str] = set()
    lines = text.split("\n")
    heading_lines = {i for i, line in enumerate(lines) if c["heading"].match(line)}

    def add(pm: PlaceMention) -> None:
        if pm.candidate is not None:
            key = pm.candidate.ref or f"geonames:{pm.candidate.code}"
        else:
            key = f"new:{place_key(pm.as_written)}:{pm.country3}"
        if key not in seen:
            seen.add(key)
            out.append(pm)

    for seg in segs:
        s = seg.text
        sentence_countries = []
        for m in crx.finditer(s):
            code = cnames[m.group(0)]
            if code not in sentence_countries:
                sentence_countries.append(code)
        abroad = [x for x in sentence_countries if x != "ITA"] or page_countries
        starts: list[tuple[int, str | None, bool, str]] = []
        for rx, kind, strong in c["cues"]:
            for m in rx.finditer(s):
                starts.append((m.end(), kind, strong, m.group(0).strip()))
        if seg.line in heading_lines:
            hm = c["heading"].match(s)
            if hm:
                starts.append((hm.end(), None, True, hm.group(0).strip(" •·*-–:")))
        starts.sort(key=lambda x: (x[0], not x[2]))
        done: set[int] = set()
        for at, kind, strong, cue in starts:
            if at in done:
                continue
            done.add(at)
            pos = at
            first = True
            list_country: str | None = None
            while True:
                m = c["name"].match(s, pos)
                if not m:
                    break
                name = m.group(0).rstrip(".’'-")
                if any(rx.match(name + " ") for rx, _, st in c["cues"] if st):
                    break                   # ``Regioni di ...``: a place noun, read at its own cue
                cand = _lookup(name, kind, abroad, registry, reference_dir, strong)
                if cand is None and not strong:
                    # ``Regioni di Béni Mellal-Khénifra``: a place noun read as a name; try what follows
                    break
                if cand is not None:
                    list_country = list_country or cand.country3
                    add(PlaceMention(name, s, kind, strong, cand, found_by=f"place cue '{cue}', {cand.kind}",
                                     start=seg.start + m.start()))
                elif list_country == "ITA" or (language == "it" and kind in ("municipality", "province")
                                               and not sentence_countries):
                    unplaced.append(PlaceMention(name, s, kind, strong, None,
                                                 found_by=f"place cue '{cue}', not in the tables"))
                elif abroad and (kind or strong) and not crx.fullmatch(name):
                    add(PlaceMention(name, s, kind or "region", strong, None, abroad[0],
                                     found_by=f"place cue '{cue}', not in the gazetteer; country from the "
                                              f"{'sentence' if sentence_countries else 'page'}",
                                     start=seg.start + m.start()))
                end = m.end()
                sep = c["sep"].match(s, end)
                if not (strong or first is False) or not sep:
                    break
                nxt = c["name"].match(s, sep.end())
                if not nxt:
                    break
                pos = sep.end()
                first = False
        for m in crx.finditer(s):
            at = seg.start + m.start()
            if any(a <= at < b for a, b in org_spans):
                continue                # ``Ambassade de France au Maroc``: a country in a name
            cand = find_place(m.group(0), reference_dir=reference_dir, kinds=["country"])
            if cand:
                add(PlaceMention(m.group(0), s, "country", True, cand[0], found_by="country name", start=at))
    return out, unplaced


def origin_countries(text: str, language: str) -> list[tuple[str, str, str]]:
    """Countries of origin: an adjective of origin (``senegalesi``, ``marocaines``) in a sentence
    that names people (``migranti``, ``diaspora``, ``associazioni``): (alpha-3, as written, sentence)."""
    c = _compiled(language)
    if c["dem_rx"] is None:
        return []
    out: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for seg in segments(text):
        if not c["origin"].search(seg.text):
            continue
        for m in c["dem_rx"].finditer(seg.text):
            code = c["demonyms"][m.group(1).casefold()]
            if code not in seen:
                seen.add(code)
                out.append((code, m.group(0), seg.text))
    return out
