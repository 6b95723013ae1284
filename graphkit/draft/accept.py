"""A reviewed draft becomes records (``graphkit draft accept``): the project files, the source
entry and its text, the new organisations and places, written into the records folder only
after the whole folder, with them, passed the build's checks (nothing half-written).

What a reviewer does before (docs/guide-add-a-project.md): correct or delete each proposed fact,
give every new organisation its ``type`` and ``country`` (or point the participant at an existing
registry id), and move anything of ``unplaced`` worth keeping into the project. What accept does:

- drops the review-only keys (:data:`REVIEW_KEYS`: confidence, how it was found, the registry
  match and its candidates, the role words) and the ``unplaced`` list;
- turns every ``new:ID`` into ``ID`` (``place:new:ID`` into ``place:ID``) and adds the proposals
  (``new_organisations``, ``new_places``, or a ``new_organisation`` written on a participant) to
  ``organisations.yaml`` and ``places.yaml``;
- stores the page's text as read by the drafter (the quotes are verbatim from it) under
  ``sources/ID.txt`` and adds the source to ``sources.yaml``; each project goes to
  ``projects/ID.yaml``;
- loads and checks the records folder with these additions in a temporary copy
  (:func:`graphkit.builder.validate`: schema, references, quotes in their source, SHACL) and
  only then writes the files. Organisations that look like registry entries are reported.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import yaml

from graphkit import paths as where
from graphkit.draft.read import DraftError, read_page

REVIEW_KEYS = frozenset({"confidence", "found_by", "match", "candidates", "candidate", "role_words",
                         "language_detected", "new_organisation"})
NEW = "new:"


@dataclass
class Accepted:
    """What :func:`accept_draft` wrote (paths relative to the records folder) and what it warns of."""

    data_dir: Path
    projects: list[str] = field(default_factory=list)
    source: str = ""
    organisations: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report printed by the CLI."""
        out = [f"accepted into {self.data_dir}: source {self.source}, "
               f"project{'s' if len(self.projects) != 1 else ''} {', '.join(self.projects)}"]
        if self.organisations:
            out.append(f"new organisations: {', '.join(self.organisations)}")
        if self.places:
            out.append(f"new places: {', '.join(self.places)}")
        out += [f"written {f}" for f in self.files]
        if self.duplicates:
            out.append("organisations that look alike (decision 0017: state same_as or different_from):")
            out += [f"  {d}" for d in self.duplicates]
        return out


def _strip(node: Any) -> Any:
    """The node without review-only keys, ``new:`` ids turned into registry ids."""
    if isinstance(node, dict):
        return {k: _strip(v) for k, v in node.items() if k not in REVIEW_KEYS}
    if isinstance(node, list):
        return [_strip(v) for v in node]
    if isinstance(node, str):
        if node.startswith(NEW):
            return node[len(NEW):]
        if node.startswith("place:" + NEW):
            return "place:" + node[len("place:" + NEW):]
    return node


def _problem(draft: Path, where_: str, message: str) -> DraftError:
    return DraftError(f"{draft}: {where_}: {message}")


def _read_draft(path: Path) -> dict[str, Any]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DraftError(f"{path}: cannot read the draft: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise DraftError(f"{path}: the draft is not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise DraftError(f"{path}: the draft is not valid YAML{at}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(raw, dict):
        raise DraftError(f"{path}: not a draft (a mapping with source and projects expected)")
    for key in ("source", "projects"):
        if key not in raw:
            raise _problem(path, key, "missing (is this a file written by `graphkit draft`?)")
    if not isinstance(raw["source"], dict) or not raw["source"].get("id"):
        raise _problem(path, "source.id", "missing")
    if not isinstance(raw["projects"], list) or not raw["projects"]:
        raise _problem(path, "projects", "no project left in the draft; nothing to accept")
    return raw


def _new_entries(draft: dict[str, Any], path: Path) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """The proposed organisations and places by id (without ``new:``), from the top-level lists
    and from proposals written on a participant."""
    orgs: dict[str, dict[str, Any]] = {}
    for i, o in enumerate(draft.get("new_organisations") or []):
        if not isinstance(o, dict) or not str(o.get("id", "")).startswith(NEW):
            raise _problem(path, f"new_organisations[{i}].id", "an id starting with 'new:' expected")
        orgs[o["id"][len(NEW):]] = o
    for pi, project in enumerate(draft["projects"]):
        for k, part in enumerate(project.get("participants") or []):
            org = str(part.get("org", ""))
            if org.startswith(NEW) and isinstance(part.get("new_organisation"), dict):
                orgs.setdefault(org[len(NEW):], part["new_organisation"])
    places: dict[str, dict[str, Any]] = {}
    for i, p in enumerate(draft.get("new_places") or []):
        pid = str(p.get("id", "")) if isinstance(p, dict) else ""
        for prefix in ("place:", NEW):
            pid = pid[len(prefix):] if pid.startswith(prefix) else pid
        if not pid:
            raise _problem(path, f"new_places[{i}].id", "missing")
        places[pid] = p
    return orgs, places


def _strings(node: Any) -> Iterator[str]:
    """Every string value in a draft's node, depth first."""
    if isinstance(node, dict):
        for v in node.values():
            yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)
    elif isinstance(node, str):
        yield node


def _used_new_ids(node: Any) -> set[str]:
    """The ``new:ID`` organisations (as ``ID``) and ``place:new:ID`` places (as ``place:ID``) a
    node refers to."""
    found = set()
    for text in _strings(node):
        if text.startswith(NEW):
            found.add(text[len(NEW):])
        elif text.startswith("place:" + NEW):
            found.add("place:" + text[len("place:" + NEW):])
    return found


def _place_entry(pid: str, proposal: dict[str, Any]) -> dict[str, Any]:
    """A places-registry entry from a drafted place: its country is where it lies ``within`` when
    the reviewer gave nothing narrower (the registry keeps no separate country)."""
    entry = {"id": pid, **{k: v for k, v in proposal.items() if k not in ("id", "country")}}
    if not entry.get("within") and proposal.get("country"):
        entry["within"] = proposal["country"]
    return entry


def _place_refs(node: Any) -> set[str]:
    """The ids of the ``place:ID`` references in a (stripped) project."""
    return {text[len("place:"):] for text in _strings(node) if text.startswith("place:")}


def _dump_list(items: list[dict[str, Any]]) -> str:
    return yaml.safe_dump(items, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)


def _append(path: Path, header: str, items: list[dict[str, Any]]) -> str:
    """The text of a registry file with the items appended as a commented block."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if old and not old.endswith("\n"):
        old += "\n"
    return old + f"\n# --- {header}\n\n" + _dump_list(items)


def accept_draft(draft_path: Path | str, *, page: Path | str | None = None,
                 data_dir: Path | str | None = None) -> Accepted:
    """Turn a reviewed draft into records in ``data_dir`` (default ``data/`` of the working
    folder), all or nothing.

    ``page`` is the page the draft was made from (default: the draft's ``source.file``, looked
    for beside the draft, then in the working folder); its text is read as the drafter read it.

    Raises:
        DraftError: naming the draft and the field: not a draft, a new organisation without its
            type or country, an id already in the records, the page not found.
        RecordsInvalid: the records folder with the draft's records has problems (each with
            file, record and field); nothing is written.
    """
    from graphkit.builder import validate
    from graphkit.records import RecordsInvalid

    draft_path = Path(draft_path)
    data_dir = where.data_dir(Path(data_dir) if data_dir is not None else None)
    draft = _read_draft(draft_path)
    src = draft["source"]
    sid = str(src["id"])
    page_path = Path(page) if page is not None else _find_page(draft_path, src)
    text = read_page(page_path)

    orgs, places = _new_entries(draft, draft_path)
    projects = [_strip(p) for p in draft["projects"]]
    used = set().union(*(_used_new_ids(_strip_review_only(p)) for p in draft["projects"]))
    missing = sorted(u for u in used if not u.startswith("place:") and u not in orgs)
    if missing:
        raise _problem(draft_path, "projects", f"new:{missing[0]} is used but not proposed in new_organisations")
    new_orgs: list[dict[str, Any]] = []
    for oid in sorted(u for u in used if not u.startswith("place:")):
        entry = {"id": oid, **{k: v for k, v in _strip(orgs[oid]).items() if k != "id"}}
        for required in ("type", "country"):
            if not entry.get(required):
                raise _problem(draft_path, f"new organisation {oid} ({entry.get('name', '?')})",
                               f"give its {required} before accepting (or use an existing registry id "
                               f"as the participant's org)")
        new_orgs.append(entry)
    referenced = _place_refs(projects)
    new_places = [_place_entry(pid, _strip(places[pid]))
                  for pid in sorted(places) if pid in referenced or f"{NEW}{pid}" in referenced]
    unknown = sorted(u[len("place:"):] for u in used if u.startswith("place:") and u[len("place:"):] not in places)
    if unknown:
        raise _problem(draft_path, "projects", f"place:new:{unknown[0]} is used but not proposed in new_places")

    source_entry = {"id": sid, "file": f"sources/{sid}.txt", "title": src.get("title") or _first_line(text),
                    "language": src.get("language")}
    for k in ("publisher", "url", "retrieved", "note"):
        if src.get(k):
            source_entry[k] = src[k]

    targets = {f"sources/{sid}.txt": text}
    for p in projects:
        pid = p.get("id")
        if not pid:
            raise _problem(draft_path, "projects", "a project without id")
        rel = f"projects/{pid}.yaml"
        if rel in targets:
            raise _problem(draft_path, f"project {pid}", "two projects with this id")
        title = p.get("title") or pid
        targets[rel] = (f"# {title} – drafted from {page_path.name} by `graphkit draft`, reviewed and accepted.\n"
                        + yaml.safe_dump(p, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False))
    for rel in targets:
        if (data_dir / rel).exists():
            raise _problem(draft_path, rel.split("/")[0].rstrip("s"),
                           f"{rel} already exists in {data_dir}; give the draft another id")
    targets["sources.yaml"] = _append(data_dir / "sources.yaml", f"from the draft of {page_path.name}", [source_entry])
    if new_orgs:
        targets["organisations.yaml"] = _append(data_dir / "organisations.yaml",
                                                f"added from the draft of {page_path.name}", new_orgs)
    if new_places:
        targets["places.yaml"] = _append(data_dir / "places.yaml", f"added from the draft of {page_path.name}",
                                         new_places)

    with tempfile.TemporaryDirectory(prefix="graphkit-accept-") as tmp:
        trial = Path(tmp) / "data"
        shutil.copytree(data_dir, trial, ignore=shutil.ignore_patterns("external", "pages-dev", ".*"))
        for rel, body in targets.items():
            (trial / rel).parent.mkdir(parents=True, exist_ok=True)
            (trial / rel).write_text(body, encoding="utf-8")
        try:
            result = validate(trial)
        except RecordsInvalid as exc:
            raise DraftError(f"{draft_path}: the records with this draft have problems (nothing written):\n"
                             + "\n".join(f"  {pr}" for pr in exc.problems)) from None
        if not result.conforms:
            raise DraftError(f"{draft_path}: the records with this draft violate the shapes:\n"
                             + "\n".join(result.lines(warnings=False)))
        duplicates = [d for d in result.duplicates if any(o["id"] in d for o in new_orgs)]

    written = _write_all(data_dir, targets)
    return Accepted(data_dir=data_dir, projects=[p["id"] for p in projects], source=sid,
                    organisations=[o["id"] for o in new_orgs], places=[p["id"] for p in new_places],
                    files=written, duplicates=duplicates)


def _strip_review_only(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip_review_only(v) for k, v in node.items() if k not in REVIEW_KEYS}
    if isinstance(node, list):
        return [_strip_review_only(v) for v in node]
    return node


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.split("\n") if line.strip()), "")


def _find_page(draft_path: Path, src: dict[str, Any]) -> Path:
    name = src.get("page") or src.get("file")
    if not name:
        raise _problem(draft_path, "source.file", "missing: give the page with --page")
    for candidate in (draft_path.parent / name, Path(name), Path.cwd() / name):
        if candidate.is_file():
            return candidate
    raise _problem(draft_path, "source.file", f"the page {name!r} is not found beside the draft or here; "
                   "give it with --page")


def _write_all(data_dir: Path, targets: dict[str, str]) -> list[str]:
    """Write every file through a temporary file beside it, renaming them all at the end."""
    staged: list[tuple[str, Path, Path]] = []
    try:
        for rel, body in targets.items():
            dest = data_dir / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(body)
            staged.append((rel, Path(tmp), dest))
    except BaseException:
        for _rel, tmp, _dest in staged:
            tmp.unlink(missing_ok=True)
        raise
    for _rel, tmp, dest in staged:
        os.replace(tmp, dest)
    return [rel for rel, _tmp, _dest in staged]
