"""Whether a participation's evidence states its role: the quote (its spans joined) holds a word or
phrase that says how the organisation takes part ("Capofila", "Partner:", "Enti aderenti",
"cofinanziato dalla", "en partenariat avec" ...), in the language of its source.

The words of a role in a language come from three places, read once:

- the page drafter's patterns (``graphkit/resources/draft/patterns-LANG.yaml``: ``headings``,
  ``cues`` and ``after``, regular expressions with the role they give);
- the labels of the role vocabulary in that language (``vocabularies/roles.ttl``: ``skos:prefLabel``
  and ``skos:altLabel``);
- ``graphkit/resources/reference/role-words.yaml``: the words the other two lack.

A quote states its role when one of its role's words occurs in it as whole words, case aside. A
bare list item ("ANOLF") or a sentence cut before its role word states none: write the quote as
spans, the heading then the item (``["Enti aderenti formalmente", "ANOLF"]``). See decision 0019.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import yaml

from graphkit import paths
from graphkit.records.schema import quote_text

if TYPE_CHECKING:
    from graphkit.records.schema import Records

ROLE_WORDS = paths.REFERENCE_DIR / "role-words.yaml"
"""The role words the drafter's patterns and the vocabulary's labels lack, per language and role."""

DRAFT_PATTERNS = paths.RESOURCES / "draft"
"""The folder of the page drafter's patterns (``patterns-LANG.yaml``), read here, never written."""


@lru_cache(maxsize=1)
def _vocabulary_labels() -> dict[tuple[str, str], list[str]]:
    """(language, role) -> the role's preferred and alternative labels in that language."""
    from rdflib import Graph
    from rdflib.namespace import SKOS

    from graphkit.namespaces import VOCAB

    graph = Graph().parse(paths.ONTOLOGY_DIR / "vocabularies" / "roles.ttl", format="turtle")
    prefix = f"{VOCAB}role/"
    out: dict[tuple[str, str], list[str]] = {}
    for prop in (SKOS.prefLabel, SKOS.altLabel):
        for concept, label in graph.subject_objects(prop):
            if str(concept).startswith(prefix) and getattr(label, "language", None):
                out.setdefault((label.language, str(concept)[len(prefix):]), []).append(str(label))
    return {k: sorted(v) for k, v in out.items()}


@lru_cache(maxsize=8)
def role_words(language: str) -> dict[str, tuple[str, ...]]:
    """Every role's words in ``language``: regular expressions (the drafter's patterns and
    ``role-words.yaml``) and escaped vocabulary labels, role by role."""
    words: dict[str, list[str]] = {}
    drafted = DRAFT_PATTERNS / f"patterns-{language}.yaml"
    if drafted.is_file():
        spec = yaml.safe_load(drafted.read_text(encoding="utf-8")) or {}
        for key in ("headings", "cues", "after"):
            for entry in spec.get(key) or []:
                words.setdefault(entry["role"], []).append(entry["pattern"])
    for (lang, role), labels in _vocabulary_labels().items():
        if lang == language:
            words.setdefault(role, []).extend(re.escape(label) for label in labels)
    extra = yaml.safe_load(ROLE_WORDS.read_text(encoding="utf-8")) or {}
    for role, patterns in (extra.get(language) or {}).items():
        words.setdefault(role, []).extend(patterns)
    return {role: tuple(dict.fromkeys(p)) for role, p in words.items()}


@lru_cache(maxsize=64)
def _matcher(language: str, role: str) -> re.Pattern | None:
    words = role_words(language).get(role)
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(f"(?:{w})" for w in words) + r")(?!\w)", re.IGNORECASE)


def stated_role_word(quote: str | list[str], role: str, language: str) -> str | None:
    """The first word of ``role`` (in ``language``) that the quote holds, as written there, or None.

    >>> stated_role_word(["Enti aderenti formalmente", "ANOLF"], "adherent", "it")
    'Enti aderenti'
    >>> stated_role_word("ANOLF", "adherent", "it") is None
    True
    """
    matcher = _matcher(language, role)
    if matcher is None:
        return None
    m = matcher.search(quote_text(quote))
    return m.group(0) if m else None


@dataclass(frozen=True, order=True)
class UnstatedRole:
    """A participation whose quote holds no word of its role: where it is, who, in what role, and
    the quote."""

    file: str
    project: str
    index: int
    org: str
    role: str
    quote: str
    language: str

    def __str__(self) -> str:
        shown = self.quote if len(self.quote) <= 80 else self.quote[:77] + "..."
        known = "" if role_words(self.language).get(self.role) else \
            f" (no words of {self.role!r} are known in {self.language!r}: add them to role-words.yaml)"
        return (f"{self.file}: project {self.project}: participants[{self.index}].quote: {self.org} as "
                f"{self.role}: the quote {shown!r} has no word that states the role{known}")


def unstated_roles(recs: Records) -> list[UnstatedRole]:
    """The participations of ``recs``'s projects whose quote does not state their role (sorted by
    file and position); empty when every quote does."""
    out = []
    for loc in recs.projects.values():
        p = loc.record
        for i, pa in enumerate(p.participants):
            source = recs.sources.get(pa.source or p.source)
            language = source.record.language if source is not None else "it"
            if stated_role_word(pa.quote, pa.role, language) is None:
                out.append(UnstatedRole(loc.file, p.id, i, pa.org, pa.role, quote_text(pa.quote), language))
    return sorted(out)


def role_statement_counts(recs: Records) -> tuple[int, int]:
    """(participations whose quote states their role, all participations) of ``recs``'s projects."""
    total = sum(len(loc.record.participants) for loc in recs.projects.values())
    return total - len(unstated_roles(recs)), total


__all__ = ["ROLE_WORDS", "role_words", "stated_role_word", "UnstatedRole", "unstated_roles", "role_statement_counts"]
