"""Scoring a resolution against names matched by hand: pairwise and link precision and recall."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping



@dataclass(frozen=True)
class Scores:
    """Precision and recall of a resolution, with the true positives, false positives and false negatives
    they come from."""

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
