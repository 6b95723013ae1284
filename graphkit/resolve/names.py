"""Names of organisations as keys: folding, tokens, acronyms, legal forms and stop words, generic
heads (``Comune di``, ``Regione``), placeholders (:class:`Analyser`, :class:`Name`)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Mapping, Sequence



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
    """The words of ``text``, folded, with dotted initials joined (``A.I.B.I.`` -> ``aibi``): the runs of
    letters and digits."""
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
        """Count the words of every name of ``names``."""
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
        """The :class:`Name` of ``text`` (memoised): its key and tokens, the acronyms it gives (in
        parentheses, around a dash, abbreviating the rest), the places and regions it names, its generic
        head and remainder, and whether wrapping was repaired or it says it is Italian."""
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
        head, rest = generic_head([t for t in tokens if t not in ITALIAN_WORDS])
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


def generic_head(tokens: list[str]) -> tuple[str | None, list[str]]:
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


