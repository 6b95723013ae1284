"""Reading a page: its text (plain text, or HTML saved from a browser), its language, its
sentences and lines (:func:`read_page`, :func:`detect_language`, :func:`segments`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

from graphkit.errors import EXIT_NONCONFORMING, GraphkitError
from graphkit.paths import RESOURCES

LANGUAGES = ("it", "fr", "es", "en")
PATTERNS_DIR = RESOURCES / "draft"


class DraftError(GraphkitError, ValueError):
    """A page that cannot be drafted (empty, binary, no organisation, unknown language): exit code 1."""

    exit_code = EXIT_NONCONFORMING


@lru_cache(maxsize=None)
def patterns(language: str) -> dict[str, Any]:
    """The reading patterns of a language (``graphkit/resources/draft/patterns-{language}.yaml``)."""
    if language not in LANGUAGES:
        raise DraftError(f"unknown language {language!r} (known: {', '.join(LANGUAGES)})")
    return yaml.safe_load((PATTERNS_DIR / f"patterns-{language}.yaml").read_text(encoding="utf-8"))


_BLOCKS = {"p", "div", "br", "li", "ul", "ol", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "section",
           "article", "header", "footer", "table", "dt", "dd", "blockquote", "title", "nav", "main", "aside"}
_SKIP = {"script", "style", "noscript", "template", "svg", "head"}


class _Text(HTMLParser):
    """The visible text of an HTML page, one line per block element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.title: list[str] = []
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "title":
            self.in_title = True
        if tag in _SKIP:
            self.skip += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")
            if tag == "li":
                self.parts.append("• ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.skip == 0:
            self.parts.append(data)


def html_text(html: str) -> str:
    """The visible text of an HTML document: scripts and styles left out, a line per block,
    spaces inside a line collapsed, at most one empty line in a row."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip() + "\n"


def looks_like_html(text: str) -> bool:
    """Whether a text is an HTML document (a doctype, an html tag or a block tag near its start)."""
    head = text.lstrip()[:1000].lower()
    return head.startswith("<!doctype html") or head.startswith("<html") or bool(
        re.search(r"<(?:html|body|head|div|p)\b[^>]*>", head))


def read_page(path: Path) -> str:
    """The text of a page file (UTF-8 plain text or HTML); a :class:`DraftError` naming the file
    when it is empty, binary or not UTF-8."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DraftError(f"{path}: cannot read the page: {exc.strerror or exc}") from None
    if b"\x00" in data:
        raise DraftError(f"{path}: not a text page (binary content)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DraftError(f"{path}: not a text page (not UTF-8)") from None
    if looks_like_html(text):
        text = html_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DraftError(f"{path}: the page is empty")
    return text


_WORD = re.compile(r"[^\W\d_]+(?:[’'][^\W\d_]+)?")


def language_counts(text: str) -> dict[str, int]:
    """How many words of the text are stop words of each language."""
    words = [w.casefold() for w in _WORD.findall(text)]
    counts = {}
    for lang in LANGUAGES:
        stop = {s.casefold() for s in patterns(lang)["stopwords"]}
        counts[lang] = sum(1 for w in words if w in stop)
    return counts


def detect_language(text: str) -> str | None:
    """The language of a text (it, fr, es, en) by counting each language's stop words; None when
    no stop word is found or two languages tie for the most."""
    counts = language_counts(text)
    best = max(counts.values())
    winners = [lang for lang in LANGUAGES if counts[lang] == best]
    return winners[0] if best > 0 and len(winners) == 1 else None


@dataclass(frozen=True)
class Segment:
    """A sentence of the page (within one line), with its offsets in the page's text."""

    start: int
    end: int
    text: str
    line: int          # the index of the line it is on


_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[«“\"(]?[^\W\d_a-zà-ÿ])")


def segments(text: str) -> list[Segment]:
    """The page's sentences: each line cut after ``. ! ? ;`` followed by a capital letter."""
    out: list[Segment] = []
    pos = 0
    for i, line in enumerate(text.split("\n")):
        start = 0
        for m in _SENTENCE_END.finditer(line):
            piece = line[start:m.start()]
            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                out.append(Segment(pos + start + lead, pos + m.start(), piece.strip(), i))
            start = m.end()
        piece = line[start:]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            out.append(Segment(pos + start + lead, pos + start + lead + len(piece.strip()), piece.strip(), i))
        pos += len(line) + 1
    return out
