"""Entity resolution: the organisations named in external datasets (and, next, in drafted pages),
matched to the seed registry and to each other.

In modules: :mod:`~graphkit.resolve.names` (keys, tokens, generic heads),
:mod:`~graphkit.resolve.split` (cells into names), :mod:`~graphkit.resolve.score` (comparison
levels and confidence), :mod:`~graphkit.resolve.review` (entities, matches, the review file),
:mod:`~graphkit.resolve.cluster` (the resolver) and :mod:`~graphkit.resolve.evaluate`.

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

from graphkit.resolve.cluster import Resolution, Resolver, slug
from graphkit.resolve.evaluate import Scores, link_scores, pairwise_scores
from graphkit.resolve.names import (
    ACCEPT, DATASET_ORDER, DECISIONS, REVIEW, REVIEW_COLUMNS, Analyser, Name, Vocabulary, abbreviates, fold,
    is_acronym_like, is_placeholder, raw_tokens,
)
from graphkit.resolve.review import Entity, Match, Mention, ReviewError, ReviewRow, read_review, write_review
from graphkit.resolve.score import Score, compare
from graphkit.resolve.split import split_cell

__all__ = [
    "ACCEPT", "REVIEW", "DATASET_ORDER", "DECISIONS", "REVIEW_COLUMNS", "Analyser", "Name", "Vocabulary",
    "abbreviates", "fold", "is_acronym_like", "is_placeholder", "raw_tokens", "split_cell", "Score", "compare",
    "Entity", "Match", "Mention", "ReviewError", "ReviewRow", "read_review", "write_review", "Resolution",
    "Resolver", "slug", "Scores", "link_scores", "pairwise_scores",
]
