"""A programme the page's projects belong to (issue 16): read by the language's patterns
(``programme_words``, ``programme_frames``, ``programme_runs``, ``programme_this``).

Three ways a page says it (:func:`find_programme`):

- a frame before the programme's name: ``fa parte del programma “DEPOMI – Marocco”``,
  ``nell’ambito del programma X``, ``dans le cadre du programme X``, ``under the programme X``,
  ``en el marco del programa X``; what the sentence says from the frame on is the programme's;
- a body that runs the programme: ``le FORIM met en œuvre le Programme d'Appui ...``; the whole
  sentence is the programme's (its subject is the programme's implementer);
- the programme as the subject of a sentence: ``The program is funded by ... and implemented by
  ...``, ``Ce programme vise ...``; the sentence from the programme word on is the programme's.
  Alone (no frame or body running it on the page) it makes a programme only when the drafter
  finds a role in it (the caller checks: :attr:`Programme.needs_role`).

A name that is a fund of the registry (``nell’ambito del programma Fami``) is a fund, not a
programme: no programme is read from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graphkit.draft.read import Segment, patterns, segments

QUOTED = re.compile(r"\s*[«“\"]\s*([^»”\"\n]{3,160}?)\s*[»”\"]")
# a name after a lower-case programme word: capitalised words, small connectors between them
NAMED = re.compile(r"\s+((?:[^\W\d_a-zß-ÿ]|\d)[\w’'./&-]*(?:\s+(?:[a-zà-ÿ]{1,4}\s+)?(?:[^\W\d_a-zß-ÿ]|\d)[\w’'./&-]*)*"
                   r"(?:\s*[–-]\s*[^\W\d_a-zß-ÿ][\w’'.-]*)*)")
# a programme word written as the start of its name (``Programme d'Appui aux Projets ...``): up to
# the first comma, full stop or parenthesis (``migrant.e.s`` keeps its dots), with a capital letter
# after the word
LONG_NAME = re.compile(r"(?:[^,.;:()\n«“\"]|\.(?=\w)){3,200}")


@dataclass
class Programme:
    """The programme a page speaks of: its title (None when the page gives no name), the words
    that name it, how it was found, and the parts of the text that speak of it."""

    title: str | None
    title_quote: str
    found_by: str
    spans: list[tuple[int, int]] = field(default_factory=list)   # text offsets whose facts are the programme's
    quotes: set[str] = field(default_factory=set)                # the sentences of those spans
    name_span: tuple[int, int] | None = None                     # where its name is written
    needs_role: bool = False                                     # found only as a sentence's subject

    def holds(self, pos: int | None, quote: str) -> bool:
        """A fact at ``pos`` (an offset in the text), or, without one, read from the sentence
        ``quote``, is the programme's."""
        if pos is not None:
            return any(a <= pos < b for a, b in self.spans)
        return quote in self.quotes

    def start_of(self, pos: int) -> int | None:
        """The start of the programme's span holding ``pos``, or None."""
        return next((a for a, b in self.spans if a <= pos < b), None)

    def names(self, start: int, end: int) -> bool:
        """The programme's name is written between ``start`` and ``end`` (a project title read
        there is the programme's)."""
        return self.name_span is not None and start <= self.name_span[0] and self.name_span[1] <= end


def _name_after(seg: Segment, at: int, word: str, fund_spans: list[tuple[int, int]]
                ) -> tuple[str, tuple[int, int]] | None | bool:
    """The programme's name after its word (``at``: the offset in the sentence after the word):
    (title, text span), None when no name follows, False when the name is a fund's."""
    s = seg.text
    q = QUOTED.match(s, at)
    m_start = m_end = None
    title = None
    if q:
        title, m_start, m_end = q.group(1).strip(), q.start(1), q.end(1)
    elif word[:1].isupper():
        rest = LONG_NAME.match(s, at)
        if rest and re.search(r"[^\W\d_a-zß-ÿ]", rest.group(0)):
            title = (word + rest.group(0)).strip()
            m_start, m_end = at - len(word), at - len(word) + len(title)
    else:
        n = NAMED.match(s, at)
        if n:
            title, m_start, m_end = n.group(1).strip(" –-"), n.start(1), n.end(1)
    if title is None:
        return None
    a, b = seg.start + m_start, seg.start + m_end
    if any(x < b and a < y for x, y in fund_spans):
        return False
    return title, (a, b)


def find_programme(text: str, language: str, fund_spans: list[tuple[int, int]]) -> Programme | None:
    """The programme the page speaks of, or None (see the module's doc). One programme a page:
    the first named one; sentences with the programme as their subject join it."""
    p = patterns(language)
    words = p.get("programme_words")
    if not words:
        return None
    word = rf"(?:{words})(?!\w)"
    frame = re.compile(rf"(?<!\w)(?:{p['programme_frames']})\s+(?P<word>{word})", re.IGNORECASE) \
        if p.get("programme_frames") else None
    runs = re.compile(rf"(?<!\w)(?:{p['programme_runs']})\s+(?:(?:{p.get('programme_this') or 'the'})\s+)?"
                      rf"(?P<word>{word})", re.IGNORECASE) if p.get("programme_runs") else None
    subject = re.compile(rf"^(?:{p.get('programme_this') or 'the'})\s+(?P<word>{word})", re.IGNORECASE)
    found: Programme | None = None
    subjects: list[tuple[Segment, re.Match]] = []
    for seg in segments(text):
        sm = subject.match(seg.text)
        if sm:
            subjects.append((seg, sm))
            continue
        if found is not None:
            continue
        for rx, how in ((frame, "frame"), (runs, "runs")):
            m = rx.search(seg.text) if rx else None
            if not m:
                continue
            name = _name_after(seg, m.end("word"), m.group("word"), fund_spans)
            if not name:
                continue
            title, span = name
            start = seg.start if how == "runs" else seg.start + m.start()
            found = Programme(
                title=title, title_quote=seg.text,
                found_by=(f"programme named after '{m.group(0)}'" if how == "frame" else
                          f"programme run by the sentence's subject ('{m.group(0)}')"),
                spans=[(start, seg.end)], quotes={seg.text}, name_span=span)
            break
    if not subjects and found is None:
        return None
    if found is None:
        seg, sm = subjects[0]
        found = Programme(title=None, title_quote=seg.text, needs_role=True,
                          found_by=f"a sentence about the programme ('{sm.group(0)}'); the page gives it no name")
    for seg, sm in subjects:
        found.spans.append((seg.start + sm.start("word"), seg.end))
        found.quotes.add(seg.text)
    return found
