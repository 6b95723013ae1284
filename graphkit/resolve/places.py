"""Place words for the name analyser: the Italian regions, provinces, their capitals and the
countries (:func:`place_words`), the adjectives of Italian places (:data:`DEMONYMS`), and a few place
words the tables lack (:data:`EXTRA_PLACES`).

A place word keeps apart the branches of an organisation (``ISCOS Marche`` / ``ISCOS Piemonte``);
an adjective keeps apart names that say different places without marking a branch.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from graphkit.resolve.names import Analyser, Vocabulary, raw_tokens

# Place words the tables lack: Italian names of countries the datasets write.
EXTRA_PLACES = {
    "italia", "alto adige", "sudtirol", "trentino", "sardegna", "sicilia", "lombardia", "emilia", "romagna",
    "marocco", "senegal", "etiopia", "somalia", "eritrea", "tunisia", "egitto", "libano", "palestina", "brasile",
    "mozambico", "afrique",
}
# Adjectives of Italian regions and cities, with the place they stand for: they keep apart names
# that say different places (``Associazione Trentina ...`` / ``Associazione Lombarda ...``) but,
# unlike a place noun, do not mark a regional branch (``Consorzio ONG Piemontesi`` is a name).
DEMONYMS = {
    **dict.fromkeys(("piemontese", "piemontesi"), "piemonte"),
    **dict.fromkeys(("trentina", "trentine", "trentini", "trentino"), "trentino"),
    **dict.fromkeys(("lombarda", "lombardo", "lombarde", "lombardi"), "lombardia"),
    **dict.fromkeys(("veneta", "venete", "veneti"), "veneto"),
    **dict.fromkeys(("toscana", "toscano", "toscani"), "toscana"),
    **dict.fromkeys(("sarda", "sardo", "sardi"), "sardegna"),
    **dict.fromkeys(("siciliana", "siciliano"), "sicilia"),
    **dict.fromkeys(("emiliana", "emiliano"), "emilia romagna"),
    **dict.fromkeys(("ligure", "liguri"), "liguria"),
    **dict.fromkeys(("friulana", "friulano"), "friuli venezia giulia"),
    **dict.fromkeys(("valdostana", "valdostano"), "valle d aosta"),
    **dict.fromkeys(("marchigiana", "marchigiano"), "marche"),
    **dict.fromkeys(("pugliese", "pugliesi"), "puglia"),
    "calabrese": "calabria", "campana": "campania", "laziale": "lazio", "umbra": "umbria", "umbro": "umbria",
    "abruzzese": "abruzzo", "molisana": "molise", "lucana": "basilicata",
    **dict.fromkeys(("sudtirolese", "altoatesina", "altoatesino"), "alto adige"),
    "milanese": "milano", "torinese": "torino", "bolognese": "bologna", "genovese": "genova",
    "fiorentina": "firenze", "napoletana": "napoli", "veneziana": "venezia", "padovana": "padova",
    "bresciana": "brescia", "bergamasca": "bergamo",
}


def place_words(reference_dir: Path, country_names: Iterable[str] = ()) -> tuple[set[str], set[str]]:
    """Place names that distinguish branches of an organisation (Italian regions, provinces and their
    capitals from the ISTAT table under ``reference_dir``, the given country names and the CLDR/UNTERM
    names of the country-codes table), and the Italian province codes written in brackets (``(BO)``)."""
    places: set[str] = set()
    sigla: set[str] = set()

    def add(name: str) -> None:
        for part in name.replace("-", " ").split("/"):
            words = raw_tokens(part)
            if words:
                places.add(" ".join(words))

    with (reference_dir / "istat-comuni" / "Elenco-comuni-italiani.csv").open(encoding="utf-8-sig") as fh:
        rows = csv.reader(fh, delimiter=";")
        next(rows, None)
        for row in rows:
            if len(row) < 14:
                continue
            add(row[10])
            add(row[11])
            if row[12].strip() == "1":
                add(row[6])
            if row[13].strip():
                sigla.add(row[13].strip())
    for n in country_names:
        add(n.split(" (")[0].split(",")[0])
    with (reference_dir / "country-codes" / "country-codes.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            for col in ("CLDR display name", "UNTERM English Short"):
                if (row.get(col) or "").strip():
                    add(row[col].split(" (")[0].split(",")[0])
    places.update(EXTRA_PLACES)
    for generic in ("italy", "italian", "centro", "sud", "nord", "est", "ovest", "mondo", "pace", "valle"):
        places.discard(generic)
    return places, sigla


def registry_analyser(names: Iterable[str], reference_dir: Path, country_names: Iterable[str] = ()):
    """The resolver's analyser for a registry: its ``names`` (names, aliases, acronyms, and any others
    to be compared) as the vocabulary, with the place words of :func:`place_words` and the adjectives
    of Italian places (:data:`DEMONYMS`), so that branches in different places stay apart. The one way
    the importers, the duplicate check of the build and the page drafter make it."""
    vocabulary = Vocabulary()
    vocabulary.add(names)
    places, sigla = _place_words(Path(reference_dir), tuple(country_names))
    return Analyser(vocabulary, set(places), set(sigla), DEMONYMS)


@lru_cache(maxsize=4)
def _place_words(reference_dir: Path, country_names: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """:func:`place_words`, read once per reference folder and country list (the ISTAT table has 7,900 rows)."""
    places, sigla = place_words(reference_dir, country_names)
    return frozenset(places), frozenset(sigla)
