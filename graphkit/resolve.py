"""Entity resolution: the organisations named in external datasets, matched to the seed registry
and to each other.

A dataset cell such as ``"ONG CISV, LVIA, COP"`` is first split into the names it lists
(:func:`split_cell`), each name is normalised into a *key* (:func:`name_key`: accents, case,
punctuation, legal forms such as ONG/Onlus/Associazione, words broken by fixed-width wrapping,
repeated halves) and then resolved:

1. against the seed registry (``data/organisations.yaml``: names, aliases, acronyms), with a
   confidence per match (:class:`Match`);
2. names that match no seed organisation are clustered across the datasets, so that
   ``"CESVI"`` (EUTF) and ``"CESVI - FONDAZIONE"`` (CRS) become one organisation.

Guards keep apart organisations that share a generic word: ``Comune di ...``, ``Regione ...``,
``Provincia di ...``, ``ASL ...``, ``Università ...``, ``Ministero ...`` must agree on the part
that distinguishes them (:data:`GENERIC_HEADS`), and two names that carry different places
(``ISCOS Marche`` against ``ISCOS Piemonte``) never match; a name without the place of a
regional branch (``ISCOS`` against ``ISCOS Piemonte``) is at most a candidate for review.

Matches at or above :data:`ACCEPT` are taken; candidates between :data:`REVIEW` and
:data:`ACCEPT` are written to a review file (``data/resolution/review.csv``) where a person
writes ``accept``, ``reject`` or ``unit`` (the name is an office or department of the
candidate) in the ``decision`` column; the next import applies every decision, in either
direction. See docs/external-sources.md.
"""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from graphkit.errors import EXIT_NONCONFORMING, GraphkitError

ACCEPT = 0.90
REVIEW = 0.70
DATASET_ORDER = ("eutf", "crs")
REVIEW_COLUMNS = ["dataset", "name", "key", "candidate", "candidate_name", "candidate_key", "confidence",
                  "method", "decision", "note"]
DECISIONS = ("accept", "reject", "unit")

# Words that say what kind of body an organisation is, not which one (removed from keys).
LEGAL_FORMS = {
    "ong", "onlus", "o n l u s", "ngo", "ong onlus", "associazione", "associazioni", "ass", "assoc", "association",
    "fondazione", "foundation", "fondation", "stiftung", "onlus", "odv", "aps", "srl", "spa", "s r l", "s p a",
    "scs", "s c s", "coop", "soc", "sociale", "cooperativa", "ltd", "llc", "inc", "gmbh", "ggmbh", "e v", "ev",
    "asbl", "ente", "morale", "8xmille", "8x1000", "ets", "scarl", "onlus ong", "ong ong",
}
STOPWORDS = {
    "di", "del", "della", "dello", "dei", "degli", "delle", "dell", "da", "per", "la", "il", "lo", "le", "gli",
    "i", "e", "ed", "a", "al", "alla", "allo", "ai", "agli", "alle", "in", "con", "tra", "fra", "su", "l", "d",
    "of", "the", "for", "and", "to", "de", "du", "des", "et", "pour", "la", "le", "les", "en", "y", "el", "los",
    "las", "do", "dos", "das", "und", "der", "die", "von", "fur", "zur",
}
# Generic heads: a name that starts with one of these is distinguished only by what follows.
GENERIC_HEADS: dict[str, tuple[str, ...]] = {
    "municipality": ("comune di", "comune", "citta di", "citta", "municipality of", "municipio di",
                     "ville de", "commune de", "commune", "ajuntament de", "city of"),
    "metropolitan-city": ("citta metropolitana di", "citta metropolitana"),
    "region": ("regione autonoma", "regione del", "regione", "region", "generalitat de", "regional state of"),
    "province": ("provincia autonoma di", "provincia autonoma", "provincia di", "provincia", "province of"),
    "health-authority": ("azienda sanitaria locale", "azienda ulss", "azienda usl", "azienda ospedaliera",
                         "asl", "ausl", "ulss", "usl"),
    "university": ("universita degli studi di", "universita degli studi", "universita di", "universita",
                   "university of", "universite de", "universite", "univ"),
    "polytechnic": ("politecnico di", "politecnico"),
    "ministry": ("ministero degli", "ministero della", "ministero del", "ministero dell", "ministero per",
                 "ministero", "ministry of", "ministry for", "ministere de", "ministere des", "ministere"),
    "prefecture": ("prefettura di", "prefettura"),
    "chamber-of-commerce": ("camera di commercio",),
    "eu-delegation": ("eu delegation to", "eu delegation"),
    "government": ("government of", "gouvernement du", "gouvernement de"),
    "embassy": ("embassy of", "ambasciata d italia", "ambasciata"),
}
# Heads written after what they qualify (``Bolivia Red Cross``).
GENERIC_TAILS: dict[str, tuple[str, ...]] = {
    "red-cross": ("red cross", "red crescent", "croce rossa", "croix rouge", "cruz roja", "red cross society"),
}
UNIT_WORDS = {"dipartimento", "dip", "department", "dept", "facolta", "faculty", "settore", "area", "ufficio",
              "office", "direzione", "direction", "servizio", "centro interdipartimentale", "scuola", "school",
              "divisione", "unit", "sezione", "relazioni", "rapporti", "coop", "cooperazione"}
# Cell values that name no organisation.
PLACEHOLDERS = {"other", "others", "associazione", "association", "various", "vari", "n a", "na", "n d", "nd",
                "none", "unknown", "non disponibile", "-", "altro", "altri"}
SAINTS = {"s": "san", "sant": "san", "santo": "san", "santa": "san", "st": "san", "saint": "san", "sainte": "san"}
ITALIAN_WORDS = {"italian", "italiana", "italiano", "italy", "italia", "italien", "italienne"}

_DOTTED = re.compile(r"\b(?:[A-Za-z][A-Za-z]?\.){2,}[A-Za-z]?\.?")
_PAREN = re.compile(r"\(([^()]*)\)")
_WORD = re.compile(r"[a-z0-9]+")


# ---------------------------------------------------------------------------------------- text


def fold(text: str) -> str:
    """Lower case without accents; typographic quotes and dashes as plain ones."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("ß", "ss").replace("’", "'").replace("‘", "'").replace("`", "'")
    return text.casefold()


def _undot(text: str) -> str:
    """``A.I.B.I.`` -> ``AIBI``, ``L.v.i.a.`` -> ``Lvia``: dotted initials become one word."""
    return _DOTTED.sub(lambda m: m.group(0).replace(".", "") + " ", text)


def raw_tokens(text: str) -> list[str]:
    return _WORD.findall(fold(_undot(text)))


def is_acronym_like(raw: str) -> bool:
    """A short word written in capitals (``COP``, ``LVIA``, ``C.E.I.``, ``Ai.Bi.``), as an acronym is."""
    if re.fullmatch(r"(?:[A-Z][a-z]?\.){2,4}", raw.strip()):
        return True
    s = _undot(raw).strip(" .-–—'\"")
    letters = [c for c in s if c.isalpha()]
    if not 2 <= len(letters) <= 10 or " " in s.strip():
        return False
    upper = sum(1 for c in letters if c.isupper())
    return upper >= max(2, len(letters) - 1) or bool(_DOTTED.fullmatch(raw.strip()))


def abbreviates(acronym: str, words: Sequence[str], max_skips: int = 1) -> bool:
    """Whether ``acronym`` can be read off ``words`` in order: it starts with the first word, each word
    used gives a prefix of itself, and at most ``max_skips`` words are passed over (``cospe`` from
    cooperazione sviluppo paesi emergenti; ``coopi`` from cooperazione internazionale). Articles,
    prepositions and legal forms do not count as words."""
    acronym = acronym.lower()
    words = [w for w in words if w and w not in STOPWORDS and w not in LEGAL_FORMS]
    if len(acronym) < 2 or len(words) < 2:
        return False

    @lru_cache(maxsize=None)
    def f(i: int, j: int, skips: int, used: int) -> bool:
        if i == len(acronym):
            return used >= 2 and skips + (len(words) - j) <= max_skips
        if j == len(words):
            return False
        if j > 0 and skips < max_skips and f(i, j + 1, skips + 1, used):
            return True
        w = words[j]
        k = 0
        while k < len(w) and i + k < len(acronym) and w[k] == acronym[i + k]:
            k += 1
            if f(i + k, j + 1, skips, used + 1):
                return True
        return False

    return f(0, 0, 0, 0)


@dataclass
class Vocabulary:
    """Word counts over every name known, used to repair words split by fixed-width wrapping."""

    counts: Counter = field(default_factory=Counter)

    def add(self, names: Iterable[str]) -> None:
        for name in names:
            self.counts.update(raw_tokens(name))

    def repair(self, tokens: list[str]) -> tuple[list[str], bool]:
        """Join two neighbouring tokens when together they are a word seen more often than either part
        (``COLLABORAZIONE ME DICA`` -> ``medica``, ``COOPERA ZIONE`` -> ``cooperazione``)."""
        out: list[str] = []
        repaired = False
        i = 0
        c = self.counts
        while i < len(tokens):
            if i + 1 < len(tokens):
                a, b = tokens[i], tokens[i + 1]
                joined = a + b
                if (len(joined) >= 5 and not a.isdigit() and not b.isdigit()
                        and c[joined] >= 2 and c[joined] > max(c[a], c[b]) / 2
                        and min(c[a], c[b]) < c[joined]):
                    out.append(joined)
                    repaired = True
                    i += 2
                    continue
            out.append(tokens[i])
            i += 1
        return out, repaired


def _dedupe_repeat(tokens: list[str]) -> tuple[list[str], bool]:
    """A name written twice (``ARCS - ARCI ... ARCS - ARCI ...``), or once and then cut short."""
    n = len(tokens)
    for k in range(n // 2, 0, -1):
        first, rest = tokens[:k], tokens[k:]
        if k >= 2 and len(rest) >= 2 and first[: len(rest)] == rest and len(rest) <= k:
            return first, True
    # ``X Y Z W`` followed by ``Y Z W'``: the second half repeats the first without its first word
    half = n // 2
    if n >= 6 and tokens[1:half] == tokens[half:n - 1]:
        return tokens[:half], True
    return tokens, False


@dataclass(frozen=True)
class Name:
    """One organisation name as written, analysed."""

    text: str
    key: str                     # normalised: the words that identify the organisation
    tokens: tuple[str, ...]      # the key's words
    acronyms: frozenset[str]     # acronyms the name gives (``COP`` in ``Consorzio ONG Piemontesi (COP)``)
    long_key: str                # the key without the acronym (``consorzio piemontesi``)
    places: frozenset[str]       # places the name proper names (``piemonte`` in ISCOS Piemonte)
    regions: frozenset[str]      # those places and the places its adjectives stand for (``piemontesi``)
    head: str | None             # generic head class (``municipality`` for ``Comune di Bra``)
    remainder: str               # the key after the generic head (``bra``)
    repaired: bool               # wrapping repaired or a repeated half removed
    italian: bool                # says it is Italian (``Italian Ministry of Interior``)
    initials: str = ""           # first letters of the long name's words (an index, never a fact)


class Analyser:
    """Turns names into :class:`Name` values; holds the word counts and the place names."""

    def __init__(self, vocabulary: Vocabulary | None = None, places: Iterable[str] = (),
                 sigla: Iterable[str] = (), demonyms: Mapping[str, str] | None = None):
        self.vocabulary = vocabulary or Vocabulary()
        self.places = {p for p in places if p}
        self.demonyms = dict(demonyms or {})
        self.max_place_words = max((len(p.split()) for p in self.places), default=1)
        self.sigla = {s.casefold() for s in sigla}

    @lru_cache(maxsize=None)
    def analyse(self, text: str) -> Name:
        raw = " ".join(text.split())
        acronyms: set[str] = set()
        # Parenthesised parts: an acronym is kept as an acronym, a province code or (IT) is dropped,
        # anything else stays part of the name (``World Food Programme (Sudan Office)``).
        def paren(m: re.Match) -> str:
            p = m.group(1).strip()
            folded = fold(_undot(p)).strip(" .")
            if folded in self.sigla | {"it", "ita"}:
                return " "
            if is_acronym_like(p):
                acronyms.add("".join(raw_tokens(p)))
                return " "
            return f" {p} "

        body = _PAREN.sub(paren, raw)
        # ``ACR - Long name`` / ``Long name - ACR`` / ``ACR-LONG NAME``
        pieces = [x.strip() for x in re.split(r"\s[-–—]\s|\s[-–—]|[-–—]\s", body) if x.strip()]
        if len(pieces) >= 2:
            for i, p in enumerate(pieces):
                words_p = p.split()
                if i == 0 and 1 <= len(words_p) <= 2 and all(is_acronym_like(w) for w in words_p):
                    acronyms.update("".join(raw_tokens(w)) for w in words_p)     # ``MAECI DGCS - Ministero ...``
                elif is_acronym_like(p) and len([c for c in p if c.isalpha()]) <= 6:
                    acronyms.add("".join(raw_tokens(p)))                       # ``... - CESTAS``
        m = re.match(r"^([A-Z][A-Z.]{1,9})-(\S.*)$", body.strip())
        if m and is_acronym_like(m.group(1)) and abbreviates("".join(raw_tokens(m.group(1))), raw_tokens(m.group(2))):
            acronyms.add("".join(raw_tokens(m.group(1))))     # ``MAIS-MOVIMENTO PER L'AUTOSVILUPPO ...``
        words = body.split()
        if (len(words) >= 3 and len(words[0]) >= 3 and is_acronym_like(words[0])
                and abbreviates("".join(raw_tokens(words[0])), raw_tokens(" ".join(words[1:])))):
            # ``COSPE Cooperazione per lo sviluppo ...``: a word in capitals that abbreviates the rest
            acronyms.add("".join(raw_tokens(words[0])))
        if (len(words) >= 3 and len(words[-1]) >= 3 and is_acronym_like(words[-1])
                and abbreviates("".join(raw_tokens(words[-1])), raw_tokens(" ".join(words[:-1])))):
            # ``GRUPPO DI VOLONTARIATO CIVILE GVC``: the same after the long name
            acronyms.add("".join(raw_tokens(words[-1])))
        if len(words) == 2 and all(is_acronym_like(w) and len(w) <= 5 for w in words):
            # ``IPSIA ACLI``, ``MAE DGMO``: two acronyms, an organisation and the body it belongs to
            acronyms.update("".join(raw_tokens(w)) for w in words)
        tokens = [SAINTS.get(t, t) for t in raw_tokens(body)]
        tokens, repaired = self.vocabulary.repair(tokens)
        tokens, repeated = _dedupe_repeat(tokens)
        repaired = repaired or repeated
        italian = any(t in ITALIAN_WORDS for t in tokens)
        places = self._places(tokens)
        regions = places | {self.demonyms[t] for t in tokens if t in self.demonyms}
        place_words = {w for p in places for w in p.split()}
        rest_words = [w for w in body.split() if "".join(raw_tokens(w)) not in place_words]
        if places and len(rest_words) == 1 and is_acronym_like(rest_words[0]):
            acronyms.add("".join(raw_tokens(rest_words[0])))     # ``ISCOS Piemonte``: an acronym and a place
        head, rest = _head([t for t in tokens if t not in ITALIAN_WORDS])
        words = [t for t in tokens if t not in LEGAL_FORMS and t not in STOPWORDS]
        if not words:
            words = [t for t in tokens if t not in STOPWORDS] or tokens
        key = " ".join(words)
        long_words = [t for t in words if t not in acronyms]
        remainder = " ".join(t for t in rest if t not in LEGAL_FORMS and t not in STOPWORDS)
        if len(words) == 1 and is_acronym_like(raw.strip()):
            acronyms.add(words[0])
        acronyms = {a for a in acronyms if len(a) >= 2 and a not in LEGAL_FORMS and a not in STOPWORDS
                    and a not in self.places}
        initials = "".join(w[0] for w in long_words if not w.isdigit()) if len(long_words) >= 2 else ""
        return Name(text=raw, key=key, tokens=tuple(words), acronyms=frozenset(a for a in acronyms if a),
                    long_key=" ".join(long_words), places=frozenset(places), regions=frozenset(regions),
                    head=head, remainder=remainder, repaired=repaired, italian=italian, initials=initials)

    def _places(self, tokens: list[str]) -> set[str]:
        found: set[str] = set()
        i = 0
        while i < len(tokens):
            for n in range(min(self.max_place_words, len(tokens) - i), 0, -1):
                cand = " ".join(tokens[i:i + n])
                if cand in self.places:
                    found.add(cand)
                    i += n - 1
                    break
            i += 1
        return found


def _head(tokens: list[str]) -> tuple[str | None, list[str]]:
    """The generic head class of a name's tokens and the tokens after it (``comune di bra`` ->
    ``municipality``, ``[bra]``); tails such as ``red cross`` count wherever they stand."""
    text = " ".join(tokens)
    best: tuple[str, str] | None = None
    for cls, heads in GENERIC_HEADS.items():
        for h in heads:
            if (text == h or text.startswith(h + " ")) and (best is None or len(h) > len(best[0])):
                best = (h, cls)
    if best:
        return best[1], tokens[len(best[0].split()):]
    for cls, tails in GENERIC_TAILS.items():
        for t in sorted(tails, key=len, reverse=True):
            if f" {t} " in f" {text} ":
                return cls, (" " + text + " ").replace(" " + t + " ", " ").split()
    return None, tokens


def is_placeholder(text: str) -> bool:
    """A cell value that names no organisation (``Other``, ``ASSOCIAZIONE``)."""
    return " ".join(raw_tokens(text)) in PLACEHOLDERS


# ---------------------------------------------------------------------------------------- splitting


def split_cell(cell: str, *, lexicon: Iterable[str] = (), mode: str = "list") -> list[str]:
    """The organisation names a dataset cell lists, in order.

    ``mode="list"`` (EUTF: the compilers joined several organisations with ``", "``): split on
    commas, then join neighbouring pieces back when together they are a name of ``lexicon``
    (``"DAI Global, LLC (DAI)"``, ``"International Migration Institute, University of Oxford"``).

    ``mode="single"`` (CRS channel names: usually one organisation, whose name may contain
    commas): split on commas only when every piece after the first is an acronym
    (``"ONG CISV, LVIA, COP"`` -> ``ONG CISV``, ``LVIA``, ``COP``); a list after a generic head
    keeps the head (``"Comune di Asti, Bra"`` -> ``Comune di Asti``, ``Comune di Bra``); split on
    ``/`` between two organisations unless the second is a department of the first.
    """
    cell = (cell or "").replace("\r", " ").replace("\n", " ")
    cell = " ".join(cell.split())
    if not cell:
        return []
    if mode == "list":
        known = {" ".join(n.split()).casefold() for n in lexicon}
        pieces = [p.strip() for p in cell.split(", ")]
        out: list[str] = []
        i = 0
        while i < len(pieces):
            best = 1
            for j in range(len(pieces), i + 1, -1):
                if ", ".join(pieces[i:j]).casefold() in known:
                    best = j - i
                    break
            name = ", ".join(pieces[i:i + best]).strip(" ,")
            if name:
                out.append(name)
            i += best
        return out
    parts: list[str] = []
    for chunk in _split_slash(cell):
        parts.extend(_split_commas(chunk))
    return [p for p in (x.strip(" ,;") for x in parts) if p]


def _split_slash(cell: str) -> list[str]:
    pieces = [p.strip() for p in re.split(r"\s*/\s*", cell)]
    if len(pieces) < 2 or any(len(p) < 3 for p in pieces):
        return [cell]
    out = [pieces[0]]
    for p in pieces[1:]:
        first = raw_tokens(p)[:1]
        if first and first[0] in UNIT_WORDS:
            out[-1] = out[-1] + " / " + p
        else:
            out.append(p)
    return out


def _split_commas(cell: str) -> list[str]:
    if "," not in cell:
        return [cell]
    pieces = [p.strip() for p in cell.split(",")]
    rest = [p for p in pieces[1:] if p]
    if not rest:
        return [cell]
    head_tokens = raw_tokens(pieces[0])
    head, _ = _head(head_tokens)
    if all(is_acronym_like(p) and fold(p) not in LEGAL_FORMS for p in rest):
        return [pieces[0], *rest]
    if head in ("municipality", "province", "region") and all(
            len(raw_tokens(p)) <= 3 and p[:1].isupper() and _head(raw_tokens(p))[0] is None for p in rest):
        prefix = pieces[0][: len(pieces[0]) - len(pieces[0].split()[-1])].strip()
        return [pieces[0], *(f"{prefix} {p}" for p in rest)]
    return [cell]


# ---------------------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Score:
    confidence: float
    method: str


def _ratio(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    return fuzz.ratio(a, b) / 100.0


def _unmatched(words: Sequence[str], others: Sequence[str]) -> list[str]:
    """The words with no counterpart (similarity >= 0.8, so typos still count as the same word)."""
    from rapidfuzz import fuzz

    return [w for w in words if not any(w == o or fuzz.ratio(w, o) >= 80 for o in others)]


def compare(a: Name, b: Name, *, italian_context: bool = False, owner: Name | None = None,
            common: frozenset[str] = frozenset()) -> Score:
    """How likely two analysed names name the same organisation (0..1), and why.

    ``owner`` is the preferred name of the organisation ``b`` belongs to, when ``b`` is one of its
    other names: its places count for ``b`` (``Iscos`` is an alias of ISCOS Piemonte);
    ``common`` are words too frequent to identify an organisation on their own.
    """
    if not a.key or not b.key:
        return Score(0.0, "empty")
    pb = b.places | (owner.places if owner else frozenset())
    rb_ = b.regions | (owner.regions if owner else frozenset())
    # Generic heads: the distinguishing part must agree.
    if a.head or b.head:
        if a.head != b.head:
            return Score(0.0, "generic-head-differs")
        if not a.remainder or not b.remainder:
            return Score(1.0, "exact") if a.key == b.key else Score(0.0, "generic-head-only")
        if a.regions and rb_ and not (a.regions & rb_):
            return Score(0.0, "different-places")
        if a.remainder == b.remainder:
            if a.key == b.key:
                return Score(1.0, "exact")
            if a.italian != b.italian:      # ``Ministry of Interior`` and ``Italian Ministry of Interior``
                return Score(0.9, "generic-head+same-rest-in-italian-context") if italian_context else \
                    Score(0.75, "generic-head+same-rest-country-unsaid")
            return Score(0.97, "generic-head+same-rest")
        ra, rb = a.remainder.split(), b.remainder.split()
        ua, ub = _unmatched(ra, rb), _unmatched(rb, ra)
        if not ua and not ub and _ratio(a.remainder, b.remainder) >= 0.9:
            return Score(0.95, "generic-head+fuzzy-rest")
        if (not ua or not ub) and set(ra) & set(rb):
            return Score(0.8, "generic-head+unit")      # an office of the other, or the other of it
        return Score(0.0, "generic-head-rest-differs")
    if a.regions and rb_ and not (a.regions & rb_):
        return Score(0.0, "different-places")
    score = _score_names(a, b, italian_context, common)
    if a.places != pb and score.confidence > 0.75:
        # one names a place the other lacks: a regional branch, or the national body
        return Score(0.75, score.method + "+place-missing")
    return score


def _score_names(a: Name, b: Name, italian_context: bool, common: frozenset[str] = frozenset()) -> Score:
    from rapidfuzz import fuzz

    if a.key == b.key:
        return Score(1.0, "exact")
    ka = " ".join(t for t in a.tokens if t not in ITALIAN_WORDS)
    kb = " ".join(t for t in b.tokens if t not in ITALIAN_WORDS)
    if ka and ka == kb and (a.italian or b.italian) and italian_context:
        return Score(0.9, "exact-in-italian-context")
    acr_a = a.acronyms | ({a.key} if len(a.tokens) == 1 else set())
    acr_b = b.acronyms | ({b.key} if len(b.tokens) == 1 else set())
    shared = acr_a & acr_b
    if shared:
        if (a.acronyms - shared) and (b.acronyms - shared):
            return Score(0.0, "acronym-units-differ")      # ``MAECI - DGUE`` and ``MAECI - DGMO``
        if a.long_key and b.long_key and a.long_key != a.key and b.long_key != b.key:
            r = _ratio(a.long_key, b.long_key)
            if r >= 0.85:
                return Score(1.0, "acronym+name")
            if r < 0.6 and _unmatched(a.long_key.split(), b.long_key.split()) and \
                    _unmatched(b.long_key.split(), a.long_key.split()):
                return Score(0.75, "acronym-names-differ")
        return Score(0.95, "acronym")
    # a bare acronym against a long name it abbreviates (``FAO``, ``Food and Agriculture Organization``)
    for x, y in ((a, b), (b, a)):
        if len(x.tokens) == 1 and len(y.tokens) >= 2 and not y.acronyms and abbreviates(x.key, y.tokens):
            return Score(0.85, "abbreviation")              # a candidate, never taken without review
    core_a = a.long_key if a.acronyms and a.long_key else a.key
    core_b = b.long_key if b.acronyms and b.long_key else b.key
    if len(core_a) < 8 or len(core_b) < 8:
        return Score(0.0, "too-short-for-fuzzy")
    ta, tb = core_a.split(), core_b.split()
    ua, ub = _unmatched(ta, tb), _unmatched(tb, ta)
    method = "fuzzy" if (core_a, core_b) == (a.key, b.key) else "fuzzy-long-name"
    if not ua and not ub:
        ordered = _ratio(core_a, core_b)
        any_order = fuzz.token_sort_ratio(core_a, core_b) / 100.0
        conf = ordered if ordered >= any_order - 0.02 else min(any_order, 0.89)   # reordered words: review
        if a.acronyms and b.acronyms and not (a.acronyms & b.acronyms):
            conf = min(conf, 0.75)                           # same words, different acronyms
        return Score(round(conf, 3), method if conf >= REVIEW else method + "-low")
    if not ua or not ub:
        small = ta if not ua else tb
        distinctive = [t for t in small if t not in common]
        if len(small) >= 3:
            return Score(0.86, "subset")
        if len(small) == 2 and distinctive:
            return Score(0.72, "subset")
        return Score(0.5, "subset-of-common-words")
    return Score(round(min(_ratio(core_a, core_b), 0.69), 3), "different-words")


# ---------------------------------------------------------------------------------------- entities


@dataclass
class Entity:
    """An organisation names can resolve to: a seed organisation or an external cluster."""

    id: str                          # the organisation slug (``cop``, ``eutf-cesvi``)
    label: str
    names: list[Name]
    seed: bool
    country: str | None = None       # ISO3 when known


@dataclass(frozen=True)
class Mention:
    """An organisation name in a dataset: the dataset, the name, the context it appears in."""

    dataset: str
    name: str
    role: str = ""
    italian: bool = False            # the dataset says it is an Italian body (CRS donor-country channel)
    weight: int = 1


@dataclass(frozen=True)
class Match:
    org: str | None                  # organisation slug, None for a cell that names no organisation
    confidence: float
    method: str
    unit_of: str | None = None       # set when a reviewer decided the name is an office of ``unit_of``


@dataclass
class ReviewRow:
    """A candidate match below the threshold, or a decision about one.

    ``key`` is the normalised name under review; the candidate is a seed organisation
    (``candidate_key`` empty) or another dataset name (``candidate_key`` its normalised key,
    ``candidate`` the slug of the organisation it belongs to now).
    """

    dataset: str
    name: str
    key: str
    candidate: str
    candidate_name: str
    confidence: float
    method: str
    candidate_key: str = ""
    decision: str = ""
    note: str = ""

    @property
    def ident(self) -> tuple[str, str]:
        return (self.key, self.candidate_key or self.candidate)

    def as_dict(self) -> dict[str, str]:
        return {"dataset": self.dataset, "name": self.name, "key": self.key,
                "candidate": f"organisation:{self.candidate}", "candidate_name": self.candidate_name,
                "candidate_key": self.candidate_key, "confidence": f"{self.confidence:.2f}",
                "method": self.method, "decision": self.decision, "note": self.note}


class ReviewError(GraphkitError, ValueError):
    """The review file cannot be read: the message names the line and the problem (exit code 1)."""

    exit_code = EXIT_NONCONFORMING


def read_review(path: Path) -> dict[tuple[str, str], ReviewRow]:
    """The rows of a review file by (name key, candidate key or seed slug). Missing file: none."""
    path = Path(path)
    if not path.exists():
        return {}
    out: dict[tuple[str, str], ReviewRow] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in ("name", "key", "candidate", "decision") if c not in (reader.fieldnames or [])]
        if missing:
            raise ReviewError(f"{path}: missing column(s) {', '.join(missing)} "
                              f"(expected {', '.join(REVIEW_COLUMNS)})")
        for row in reader:
            decision = (row.get("decision") or "").strip().lower()
            if decision and decision not in DECISIONS:
                raise ReviewError(f"{path}: line {reader.line_num}: decision {decision!r} is not one of "
                                  f"{', '.join(DECISIONS)} (or empty: not decided yet)")
            try:
                conf = float(row.get("confidence") or 0)
            except ValueError:
                raise ReviewError(f"{path}: line {reader.line_num}: confidence {row.get('confidence')!r} "
                                  "is not a number") from None
            r = ReviewRow(dataset=(row.get("dataset") or "").strip(), name=row.get("name") or "",
                          key=(row.get("key") or "").strip(),
                          candidate=(row.get("candidate") or "").strip().removeprefix("organisation:"),
                          candidate_name=row.get("candidate_name") or "", confidence=conf,
                          method=row.get("method") or "", candidate_key=(row.get("candidate_key") or "").strip(),
                          decision=decision, note=row.get("note") or "")
            if not r.key or not r.candidate:
                raise ReviewError(f"{path}: line {reader.line_num}: a row needs a key and a candidate")
            out[r.ident] = r
    return out


def write_review(path: Path, rows: Iterable[ReviewRow]) -> None:
    """Write the review file sorted by candidate and name (decided rows are kept as they are)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ordered = sorted(rows, key=lambda r: (r.candidate, r.key, r.candidate_key, r.dataset))
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=REVIEW_COLUMNS, lineterminator="\n")
        w.writeheader()
        for r in ordered:
            w.writerow(r.as_dict())
    tmp.replace(path)


# ---------------------------------------------------------------------------------------- resolver


def slug(text: str, limit: int = 60) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "x"
    if len(s) > limit:
        s = s[:limit].rsplit("-", 1)[0]
    return s


@dataclass
class Resolution:
    """What the resolver decided for every name key of every dataset."""

    matches: dict[str, Match]                  # name key -> match
    entities: dict[str, Entity]                # slug -> entity (seeds and clusters)
    review: list[ReviewRow]                    # candidates below the threshold (and decided rows)
    keys: dict[str, str]                       # name as written -> key

    def resolve(self, name: str) -> Match:
        key = self.keys.get(name)
        if key is None:
            return Match(None, 0.0, "unknown-name")
        return self.matches[key]


class Resolver:
    """Resolves the organisation names of external datasets against the seed registry and each other.

    Args:
        seeds: the seed organisations: dicts with ``id``, ``name``, ``aliases``, ``acronym``,
            ``country`` (``country:ITA``), as in ``data/organisations.yaml``.
        analyser: the :class:`Analyser` (word counts and place names).
        decisions: the review file's rows, from :func:`read_review`; only decided rows count.
    """

    def __init__(self, seeds: Sequence[Mapping], analyser: Analyser,
                 decisions: Mapping[tuple[str, str], ReviewRow] | None = None):
        self.analyser = analyser
        self.rows = dict(decisions or {})
        self.seeds: dict[str, Entity] = {}
        for o in seeds:
            texts = [o["name"], *(o.get("aliases") or [])]
            if o.get("acronym"):
                texts.append(o["acronym"])
            names = [analyser.analyse(t) for t in texts]
            country = (o.get("country") or "").removeprefix("country:") or None
            self.seeds[o["id"]] = Entity(o["id"], o["name"], names, True, country)
        self.common: frozenset[str] = frozenset()
        self._by_key: dict[str, set[str]] = defaultdict(set)
        self._by_acr: dict[str, set[str]] = defaultdict(set)
        self._by_head: dict[tuple[str, str], set[str]] = defaultdict(set)
        self._seed_choices: dict[str, str] = {}
        for e in self.seeds.values():
            for i, n in enumerate(e.names):
                self._by_key[n.key].add(e.id)
                if n.head and n.remainder:
                    self._by_head[(n.head, n.remainder.split()[0])].add(e.id)
                self._seed_choices[f"{e.id}\x1f{i}"] = n.key
                for a in n.acronyms | ({n.key} if len(n.tokens) == 1 else set()) | ({n.initials} - {""}):
                    self._by_acr[a].add(e.id)

    def decision(self, key: str, other: str) -> str:
        """The reviewer's decision about name ``key`` and a seed slug or another name key (either way)."""
        row = self.rows.get((key, other)) or self.rows.get((other, key))
        return row.decision if row else ""

    # -------------------------------------------------------------- seeds

    def best_seed(self, name: Name, italian: bool = False) -> tuple[str | None, Score]:
        """The seed organisation that best matches ``name``, and the score."""
        from rapidfuzz import fuzz, process

        candidates: set[str] = set(self._by_key.get(name.key, ()))
        for a in name.acronyms | ({name.key} if len(name.tokens) == 1 else set()) | ({name.initials} - {""}):
            candidates |= self._by_acr.get(a, set())
        if name.head and name.remainder:       # ``Città di Torino ...`` against ``Comune di Torino``
            candidates |= self._by_head.get((name.head, name.remainder.split()[0]), set())
        if len(name.key) >= 8:
            for scorer, cutoff in ((fuzz.token_sort_ratio, REVIEW * 100 - 10), (fuzz.token_set_ratio, 95)):
                for _, _, k in process.extract(name.key, self._seed_choices, scorer=scorer, limit=8,
                                               score_cutoff=cutoff):
                    candidates.add(k.split("\x1f")[0])
        best: tuple[str | None, Score] = (None, Score(0.0, "no-candidate"))
        for sid in sorted(candidates):
            context = italian and self.seeds[sid].country == "ITA"
            owner = self.seeds[sid].names[0]               # the preferred name
            for n in self.seeds[sid].names:
                s = compare(name, n, italian_context=context, owner=owner, common=self.common)
                if s.confidence > best[1].confidence:
                    best = (sid, s)
        return best

    # -------------------------------------------------------------- everything

    def resolve(self, mentions: Iterable[Mention]) -> Resolution:
        """Resolve every mention: seeds first, then clusters across datasets."""
        keys: dict[str, str] = {}
        by_key: dict[str, list[Mention]] = defaultdict(list)
        names: dict[str, Name] = {}
        for m in mentions:
            if is_placeholder(m.name):
                continue
            n = self.analyser.analyse(m.name)
            if not n.key:
                continue
            keys[m.name] = n.key
            by_key[n.key].append(m)
            old = names.get(n.key)
            if old is None:
                names[n.key] = n
            elif n.acronyms - old.acronyms or n.places - old.places:
                names[n.key] = Name(old.text, old.key, old.tokens, old.acronyms | n.acronyms, old.long_key,
                                    old.places | n.places, old.regions | n.regions, old.head, old.remainder,
                                    old.repaired, old.italian, old.initials)
        df: Counter = Counter()
        for k in names:
            df.update(set(names[k].tokens))
        for e in self.seeds.values():
            for n in e.names:
                df.update(set(n.tokens))
        self.common = frozenset(t for t, c in df.items() if c >= 5)
        matches: dict[str, Match] = {}
        review: dict[tuple[str, str], ReviewRow] = {}
        unresolved: list[str] = []
        units: dict[str, str] = {}
        for key in sorted(by_key):
            ms = by_key[key]
            italian = all(m.italian for m in ms)
            sid, score = self.best_seed(names[key], italian)
            forced = next((cand for (k, cand), r in self.rows.items()
                           if k == key and cand in self.seeds and r.decision in ("accept", "unit")), None)
            if forced is not None:
                sid = forced
            decision = self.decision(key, sid) if sid else ""
            if sid and decision:
                review[(key, sid)] = self.rows.get((key, sid)) or self._row(ms, names[key], sid,
                                                                             self.seeds[sid].label, score)
            if decision == "accept":
                matches[key] = Match(sid, max(score.confidence, REVIEW), "review-accept")
                continue
            if decision == "unit":
                units[key] = sid
            elif not decision and sid and score.confidence >= ACCEPT:
                matches[key] = Match(sid, round(score.confidence, 3), score.method)
                continue
            elif not decision and sid and score.confidence >= REVIEW:
                review[(key, sid)] = self._row(ms, names[key], sid, self.seeds[sid].label, score)
            unresolved.append(key)
        clusters, conf, method, cluster_units = self._cluster(unresolved, names, by_key, review)
        slug_of = {k: cid for cid, ks in clusters.items() for k in ks}
        entities: dict[str, Entity] = dict(self.seeds)
        for cid, members in clusters.items():
            label = _best_label(members, names, by_key)
            # Italian when the dataset says so (a donor-country channel of the CRS) or the name does
            country = "ITA" if any(m.italian for k in members for m in by_key[k]) or any(
                names[k].italian for k in members) else None
            entities[cid] = Entity(cid, label, [names[k] for k in members], False, country)
            for k in members:
                unit_of = units.get(k) or (slug_of.get(cluster_units[k]) if k in cluster_units else None)
                matches[k] = Match(cid, round(conf.get(k, 1.0), 3), method.get(k, "new"), unit_of=unit_of)
        for row in review.values():
            if row.candidate_key and row.candidate_key in slug_of:
                row.candidate = slug_of[row.candidate_key]
                row.candidate_name = entities[row.candidate].label
        for ident, row in self.rows.items():          # a decision in the file is never dropped
            review.setdefault(ident, row)
        return Resolution(matches=matches, entities=entities, review=list(review.values()), keys=keys)

    def _row(self, ms: list[Mention], name: Name, cand: str, cand_name: str, score: Score,
             cand_key: str = "") -> ReviewRow:
        datasets = sorted({m.dataset for m in ms}, key=_dataset_rank)
        spelled = sorted(Counter(m.name for m in ms).items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        return ReviewRow(dataset=",".join(datasets), name=spelled, key=name.key, candidate=cand,
                         candidate_name=cand_name, confidence=round(score.confidence, 2), method=score.method,
                         candidate_key=cand_key)

    def _cluster(self, keys: list[str], names: dict[str, Name], by_key: dict[str, list[Mention]],
                 review: dict[tuple[str, str], ReviewRow]):
        """Group the unresolved keys into organisations: cluster slug -> member keys, plus each key's
        confidence and method, and the keys a reviewer declared units of another name."""
        from rapidfuzz import fuzz, process

        from networkx.utils import UnionFind

        find = UnionFind(keys)
        known = set(keys)

        def cmp(x: str, y: str) -> Score:
            return compare(names[x], names[y], common=self.common)

        pairs: dict[tuple[str, str], Score] = {}
        acr: dict[str, list[str]] = defaultdict(list)
        for k in keys:
            n = names[k]
            for a in n.acronyms | ({n.key} if len(n.tokens) == 1 else set()) | ({n.initials} - {""}):
                acr[a].append(k)
        for group in acr.values():
            for i, a in enumerate(group):
                for b in group[i + 1:]:
                    pairs[(min(a, b), max(a, b))] = cmp(a, b)
        long_keys = [k for k in keys if len(k) >= 8]
        for a in long_keys:
            for scorer, cutoff in ((fuzz.token_sort_ratio, REVIEW * 100), (fuzz.token_set_ratio, 99)):
                for b, _, _ in process.extract(a, long_keys, scorer=scorer, limit=25, score_cutoff=cutoff):
                    if b != a and (min(a, b), max(a, b)) not in pairs:
                        pairs[(min(a, b), max(a, b))] = cmp(a, b)
        for (x, other), row in self.rows.items():     # decided pairs are compared even when no index found them
            if x in known and other in known and x != other and (min(x, other), max(x, other)) not in pairs:
                pairs[(min(x, other), max(x, other))] = cmp(x, other)
        members: dict[str, list[str]] = {k: [k] for k in keys}    # by the root of each cluster

        def can_link(ra: str, rb: str) -> bool:
            """Two clusters join only if no reviewer kept two of their names apart and every two full
            names across them are at least similar enough to review (no chaining through an acronym)."""
            for x in members[ra]:
                for y in members[rb]:
                    d = self.decision(x, y)
                    if d in ("reject", "unit"):
                        return False
                    if d == "accept" or len(names[x].tokens) < 2 or len(names[y].tokens) < 2:
                        continue
                    s = pairs.get((min(x, y), max(x, y))) or cmp(x, y)
                    if s.confidence < REVIEW:
                        return False
            return True

        conf: dict[str, float] = {}
        method: dict[str, str] = {}
        units: dict[str, str] = {}
        for (a, b), s in sorted(pairs.items(), key=lambda kv: (-kv[1].confidence, kv[0])):
            d = self.decision(a, b)
            if d == "accept" or (not d and s.confidence >= ACCEPT):
                ra, rb = find[a], find[b]
                if ra == rb or not can_link(ra, rb):
                    continue
                find.union(a, b)
                members[find[a]] = members.pop(min(ra, rb)) + members.pop(max(ra, rb))
                for k in (a, b):
                    conf[k] = min(conf.get(k, 1.0), s.confidence if not d else max(s.confidence, REVIEW))
                    method[k] = "review-accept" if d else method.get(k, s.method)
            elif d == "unit":
                x = a if (a, b) in self.rows else b
                units[x] = b if x == a else a
        groups: dict[str, list[str]] = defaultdict(list)
        for k in keys:
            groups[find[k]].append(k)
        clusters = self._name_clusters(groups, by_key)
        slug_of = {k: cid for cid, ks in clusters.items() for k in ks}
        for (a, b), s in sorted(pairs.items()):
            d = self.decision(a, b)
            if d or (REVIEW <= s.confidence < ACCEPT and slug_of[a] != slug_of[b]):
                # the rarer name is the one reviewed against the other
                x, y = (a, b) if (sum(m.weight for m in by_key[a]), a) <= (sum(m.weight for m in by_key[b]), b) \
                    else (b, a)
                if (y, x) in self.rows:
                    x, y = y, x
                row = self.rows.get((x, y)) or self._row(by_key[x], names[x], slug_of[y], "", s, cand_key=y)
                review.setdefault((x, y), row)
        for k in keys:
            if k not in method and len(clusters[slug_of[k]]) > 1:
                method[k] = "cluster"
        return clusters, conf, method, units

    def _name_clusters(self, groups: dict[str, list[str]],
                       by_key: dict[str, list[Mention]]) -> dict[str, list[str]]:
        """Stable slugs: the first dataset (in DATASET_ORDER) naming the cluster, then its most used key."""
        named: list[tuple[str, str, list[str]]] = []
        for members in groups.values():
            members = sorted(members)
            datasets = sorted({m.dataset for k in members for m in by_key[k]}, key=_dataset_rank)
            first = datasets[0]
            use = Counter({k: sum(m.weight for m in by_key[k] if m.dataset == first) for k in members})
            anchor = sorted(use, key=lambda k: (-use[k], len(k), k))[0]
            named.append((f"{first}-{slug(anchor)}", anchor, members))
        out: dict[str, list[str]] = {}
        taken: set[str] = set(self.seeds)
        for base, anchor, members in sorted(named):
            cid = base if base not in taken else f"{base}-{hashlib.sha1(anchor.encode()).hexdigest()[:6]}"
            taken.add(cid)
            out[cid] = members
        return out


def _dataset_rank(d: str) -> tuple[int, str]:
    return (DATASET_ORDER.index(d) if d in DATASET_ORDER else len(DATASET_ORDER), d)


def _best_label(members: list[str], names: dict[str, Name], by_key: dict[str, list[Mention]]) -> str:
    """The spelling to show: unbroken by wrapping, most used, in mixed case when one is."""
    spelled: Counter = Counter()
    for k in members:
        for m in by_key[k]:
            spelled[m.name] += m.weight
    analyser_flags = {k: names[k].repaired for k in members}

    def rank(text: str):
        key = None
        for k in members:
            if any(m.name == text for m in by_key[k]):
                key = k
                break
        broken = analyser_flags.get(key, False)
        return (broken, -spelled[text], text.isupper(), len(text), text)

    return sorted(spelled, key=rank)[0]


# ---------------------------------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    true_positives: int
    false_positives: int
    false_negatives: int


def pairwise_scores(gold: Mapping[str, str], predicted: Mapping[str, str]) -> Scores:
    """Pairwise precision and recall: over every pair of mentions, "same organisation" decisions.

    ``gold`` and ``predicted`` map a mention id to an organisation label (any string).
    """
    ids = sorted(gold)
    tp = fp = fn = 0
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            g = gold[a] == gold[b]
            p = predicted.get(a) is not None and predicted.get(a) == predicted.get(b)
            tp += g and p
            fp += p and not g
            fn += g and not p
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return Scores(precision, recall, tp, fp, fn)


def link_scores(gold: Mapping[str, str | None], predicted: Mapping[str, str | None]) -> Scores:
    """Precision and recall of links to the seed registry: a predicted link is right when it names the
    gold seed organisation; a gold link is found when it is predicted."""
    tp = fp = fn = 0
    for mid, g in gold.items():
        p = predicted.get(mid)
        if p is not None:
            if p == g:
                tp += 1
            else:
                fp += 1
        if g is not None and p != g:
            fn += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return Scores(precision, recall, tp, fp, fn)
