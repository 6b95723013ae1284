"""Dates a page states, with their kind and precision (:func:`read_dates`), and the records'
``dates:`` block made of them (:func:`dates_block`).

A date is ``dd.mm.yyyy`` (or ``/``), ``[day] month year`` in the page's language, or a year; a
period is two of them joined by a dash or ``al``/``au``/``to``. Its kind comes from the cue words
before it in its sentence (``date_cues`` of the pattern file: ``avviato`` -> started, ``approvato``
-> approved, ``firmato`` -> signature ...) or from a field heading (``Quando:``, ``Periodo:``). A
duration is a number (digits or a number word) and a unit (``36 mesi``, ``tre anni``, ``12 mois``,
``three years``) in a sentence that has a duration cue (``durata``, ``durée``, ``abarca``,
``duration``) or after a ``Durata:`` heading; it is written in months.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from graphkit.draft.read import patterns, segments

__all__ = ["read_dates", "dates_block", "find_durations"]


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


@lru_cache(maxsize=None)
def _compiled(language: str) -> dict[str, Any]:
    p = patterns(language)
    months = {k.casefold(): v for k, v in p["months"].items()}
    malt = _alt(list(months))

    def one(n: int) -> str:
        day = rf"(?P<d{n}>\d{{1,2}})[./-](?P<m{n}>\d{{1,2}})[./-](?P<y{n}>(?:19|20)\d\d)"
        named = (rf"(?:(?P<nd{n}>\d{{1,2}})(?:º|°|er)?\s+)?(?:de\s+)?(?P<nm{n}>{malt})\s+(?:de\s+|del\s+)?"
                 rf"(?P<ny{n}>(?:19|20)\d\d)")
        year = rf"(?P<yy{n}>(?:19|20)\d\d)"
        return rf"(?:{day}|{named}|{year})"

    joins = _alt(p.get("range_words") or []) or "to"
    date = re.compile(rf"(?<![\w.,/]){one(1)}(?:\s*(?:[-–—]|{joins})\s*{one(2)})?(?![\w/]|[.,]\d)", re.IGNORECASE)
    numbers = {k.casefold(): v for k, v in (p.get("numbers") or {}).items()}
    units = p.get("duration_units") or {}
    unit_alt = _alt(list(units))
    num_alt = _alt(list(numbers))
    duration = re.compile(rf"(?<![\w.,])(?P<n>\d{{1,3}}|{num_alt})[\s-]+(?P<u>{unit_alt})(?!\w)", re.IGNORECASE)
    cues = [(kind, re.compile(rf"(?<!\w)(?:{rx})", re.IGNORECASE)) for kind, rx in (p.get("date_cues") or {}).items()]
    dcue = re.compile(rf"(?<!\w)(?:{p.get('duration_cues') or 'duration'})", re.IGNORECASE)
    planned = re.compile(rf"(?<!\w)(?:{p.get('planned_words') or 'planned'})", re.IGNORECASE)
    dwords = {k.casefold(): v for k, v in (p.get("duration_words") or {}).items()}
    pw = p["project_words"]
    dw = _alt(list(dwords)) or "(?!)"
    adjective = re.compile(rf"(?<!\w)(?:(?:{pw})(?:\s+[\w’']+)?\s+(?P<a>{dw})|(?P<b>{dw})\s+(?:[\w’']+\s+)?(?:{pw}))(?!\w)",
                           re.IGNORECASE)
    return {"adjective": adjective, "dwords": dwords, "date": date, "months": months, "numbers": numbers, "units": {k.casefold(): v for k, v in units.items()},
            "duration": duration, "cues": cues, "dcue": dcue, "planned": planned}


def _value(m: re.Match, n: int, months: dict[str, int]) -> tuple[str, str] | None:
    g = m.groupdict()
    if g.get(f"y{n}"):
        d, mo = int(g[f"d{n}"]), int(g[f"m{n}"])
        if not (1 <= d <= 31 and 1 <= mo <= 12):
            return None
        return f"{g[f'y{n}']}-{mo:02d}-{d:02d}", "day"
    if g.get(f"ny{n}"):
        mo = months[g[f"nm{n}"].casefold()]
        if g.get(f"nd{n}"):
            return f"{g[f'ny{n}']}-{mo:02d}-{int(g[f'nd{n}']):02d}", "day"
        return f"{g[f'ny{n}']}-{mo:02d}", "month"
    if g.get(f"yy{n}"):
        return g[f"yy{n}"], "year"
    return None


def _kind_before(text: str, at: int, c: dict[str, Any]) -> tuple[str | None, str | None]:
    """The kind given by the cue nearest before ``at`` in the sentence, with the cue's words."""
    best: tuple[int, str, str] | None = None
    for kind, rx in c["cues"]:
        for m in rx.finditer(text, 0, at):
            if best is None or m.start() > best[0]:
                best = (m.start(), kind, m.group(0))
    return (best[1], best[2]) if best else (None, None)


def read_dates(text: str, language: str) -> list[dict[str, Any]]:
    """Every date and period of the page, in page order: ``kind`` (submitted, approved, started,
    ended, signature, period, or ``date`` when no cue says), ``value`` or ``start``/``end``, the
    precision (day, month, year), the cue words, the text as written and its sentence."""
    c = _compiled(language)
    out: list[dict[str, Any]] = []
    for seg in segments(text):
        for m in c["date"].finditer(seg.text):
            first = _value(m, 1, c["months"])
            if first is None:
                continue
            second = _value(m, 2, c["months"]) if any(m.group(g + "2") for g in ("d", "nm", "yy")) else None
            kind, cue = _kind_before(seg.text, m.start(), c)
            item: dict[str, Any] = {"as_written": m.group(0), "quote": seg.text, "cue": cue,
                                    "offset": seg.start + m.start()}
            if second:
                item.update(kind="period", start=first[0], end=second[0],
                            precision=first[1] if first[1] == second[1] else "mixed")
            else:
                item.update(kind=kind or "date", value=first[0], precision=first[1])
            out.append(item)
    return out


def find_durations(text: str, language: str) -> list[dict[str, Any]]:
    """Durations in months (``36 mesi`` -> 36, ``tre anni`` -> 36, ``four years`` -> 48) in a
    sentence with a duration cue, whether planned (``prevista``, ``will``), as written, with the sentence."""
    c = _compiled(language)
    out: list[dict[str, Any]] = []
    for seg in segments(text):
        cue = c["dcue"].search(seg.text)
        if not cue:
            continue
        for m in c["duration"].finditer(seg.text):
            n = m.group("n").casefold()
            number = int(n) if n.isdigit() else c["numbers"][n]
            months = number * c["units"][m.group("u").casefold()]
            if not 0 < months <= 600:
                continue
            out.append({"months": months, "planned": bool(c["planned"].search(seg.text)),
                        "as_written": m.group(0), "cue": cue.group(0), "quote": seg.text,
                        "offset": seg.start + m.start()})
    for seg in segments(text):
        for m in c["adjective"].finditer(seg.text):
            word = (m.group("a") or m.group("b")).casefold()
            out.append({"months": c["dwords"][word], "planned": False, "as_written": m.group(0),
                        "cue": word, "quote": seg.text, "offset": seg.start + m.start()})
    return out


KINDS = {"submitted": "submitted", "approved": "approved", "started": "started", "ended": "ended",
         "signature": "about", "date": "about"}


def dates_block(dates: list[dict[str, Any]], durations: list[dict[str, Any]]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The records' ``dates:`` block (submitted, approved, started, ended, period in years,
    duration in months, about) from what :func:`read_dates` and :func:`find_durations` found, the
    first of each kind; a period given in days or months becomes started and ended. The dates
    that found no place in the block are returned to be listed as unplaced."""
    block: dict[str, Any] = {}
    rest: list[dict[str, Any]] = []

    def put(key: str, fact: dict[str, Any], d: dict[str, Any], how: str) -> bool:
        if key in block:
            return False
        block[key] = {**fact, "quote": d["quote"], "found_by": how}
        return True

    for d in dates:
        cue = f"cue '{d['cue']}'" if d.get("cue") else "no cue"
        if d["kind"] == "period":
            how = f"period as written '{d['as_written']}', precision {d['precision']}, {cue}"
            if d["precision"] == "year":
                ok = put("period", {"start": d["start"], "end": d["end"]}, d, how)
            else:
                ok = "started" not in block and "ended" not in block
                if ok:
                    put("started", {"value": d["start"]}, d, how)
                    put("ended", {"value": d["end"]}, d, how)
            if not ok:
                rest.append(d)
            continue
        key = KINDS.get(d["kind"], "about")
        how = f"date as written '{d['as_written']}', precision {d['precision']}, {cue}"
        if d["kind"] == "signature":
            how += " (a signature: the records have no signature date, written as about)"
        if d["kind"] == "date" or not put(key, {"value": d["value"]}, d, how):
            rest.append(d)
    if not any(k in block for k in ("submitted", "approved", "started", "ended", "period")):
        undated = next((d for d in rest if d["kind"] == "date"), None)
        if undated is not None:        # the only date the page gives, whose kind no cue says
            rest.remove(undated)
            put("about", {"value": undated["value"]}, undated,
                f"date as written '{undated['as_written']}', precision {undated['precision']}, no cue: "
                f"the page's only date, written as about")
    for d in durations:
        fact: dict[str, Any] = {"months": d["months"]}
        if d["planned"]:
            fact["planned"] = True
        if not put("duration", fact, d, f"duration as written '{d['as_written']}', cue '{d['cue']}'"):
            rest.append(d)
    order = ["submitted", "approved", "started", "ended", "period", "duration", "about"]
    return {k: block[k] for k in order if k in block}, rest
