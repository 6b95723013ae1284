"""The page drafter (issue 16): a web page about a migration-cooperation project -> a YAML draft in
the records format, for a person to review (docs/drafting.md).

- :func:`draft_page`: the draft of one page, as a dict; :func:`render` its YAML text;
  :func:`write_draft` writes it (to a temporary file, then renamed: nothing half-written).
- :mod:`graphkit.draft.read`: the page's text (plain or HTML) and language.
- :mod:`graphkit.draft.extract`: names and roles, funds, dates, budgets, by the patterns of
  ``graphkit/resources/draft/patterns-{it,fr,es,en}.yaml``.
- :mod:`graphkit.draft.evaluate`: drafts scored against hand-made expected records.

Example::

    from graphkit.draft import draft_page, render
    print(render(draft_page("tests/data/pages-dev/it-passerelles.txt")))
"""

from __future__ import annotations

import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from graphkit import paths as where
from graphkit.draft.extract import (
    Mention, find_budgets, find_dates, find_funds, find_names, find_title, unused_cues,
)
from graphkit.draft.read import DraftError, detect_language, read_page
from graphkit.records.reference import load_reference
from graphkit.resolve import Resolver
from graphkit.resolve.places import registry_analyser
from graphkit.resolve.names import ACCEPT, REVIEW

__all__ = ["DraftError", "Registry", "draft_page", "render", "write_draft", "registry"]

ROLE_CONFIDENCE = {"after": 0.9, "heading": 0.9, "cue": 0.7}


class Registry:
    """The organisations and funds of the records folder, and the resolver over the organisations."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self.organisations = [o for o in _load(self.data_dir / "organisations.yaml") if o.get("id") and o.get("name")]
        self.funds = [f for f in _load(self.data_dir / "funds.yaml") if f.get("id") and f.get("name")]
        self.by_id = {o["id"]: o for o in self.organisations}
        tables = load_reference(where.reference_dir_of(self.data_dir))
        countries = [n for c in tables.countries.values() for n in c.names.values()]
        names = [n for o in self.organisations for n in [o["name"], *(o.get("aliases") or [])]]
        self.resolver = Resolver(self.organisations,
                                 registry_analyser(names, where.reference_dir_of(self.data_dir), countries))
        gaz: set[tuple[str, str]] = set()
        for o in self.organisations:
            for n in [o["name"], o.get("acronym"), *(o.get("aliases") or [])]:
                if n and len(n) >= 3 and n[0].isupper():
                    gaz.add((n, o["id"]))
        self.gazetteer = sorted(gaz, key=lambda x: (-len(x[0]), x))

    def match(self, name: str, italian: bool) -> tuple[str | None, float, str]:
        """The best registry organisation for a name: (id or None, score rounded to 0.01, method)."""
        sid, score = self.resolver.best_seed(self.resolver.analyser.analyse(name), italian)
        return sid, round(score.confidence, 2), score.method


def _load(path: Path) -> list[dict[str, Any]]:
    try:
        items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as exc:
        raise DraftError(f"{path}: cannot read the registry: {exc}") from None
    return [x for x in items if isinstance(x, dict)]


@lru_cache(maxsize=4)
def registry(data_dir: Path | str | None = None) -> Registry:
    """The registry of a records folder (default ``data/`` of the working folder), read once."""
    return Registry(where.data_dir(Path(data_dir) if data_dir is not None else None))


def _slug(text: str) -> str:
    from graphkit.resolve.names import fold

    return re.sub(r"[^a-z0-9]+", "-", fold(text).casefold()).strip("-")[:60] or "page"


def _acronym(as_written: str) -> str | None:
    m = re.search(r"\(\s*([A-Z][A-Za-z.&-]{1,14})\s*\)", as_written)
    if m:
        return m.group(1)
    return as_written if re.fullmatch(r"[A-Z][A-Z0-9.&-]{1,14}", as_written) else None


def _organisation(m: Mention, reg: Registry, language: str) -> dict[str, Any]:
    """The registry match of a name (score >= ACCEPT), else a new-organisation proposal."""
    name = m.proposed_name or m.as_written
    sid, score, method = reg.match(name, language == "it")
    if sid and score >= ACCEPT:
        return {"org": sid, "match": {"id": sid, "name": reg.by_id[sid]["name"], "score": score, "method": method}}
    clean = re.sub(r"\s*\(\s*[A-Z][A-Za-z.&-]{1,14}\s*\)\s*", " ", name).strip() or name
    proposal: dict[str, Any] = {"name": clean}
    acr = _acronym(m.as_written)
    if acr and acr != clean:
        proposal["acronym"] = acr
    if sid and score >= REVIEW:
        proposal["candidate"] = {"id": sid, "name": reg.by_id[sid]["name"], "score": score, "method": method}
    return {"org": f"new:{_slug(clean)}", "new_organisation": proposal}


def draft_page(page: Path | str, *, language: str | None = None, url: str | None = None,
               data_dir: Path | str | None = None) -> dict[str, Any]:
    """The draft of one page, as a dict in the records format (see :func:`render`).

    Raises:
        DraftError: the page is empty, binary, of no known language, or names no organisation.
    """
    page = Path(page)
    text = read_page(page)
    detected = language is None
    if language is None:
        language = detect_language(text)
        if language is None:
            raise DraftError(f"{page}: cannot tell the language of the page; give --language it|fr|es|en")
    reg = registry(data_dir)
    funds, fund_spans = find_funds(text, reg.funds)
    mentions = find_names(text, language, reg.gazetteer, fund_spans)
    if not mentions:
        raise DraftError(f"{page}: no organisation found in the page; nothing drafted")
    participants: list[dict[str, Any]] = []
    unplaced: list[dict[str, Any]] = []
    seen: dict[tuple[str, str | None], dict[str, Any]] = {}
    with_role: set[str] = set()
    resolved = [(m, _organisation(m, reg, language)) for m in mentions]
    for m, org in resolved:
        if m.role:
            with_role.add(org["org"])
    for m, org in resolved:
        key = (org["org"], m.role)
        if key in seen:
            continue
        if m.role is None:
            if org["org"] in with_role or (org["org"], None) in seen:
                continue
            entry = {"what": "organisation named, role not found", "as_written": m.as_written, "quote": m.segment.text,
                     **{k: v for k, v in org.items()}}
            seen[key] = entry
            unplaced.append(entry)
            continue
        name_conf = org["match"]["score"] if "match" in org else (0.5 if m.how == "acronym" else 0.6)
        entry = {"org": org["org"], "role": m.role, "as_written": m.as_written, "quote": m.segment.text,
                 "role_words": m.role_words, "confidence": round(ROLE_CONFIDENCE[m.role_how] * name_conf, 2),
                 "found_by": f"{m.how}, role by {m.role_how}"}
        entry.update({k: v for k, v in org.items() if k != "org"})
        seen[key] = entry
        participants.append(entry)
    unplaced.extend(unused_cues(text, language, mentions))
    slug = _slug(page.stem)
    first = next(line.strip() for line in text.split("\n") if line.strip())
    title = find_title(text, language)
    project: dict[str, Any] = {
        "id": slug,
        "source": slug,
        "title": title["title"] if title else None,
    }
    if title:
        project["title_quote"] = title["title_quote"]
    project.update({
        "participants": participants,
        "funding": funds,
        "dates": find_dates(text, language),
        "budgets": find_budgets(text, language),
    })
    source: dict[str, Any] = {"id": slug, "file": page.name, "title": first, "language": language,
                              "language_detected": detected}
    if url:
        source["url"] = url
    return {"source": source, "projects": [project], "unplaced": unplaced}


HEADER = ("# Draft written by `graphkit draft` from {file}: a proposal to review, not a record.\n"
          "# Every quote is verbatim from the page; confidence = how sure the role (0.9 heading or a role word\n"
          "# after the name, 0.7 a cue before it) times the name's match (registry score, 0.6 a new name).\n")


def render(draft: dict[str, Any]) -> str:
    """The YAML text of a draft: the same draft gives the same bytes."""
    body = yaml.safe_dump(draft, allow_unicode=True, sort_keys=False, width=100000, default_flow_style=False)
    return HEADER.format(file=draft["source"]["file"]) + body


def write_draft(draft: dict[str, Any], out: Path | str) -> Path:
    """Write a draft to ``out`` through a temporary file in the same folder, renamed at the end."""
    out = Path(out)
    text = render(draft)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out
