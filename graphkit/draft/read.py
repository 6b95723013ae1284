"""Reading a page: its text (plain text, or HTML saved from a browser), its language, its
sentences and lines (:func:`read_page`, :func:`detect_language`, :func:`segments`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
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


def html_text(html: str | bytes) -> str:
    """The text of an HTML page saved from a browser, by trafilatura: the main content (menus,
    footers, scripts and styles left out), a line per paragraph, list item (``- item``) or table
    row (``| a | b |``); the whole visible text when no main content is found (a short page)."""
    import trafilatura

    text = trafilatura.extract(html, include_tables=True, include_comments=False, favor_recall=True,
                               deduplicate=False, include_links=False, include_images=False)
    if not text or not text.strip():
        text = trafilatura.html2txt(html) or ""
    lines = [" ".join(line.split()) for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip() + "\n"


def html_title(html: str | bytes) -> str | None:
    """The title of an HTML page (its ``<title>`` or the metadata trafilatura finds), or None."""
    import trafilatura

    meta = trafilatura.extract_metadata(html)
    title = meta.title if meta is not None else None
    return " ".join(title.split()) if title else None


def looks_like_html(text: str) -> bool:
    """Whether a text is an HTML document (a doctype, an html tag or a block tag near its start)."""
    head = text.lstrip()[:1000].lower()
    return head.startswith("<!doctype html") or head.startswith("<html") or bool(
        re.search(r"<(?:html|body|head|div|p)\b[^>]*>", head))


_MAGIC = [(b"%PDF-", "a PDF document"), (b"PK\x03\x04", "a ZIP archive (a .docx, .odt or .xlsx file is one)"),
          (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
          (b"\xd0\xcf\x11\xe0", "an old Office document"), (b"{\\rtf", "an RTF document"),
          (b"\x1f\x8b", "a gzip file")]


def _not_text(path: Path, data: bytes) -> str | None:
    """Why the bytes of a page file are not a text page, or None."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return f"{path}: not a text page: it is {what}; save the page as text or HTML and draft that"
    if b"\x00" in data:
        return f"{path}: not a text page (binary content: NUL bytes)"
    return None


def read_page(path: Path) -> str:
    """The text of a page file: UTF-8 plain text, or HTML saved from a browser (any declared
    encoding) reduced to its main text by :func:`html_text`.

    Raises:
        DraftError: naming the file, when it cannot be read, is empty (or has no visible text),
            is binary (a PDF, an image, an archive, NUL bytes) or is plain text not in UTF-8.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DraftError(f"{path}: cannot read the page: {exc.strerror or exc}") from None
    if not data.strip():
        raise DraftError(f"{path}: the page is empty ({len(data)} bytes); nothing drafted")
    why = _not_text(path, data)
    if why:
        raise DraftError(why)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        head = data[:2000].decode("latin-1").lower()
        if looks_like_html(head):
            text = html_text(data)      # trafilatura decodes by the page's declared or detected charset
        else:
            from charset_normalizer import from_bytes

            guess = from_bytes(data).best()
            hint = (f" (it looks like {guess.encoding}: convert it with `iconv -f {guess.encoding} -t utf-8`)"
                    if guess is not None else "")
            raise DraftError(f"{path}: not a UTF-8 text page: byte {data[exc.start]:#04x} at offset {exc.start}"
                             f"{hint}") from None
    else:
        if looks_like_html(text):
            text = html_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DraftError(f"{path}: the page has no visible text; nothing drafted")
    return text


_WORD = re.compile(r"[^\W\d_]+(?:[’'][^\W\d_]+)?")


@lru_cache(maxsize=None)
def _stopwords() -> dict[str, frozenset[str]]:
    """The stop words of the drafting languages and of the languages only recognised."""
    words = {lang: frozenset(s.casefold() for s in patterns(lang)["stopwords"]) for lang in LANGUAGES}
    other = yaml.safe_load((PATTERNS_DIR / "languages-other.yaml").read_text(encoding="utf-8"))
    words.update({lang: frozenset(str(s).casefold() for s in spec["stopwords"]) for lang, spec in other.items()})
    return words


@lru_cache(maxsize=None)
def other_language_names() -> dict[str, str]:
    """The languages recognised but not drafted: code -> English name."""
    other = yaml.safe_load((PATTERNS_DIR / "languages-other.yaml").read_text(encoding="utf-8"))
    return {lang: spec["name"] for lang, spec in other.items()}


def language_counts(text: str) -> dict[str, int]:
    """How many words of the text are stop words of each language (drafting languages first,
    then those only recognised)."""
    words = [w.casefold() for w in _WORD.findall(text)]
    return {lang: sum(1 for w in words if w in stop) for lang, stop in _stopwords().items()}


MIN_STOPWORDS = 3      # fewer stop words than this: too little text to tell its language


def detect_language(text: str) -> str | None:
    """The language of a text (it, fr, es, en) by counting each language's stop words; None when
    fewer than ``MIN_STOPWORDS`` are found, two languages tie for the most, or the text is in a
    language graphkit does not draft (:func:`language_problem` says which)."""
    counts = language_counts(text)
    best = max(counts.values())
    winners = [lang for lang in counts if counts[lang] == best]
    if best < MIN_STOPWORDS or len(winners) != 1 or winners[0] not in LANGUAGES:
        return None
    return winners[0]


def language_problem(text: str) -> str:
    """Why :func:`detect_language` gives no language for a text, in words for the user."""
    letters = [c for c in text if c.isalpha()]
    latin = sum(1 for c in letters if c.isascii() or "\u00c0" <= c <= "\u024f")
    if letters and latin < len(letters) / 2:
        return ("the page is not written in the Latin alphabet; graphkit drafts pages in "
                "Italian, French, Spanish or English")
    counts = language_counts(text)
    best = max(counts.values())
    winners = [lang for lang in counts if counts[lang] == best]
    if best < MIN_STOPWORDS:
        return (f"cannot tell the language of the page ({best} common words of it/fr/es/en found); "
                "give --language it|fr|es|en")
    if len(winners) > 1:
        return (f"cannot tell the language of the page ({' and '.join(winners)} tie with {best} common "
                "words each); give --language it|fr|es|en")
    names = other_language_names()
    return (f"the page is in {names[winners[0]]} ({winners[0]}); graphkit drafts pages in Italian, "
            "French, Spanish or English (give --language to read it as one of them anyway)")


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
