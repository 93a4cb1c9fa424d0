"""The encoding of a CSV file, decided once for the whole file, and its text.

A byte order mark decides (UTF-8, UTF-16, UTF-32). Without one: UTF-16 is told by
its NUL bytes (every other byte of the ASCII commas, digits and line ends); a file
that is strict UTF-8 is UTF-8. Any other text is GB18030 (a superset of GBK and
GB2312, what Chinese Excel writes) or Big5 (Taiwan and Hong Kong systems, decoded as
Big5-HKSCS), and strict decoding cannot tell them apart: GB18030 decodes nearly any
byte string, and most Big5 text decodes as GB18030 without an error, as garbage.
So each is decoded and the one whose Chinese is *plausible* wins: the share of its
non-ASCII characters that are common ones (GB2312 level 1 and Big5 level 1 hanzi,
and the punctuation rows of both). On any ten rows of the sample ledger, right
decodings score 0.9 or more and wrong ones 0.61 at most (``tests/test_encodings.py``).
A short file may look plausible both ways (GBK 编号,名称 reads as common Big5
characters): there the header decides, the one encoding under which the first rows
hold known header names. Where neither decoding is plausible, or both are and the
header does not tell, the file is refused rather than guessed.

Lines are classified one by one too: a line that is strict UTF-8 with non-ASCII
bytes is UTF-8 text (GBK or Big5 Chinese practically never is), so a file mixing
UTF-8 and GBK lines is recognised as such, even where GB18030 would decode it all
as garbage. Such a file is read in the encoding of most of its lines; each line in
the other one is marked bad (its row is rejected), never decoded as garbage.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = ["Decoded", "decode", "detect_encoding", "looks_binary", "plausibility"]

UTF8, GB18030, BIG5 = "utf-8", "gb18030", "big5hkscs"
NAMES = {
    UTF8: "UTF-8",
    "utf-8-sig": "UTF-8",
    GB18030: "GB18030",
    BIG5: "Big5",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16LE",
    "utf-16-be": "UTF-16BE",
    "utf-32": "UTF-32",
}
PLAUSIBLE = 0.7  # at least this share of common characters for a decoding to be taken
MARGIN = 0.2  # and this much more than the other one
SAMPLE = 1 << 16  # bytes of non-UTF-8 lines whose characters are scored
CHUNK = 1 << 22  # bytes of whole lines split at a time (a list of lines per chunk, not file)
HEAD = 1 << 16  # bytes at the start of a file where its header is looked for
SAVE_AS_UTF8 = "save it as UTF-8"  # the advice to a user whose file is refused or mixed
HeaderHits = Callable[[str], int]  # known header cells in the start of a file's text

# Lines are split as the CSV reader counts them: at \r\n, \r or \n (what bytes.splitlines
# does). In UTF-8, GB18030 and Big5 these bytes never occur inside a character.
_BREAK = re.compile(rb"\r\n?|\n")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class Decoded:
    """The file's text and encoding, or why it is refused (``text`` is None).

    ``bad`` maps a physical line (1-based, as the CSV reader counts them) to the
    reason its row is rejected; ``notice`` is said once about the file."""

    encoding: str
    text: str | None = None
    bad: dict[int, str] = field(default_factory=dict)
    notice: str | None = None
    refused: str | None = None
    advice: str | None = None


@lru_cache(maxsize=1)
def _rare_pattern() -> re.Pattern[str]:
    """A character that is neither ASCII nor common: the common ones are GB2312's
    punctuation rows and level 1 hanzi (3755), and Big5's and its level 1 (5401)."""
    chars: set[str] = set()
    big5_trails = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    for codec, leads, trails in (
        ("gb2312", [*range(0xA1, 0xA4), *range(0xB0, 0xD8)], range(0xA1, 0xFF)),
        ("big5", range(0xA1, 0xC7), big5_trails),
    ):
        for lead in leads:
            for trail in trails:
                try:
                    chars.add(bytes((lead, trail)).decode(codec))
                except UnicodeDecodeError:
                    pass
    return re.compile("[^\\x00-\\x7f" + "".join(sorted(map(re.escape, chars))) + "]")


def _rare(text: str) -> int:
    """How many characters of ``text`` are neither ASCII nor common."""
    return _rare_pattern().subn("", text)[1]


def plausibility(text: str) -> float | None:
    """The share of common characters among the non-ASCII ones (None: all ASCII).

    >>> plausibility("R1,沙市区,区,")
    1.0
    >>> round(plausibility("勝利街道工作委員會".encode("big5").decode("gb18030")), 2)
    0.22
    """
    n = len(text) - len(text.encode("ascii", "ignore"))
    return None if n == 0 else 1 - _rare(text) / n


def looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    if not sample:
        return False
    if sample.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):  # zip (xlsx) or old .xls
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls > len(sample) // 100 or b"\x00" in sample


def _bom(data: bytes) -> str | None:
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return codec
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``-be`` where the NUL bytes say so: many in the high byte of each
    code unit (ASCII characters), few in the low one (U+4E00 一 and the like)."""
    sample = data[: 1 << 16]
    if len(data) % 2 or b"\x00" not in sample:
        return None
    high = {"utf-16-le": sample[1::2].count(0), "utf-16-be": sample[0::2].count(0)}
    codec = max(high, key=high.__getitem__)
    if high[codec] < len(sample) // 20 or min(high.values()) * 2 > high[codec]:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    return None if _CONTROLS.search(text) else codec


def _wide(data: bytes, codec: str) -> Decoded:
    try:
        return Decoded(codec, data.decode(codec))
    except UnicodeDecodeError as e:
        return Decoded(codec, refused=f"not valid {NAMES[codec]} text ({e.reason})")


def detect_encoding(data: bytes) -> str:
    """The codec the file as a whole is read in (see :func:`decode`).

    >>> detect_encoding("编号".encode("utf-8-sig")), detect_encoding("编号".encode())
    ('utf-8-sig', 'utf-8')
    >>> detect_encoding("编号,名称".encode("gb18030")), detect_encoding("編號,名稱".encode("big5"))
    ('gb18030', 'big5hkscs')
    """
    return decode(data).encoding


def decode(data: bytes, header_hits: HeaderHits | None = None) -> Decoded:
    """The text of a CSV file, with the lines that are not in its encoding marked bad;
    or why the file is refused (binary content, an encoding that cannot be told).

    ``header_hits(text)``: how many header cells the start of the file holds, read as
    ``text``. Where one of GB18030 and Big5 gives a header and the other does not, that
    one is taken (if plausible): a short file's Chinese may look plausible both ways."""
    bom = _bom(data)
    wide = _utf16_without_bom(data) if bom is None else None if bom == "utf-8-sig" else bom
    if wide:
        return _wide(data, wide)
    if looks_binary(data):
        return Decoded("binary", refused="not a text CSV file (binary content)")
    shown = bom or UTF8
    try:
        return Decoded(shown, data.decode(shown))
    except UnicodeDecodeError:
        pass
    body = data[3:] if bom else data
    survey = _Survey(body)
    legacy, why = survey.legacy(header_hits)
    if bom or survey.utf8 >= survey.other:
        enc = UTF8
    elif legacy is None:
        return Decoded(GB18030, refused=why, advice=SAVE_AS_UTF8)
    else:
        enc = shown = legacy
    if not survey.utf8 and enc != UTF8 and _decodes(body, enc):
        return Decoded(enc, body.decode(enc))
    return _decoded(body, enc, legacy, survey, shown)


class _Survey:
    """Each non-ASCII line of a file that is not UTF-8: is it UTF-8, and how plausible
    is the rest as GB18030 and as Big5 (scored on the first ``SAMPLE`` bytes)."""

    def __init__(self, data: bytes) -> None:
        self.head = data[:HEAD]
        self.utf8 = self.other = 0
        self.chars = dict.fromkeys((GB18030, BIG5), 0)
        self.rare = dict.fromkeys((GB18030, BIG5), 0)
        seen = 0
        for line in _lines(data):
            if line.isascii():
                continue
            try:
                line.decode(UTF8)
                self.utf8 += 1
                continue
            except UnicodeDecodeError:
                self.other += 1
            if seen > SAMPLE:
                continue
            seen += len(line)
            for codec in self.chars:
                try:
                    text = line.decode(codec)
                except UnicodeDecodeError:  # counts as rare, a character per two bytes
                    n = (len(line) - len(line.decode("ascii", "ignore"))) // 2 or 1
                    self.chars[codec] += n
                    self.rare[codec] += n
                    continue
                self.chars[codec] += len(text) - len(text.encode("ascii", "ignore"))
                self.rare[codec] += _rare(text)

    def score(self, codec: str) -> float:
        return 1 - self.rare[codec] / self.chars[codec] if self.chars[codec] else 0.0

    def legacy(self, header_hits: HeaderHits | None) -> tuple[str | None, str]:
        """GB18030 or Big5 for the lines that are not UTF-8, or why neither can be taken."""
        gb, big5 = self.score(GB18030), self.score(BIG5)
        best, other = (GB18030, big5) if gb >= big5 else (BIG5, gb)
        hits = {c: header_hits(self.head.decode(c, "replace")) for c in self.chars if header_hits}
        if hits and hits[GB18030] != hits[BIG5]:
            best = max(hits, key=hits.__getitem__)
            other = -1.0
        if self.score(best) < PLAUSIBLE:
            return None, "not text in UTF-8, GB18030 or Big5"
        if self.score(best) - other < MARGIN:
            return None, "cannot tell whether it is GB18030 or Big5 text"
        return best, ""


def _decoded(data: bytes, enc: str, legacy: str | None, survey: _Survey, shown: str) -> Decoded:
    """The text line by line in ``enc``; a line of the other encoding found in the file
    is decoded in its own (for the reader to keep its cells apart) and marked bad."""
    name = NAMES[enc]
    other_name = NAMES[legacy] if legacy else ""
    bad: dict[int, str] = {}
    out: list[str] = []
    for i, line in enumerate(_lines(data, keepends=True), start=1):
        if line.isascii():
            out.append(line.decode("ascii"))
            continue
        try:
            text = line.decode(UTF8)
            is_utf8 = True
        except UnicodeDecodeError:
            is_utf8 = False
        if is_utf8 and enc != UTF8:
            bad[i] = f"a UTF-8 line in a file read as {name}"
        elif not is_utf8 and enc == UTF8 and legacy and _decodes(line, legacy):
            text = line.decode(legacy)
            bad[i] = f"a {other_name} line in a file read as UTF-8"
        elif not is_utf8:
            try:
                text = line.decode(enc)
            except UnicodeDecodeError:
                text = line.decode(enc, errors="replace")
                bad[i] = f"undecodable bytes (file read as {name})"
        out.append(text)
    d = Decoded(shown, "".join(out), bad)
    if survey.utf8 and survey.other and legacy:
        minority = other_name if enc == UTF8 else "UTF-8"
        d.notice = (
            f"mixes UTF-8 and {other_name} lines ({survey.utf8} UTF-8, {survey.other} "
            f"{other_name}): read as {name}, each {minority} row rejected; {SAVE_AS_UTF8}"
        )
    elif bad:
        d.notice = f"read as {name}; {len(bad)} line(s) hold bytes that are not {name}"
    return d


def _lines(data: bytes, keepends: bool = False) -> Iterator[bytes]:
    """The lines of ``data``, split ``CHUNK`` bytes at a time, each chunk cut at a line end."""
    start, n = 0, len(data)
    while start < n:
        end = start + CHUNK
        if end < n:
            cut = max(data.rfind(b"\n", start, end), data.rfind(b"\r", start, end - 1))
            if cut < start:  # one line longer than a chunk: up to its end
                m = _BREAK.search(data, end)
                cut = m.end() - 1 if m else n - 1
            end = cut + 1
        yield from data[start:end].splitlines(keepends)
        start = end


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
        return True
    except UnicodeDecodeError:
        return False
