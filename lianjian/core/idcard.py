"""Citizen ID numbers (公民身份号码, GB 11643-1999): checked, read, hashed, never kept.

An 18-character number is a 6-digit region code, the birth date ``YYYYMMDD``, a
3-digit sequence whose last digit is odd for a man and even for a woman, and a
check character: ISO 7064 MOD 11-2 over the first 17 digits, ``X`` for 10. A
15-digit number (issued before 1999) is the same without the century and the check
character; it is read as the 18-character number it was upgraded to (``19`` put
before its year, the check character computed), so both forms of one person's
number give one id.

A member's id derived from the number is ``M-`` and the first 64 bits of
HMAC-SHA256(pseudonym key, ``公民身份号码:`` and the 18-character number) as 16 hex
digits (:func:`card_id`): stable for as long as the key is the same, and not
reversible without it (the number space is small, so an unkeyed hash would be).
The prefix keeps the hash apart from a pseudonym's, which hashes a member id.
:func:`masked` is what a report shows of a number: only how long it is.

>>> check_char("11010519491231002")
'X'
>>> card = read_card("11010519491231002X")
>>> card.birth, card.gender
(datetime.date(1949, 12, 31), 'female')
>>> read_card("110105491231002").number == card.number
True
>>> card_problem("110105194912310021")
'bad check character'
>>> card_problem("11010519491331002X")
'the birth date in it is no date'
>>> masked("11010519491231002X")
'******************'
>>> scrub("王五 11010519491231002X 13900000001 1990")
'王五 ****************** *********** 1990'
>>> key = b"k"; card_id(card.number, key) == card_id("11010519491231002X", key)
True
>>> import re; bool(re.fullmatch(r"M-[0-9a-f]{16}", card_id(card.number, key)))
True
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "Card",
    "BadCard",
    "read_card",
    "card_problem",
    "check_char",
    "card_id",
    "masked",
    "scrub",
    "normalise",
    "ID_PREFIX",
]

ID_PREFIX = "M-"
DOMAIN = "公民身份号码:"  # what the keyed hash of a number starts with
HEX = 16  # hex digits of the hash in a derived id (64 bits)
_WEIGHTS = tuple(2 ** (17 - i) % 11 for i in range(17))  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
_CHECK = "10X98765432"  # the check character for a weighted sum ≡ 0, 1, … 10 (mod 11)
FIRST_YEAR = 1900  # no one alive holds a number with an earlier birth date


class BadCard(ValueError):
    """A cell that is no citizen ID number; the message never holds the number."""


@dataclass(frozen=True)
class Card:
    number: str  # the 18-character form: keep it in memory only, never store or show it
    birth: dt.date
    gender: str  # the schema's gender value: male or female

    def __repr__(self) -> str:  # a traceback or a log line shows no number
        return "Card(****)"


def normalise(text: str) -> str:
    """Full-width digits and ``ｘ`` as ASCII, spaces and hyphens out, ``x`` upper case.

    >>> normalise("１１０１０５ 1949-1231-002ｘ")
    '11010519491231002X'
    """
    folded = unicodedata.normalize("NFKC", text).upper()
    return "".join(c for c in folded if not c.isspace() and c not in "-‐")


def check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def read_card(text: str, today: dt.date | None = None) -> Card:
    """The number in ``text``, checked; :class:`BadCard` saying what is wrong (length,
    characters, birth date, check character) without quoting it. ``today``: a birth
    date after it is impossible (the real today if None)."""
    n = normalise(text)
    if len(n) == 15:
        if not n.isdigit():
            raise BadCard("a 15-character number holds only digits")
        n = n[:6] + "19" + n[6:]
        n += check_char(n)
        upgraded = True
    elif len(n) == 18:
        if not n[:17].isdigit() or not (n[17].isdigit() or n[17] == "X"):
            raise BadCard("17 digits and a digit or X are wanted")
        upgraded = False
    else:
        raise BadCard(f"{len(n)} characters, not 18 (or 15 if issued before 1999)")
    try:
        birth = dt.date(int(n[6:10]), int(n[10:12]), int(n[12:14]))
    except ValueError:
        raise BadCard("the birth date in it is no date") from None
    if birth.year < FIRST_YEAR or birth > (today or dt.date.today()):
        raise BadCard(f"the birth date in it is before {FIRST_YEAR} or still to come")
    if not upgraded and check_char(n[:17]) != n[17]:
        raise BadCard("bad check character")
    return Card(n, birth, "male" if int(n[16]) % 2 else "female")


def card_problem(text: str, today: dt.date | None = None) -> str | None:
    """What is wrong with the number in ``text``, or None when it is a valid one."""
    try:
        read_card(text, today)
    except BadCard as e:
        return str(e)
    return None


def card_id(number: str, key: bytes) -> str:
    """The member id of a valid number (its 18-character form or as read): ``M-`` and the
    first 64 bits of HMAC-SHA256(key, ``公民身份号码:`` + number) in hex."""
    n = read_card(number).number
    digest = hmac.new(key, (DOMAIN + n).encode("utf-8"), hashlib.sha256).digest()
    return ID_PREFIX + digest[: HEX // 2].hex()


def masked(text: str) -> str:
    """What a report shows of a number, valid or not: one ``*`` per character (at most 24)."""
    return "*" * min(len(text.strip()), 24)


# a run that may be an ID number (18 characters or 15 digits) or a mobile phone number,
# not part of a longer word or number
_SECRET = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15}|1[3-9]\d{9})(?![0-9A-Za-z])")


def scrub(text: str) -> str:
    """``text`` with every run that may be a citizen ID number or a mobile phone number
    masked: what a personal value a report shows with names (a row above the header, a
    pasted row) may hold, since such a number is never needed in clear."""
    return _SECRET.sub(lambda m: "*" * len(m.group()), text)
