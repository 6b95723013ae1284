"""The resolver: names matched to the seed registry, the others clustered across the datasets, with
stable slugs (:class:`Resolver`, :class:`Resolution`)."""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from graphkit.resolve.names import ACCEPT, Analyser, DATASET_ORDER, fold, is_placeholder, Name, REVIEW
from graphkit.resolve.review import Entity, Match, Mention, ReviewRow
from graphkit.resolve.score import compare, Score


def slug(text: str, limit: int = 60) -> str:
    """A lower-case slug of ``text`` (folded, runs of other characters as ``-``), cut at a hyphen to at
    most ``limit`` characters; ``x`` when nothing is left."""
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
        """The match of a name as written; a name the resolver never saw gives no organisation (method
        ``unknown-name``)."""
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


