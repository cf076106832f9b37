"""Numbers, amounts with units, and dates read from token keys, so that two ways of writing one value
compare equal: "1,000" and "1000", "$2.5 million" and "$2,500,000", "five" and "5", "12 percent" and "12%",
"1 km" and "1 kilometre", "3 March" and "March 3", "Tues., Sept. 3" and "Tuesday, September 3".

Pure: :func:`read_values` takes the keys of :func:`variorum.text.tokens.tokenize` and returns the value
phrases in them; :func:`compare_values` says whether two values are the same, the same with one of them
more precise ("March 3" and "March 3, 2024"), or different. Month and weekday names come from
:mod:`calendar` (English in Python's default locale); an abbreviation is any prefix of three letters or more of
the full name ("Sept", "Tues"). Numbers are exact decimals (:class:`decimal.Decimal`), so "2.5 million" is exactly
2,500,000.

>>> keys = ["$2.5", "million", "on", "3", "March"]
>>> [(p.start, p.end, str(p.value)) for p in read_values(keys)]
[(0, 2, '$2500000'), (3, 5, '--03-03')]
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date as _calendar_date
from decimal import Decimal
from functools import lru_cache

SAME, MORE_PRECISE, DIFFERENT = "same", "more precise", "different"


@dataclass(frozen=True, slots=True)
class Quantity:
    """An exact amount in a unit. ``unit`` is ``""`` for a bare number, ``"%"``, ``"percentage point"``, a
    currency symbol (``$ € £ ¥``), or the unit the amount was converted to: metric lengths, masses and
    volumes to ``m``, ``g``, ``l``; other units by their singular name (``mile``, ``foot``). ``ordinal``
    marks "5th" and "fifth"."""

    amount: Decimal
    unit: str = ""
    ordinal: bool = False

    def __str__(self) -> str:
        number = _format_amount(self.amount)
        if self.ordinal:
            number = f"{number}{_ordinal_suffix(self.amount)}"
        if self.unit == "%":
            return number + "%"
        if self.unit in _CURRENCY_SYMBOLS:
            return self.unit + number
        return f"{number} {self.unit}".rstrip()


@dataclass(frozen=True, slots=True)
class Date:
    """A calendar date, as precise as the text gave it: any of year, month, day and weekday (0 = Monday).

    Written in ISO 8601 form with the missing parts left out (``2024-03-03``, ``2024-03``, ``--03-03``
    for 3 March of no given year), after the weekday's name when there is one."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None

    def __str__(self) -> str:
        parts = [calendar.day_name[self.weekday]] if self.weekday is not None else []
        month = f"{self.month:02d}" if self.month is not None else "-"
        if self.day is not None:
            year = f"{self.year:04d}" if self.year is not None else "-"
            parts.append(f"{year}-{month}-{self.day:02d}")
        elif self.month is not None:
            parts.append(f"{self.year:04d}-{month}" if self.year is not None else f"--{month}")
        elif self.year is not None:
            parts.append(f"{self.year:04d}")
        return " ".join(parts)

    def fields(self) -> dict[str, int]:
        """The parts the text gave, by name."""
        given = {"year": self.year, "month": self.month, "day": self.day, "weekday": self.weekday}
        return {name: value for name, value in given.items() if value is not None}


Value = Quantity | Date


@dataclass(frozen=True, slots=True)
class Phrase:
    """A value read from ``keys[start:end]``."""

    start: int
    end: int
    value: Value


def _format_amount(amount: Decimal) -> str:
    if amount == amount.to_integral_value():
        return str(int(amount))
    return format(amount.normalize(), "f")


def _ordinal_suffix(amount: Decimal) -> str:
    if amount != amount.to_integral_value():
        return ""
    number = int(amount)
    if number % 100 in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")


# Number words. Ordinals are derived from the cardinals ("seven" → "seventh", "twenty" → "twentieth").
_ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = {word: 10 * k for k, word in enumerate(
    ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"), 2)}
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_IRREGULAR_ORDINALS = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
                       "nine": "ninth", "twelve": "twelfth"}


def _ordinal_word(cardinal: str) -> str:
    if cardinal in _IRREGULAR_ORDINALS:
        return _IRREGULAR_ORDINALS[cardinal]
    return cardinal[:-1] + "ieth" if cardinal.endswith("y") else cardinal + "th"


_SMALL = {word: value for value, word in enumerate(_ONES)} | _TENS
_SMALL_ORDINALS = {_ordinal_word(word): value for word, value in _SMALL.items() if value}
_SCALE_ORDINALS = {_ordinal_word(word): value for word, value in (*_SCALES.items(), ("hundred", 100))}
_SCALE_ABBREVIATIONS = {"k": 10**3, "mn": 10**6, "bn": 10**9, "tn": 10**12}
_CURRENCY_ABBREVIATIONS = {"m": 10**6, "b": 10**9}  # "$5m", "$2b": million and billion only after a currency

_CURRENCY_SYMBOLS = frozenset("$€£¥")
_CURRENCY_WORDS = {"dollar": "$", "dollars": "$", "euro": "€", "euros": "€", "pound": "£", "pounds": "£",
                   "yen": "¥", "usd": "$", "eur": "€", "gbp": "£", "jpy": "¥"}
_CURRENCY_PREFIXES = frozenset({"US", "USD", "EUR", "GBP", "JPY"})  # "US$5", "USD 5"
_CENTS = frozenset({"cent", "cents"})
_PERCENT_WORDS = frozenset({"percent", "pct", "%"})

# Units: metric ones converted to their base unit, so "1 km" equals "1,000 metres"; others kept by name.
_METRIC_PREFIXES = {"kilo": Decimal(1000), "": Decimal(1), "centi": Decimal("0.01"), "milli": Decimal("0.001")}
_ONE = Decimal(1)
_METRIC_SYMBOLS = {"k": "kilo", "": "", "c": "centi", "m": "milli"}


def _unit_table() -> dict[str, tuple[str, Decimal]]:
    table: dict[str, tuple[str, Decimal]] = {}
    for base, symbol, names in (("m", "m", ("metre", "meter")), ("g", "g", ("gram", "gramme")),
                                ("l", "l", ("litre", "liter"))):
        for prefix, factor in _METRIC_PREFIXES.items():
            for name in names:
                table[prefix + name] = table[prefix + name + "s"] = (base, factor)
        for letter, prefix in _METRIC_SYMBOLS.items():
            table[letter + symbol] = (base, _METRIC_PREFIXES[prefix])
    table["kilo"] = table["kilos"] = ("g", Decimal(1000))
    table["tonne"] = table["tonnes"] = ("g", Decimal(10**6))
    for unit, forms in (("mile", "mile miles mi"), ("foot", "foot feet ft"), ("inch", "inch inches"),
                        ("yard", "yard yards yd"), ("lb", "lb lbs"), ("ounce", "ounce ounces oz"),
                        ("ton", "ton tons"), ("acre", "acre acres"), ("hectare", "hectare hectares ha"),
                        ("gallon", "gallon gallons gal"), ("mph", "mph"), ("km/h", "km/h kph")):
        for form in forms.split():
            table[form] = (unit, Decimal(1))
    return table


_UNITS = _unit_table()

_NUMERAL_RE = re.compile(
    r"(?P<currency>[$€£¥])?(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?P<suffix>%|[^\W\d_]+)?"
)
_NUMERIC_DATE_RE = re.compile(r"(\d{1,4})([/.])(\d{1,2})\2(\d{2,4})")
_YEAR_RE = re.compile(r"\d{4}")
_DAY_RE = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?")
_ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})


def _calendar_names(full: Sequence[str], short: Sequence[str]) -> dict[str, int]:
    """Lower-case names to their index: the full name, its usual abbreviation, and every prefix of three
    letters or more of the full name ("sept", "tues")."""
    names: dict[str, int] = {}
    for index, name in enumerate(full):
        if not name:
            continue
        lowered = name.lower()
        for length in range(3, len(lowered) + 1):
            names.setdefault(lowered[:length], index)
        names.setdefault(short[index].lower(), index)
    return names


_MONTHS = _calendar_names(list(calendar.month_name), list(calendar.month_abbr))
_WEEKDAYS = _calendar_names(list(calendar.day_name), list(calendar.day_abbr))
# A month or weekday standing alone must be written out in full, and not be a common word or name ("May").
_AMBIGUOUS_ALONE = frozenset({"may"})

_VALUE_NUMBER_WORDS = frozenset([*_SMALL, *_SMALL_ORDINALS, *_SCALES, *_SCALE_ORDINALS, "hundred", "dozen",
                                  *_PERCENT_WORDS])
_RELATIVE_DAYS = frozenset({"today", "yesterday", "tomorrow", "tonight"})
_VAGUE_NUMBER_WORDS = frozenset({"dozens", "hundreds", "thousands", "millions", "billions", "half"})
_VALUE_WORDS = _VALUE_NUMBER_WORDS | _RELATIVE_DAYS | _VAGUE_NUMBER_WORDS | {*_CURRENCY_WORDS, *_CENTS, "per",
                                                                            *_UNITS}
_DIGIT_RE = re.compile(r"\d")
_DATE_KEY_RE = re.compile(
    r"(?:19|20)\d\d(?:[-/.]\d{1,2}(?:[-/.]\d{1,2})?)?|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2}(?:st|nd|rd|th)")


def is_date_word(key: str) -> bool:
    """True for a token that only a date would hold, read or not as a whole date: a capitalised month or
    weekday name ("May" only beside a day or year), "today" and the like, a numeric date, a year from 1900
    to 2099, an ordinal day."""
    lowered = key.lower()
    if key[:1].isupper() and lowered not in _AMBIGUOUS_ALONE and (lowered in _MONTHS or lowered in _WEEKDAYS):
        return True
    return lowered in _RELATIVE_DAYS or bool(_DATE_KEY_RE.fullmatch(lowered))


def is_number_word(key: str) -> bool:
    """True for number words: "seven", "twenty-one", "fifth", "million", "dozen", "hundreds", "percent"."""
    lowered = key.lower()
    return lowered in _VALUE_NUMBER_WORDS or lowered in _VAGUE_NUMBER_WORDS or ("-" in lowered and all(
        part in _SMALL or part in _SMALL_ORDINALS for part in lowered.split("-")))


@lru_cache(maxsize=1 << 16)
def might_be_value(key: str) -> bool:
    """A cheap test: could this token be part of a number, an amount or a date? (Digits, number words,
    currency, percent and unit words, month and weekday names, "today" and the like.) Every token for
    which :func:`is_date_word` or :func:`is_number_word` holds passes it."""
    lowered = key.lower()
    if key.isalpha():
        return lowered in _VALUE_WORDS or key in _CURRENCY_PREFIXES or (
            key[0].isupper() and (lowered in _MONTHS or lowered in _WEEKDAYS))
    return _DIGIT_RE.search(key) is not None or key in _CURRENCY_SYMBOLS or is_number_word(key)


def _month(key: str) -> int | None:
    return _MONTHS.get(key.lower()) if key[:1].isupper() else None


def _weekday(key: str) -> int | None:
    return _WEEKDAYS.get(key.lower()) if key[:1].isupper() else None


def _is_full_name(key: str, names: Iterable[str]) -> bool:
    return key.lower() in (name.lower() for name in names) and key.lower() not in _AMBIGUOUS_ALONE


def _day(key: str) -> int | None:
    match = _DAY_RE.fullmatch(key)
    if match and 1 <= int(match.group(1)) <= 31:
        return int(match.group(1))
    return None


def _year(key: str, earliest: int = 1000, latest: int = 2999) -> int | None:
    if _YEAR_RE.fullmatch(key) and earliest <= int(key) <= latest:
        return int(key)
    return None


def _valid(year: int | None, month: int, day: int) -> bool:
    try:
        _calendar_date(year if year is not None else 2000, month, day)  # 2000: a leap year allows 29 February
    except ValueError:
        return False
    return True


def _skip(keys: Sequence[str], j: int, *skippable: str) -> int:
    while j < len(keys) and keys[j].lower() in skippable:
        j += 1
    return j


def _numeric_date(keys: Sequence[str], i: int) -> tuple[int, Date] | None:
    """ISO ``2024-03-05`` (five tokens), or ``2024/03/05``, ``5/3/2024``, ``5.3.2024`` when unambiguous
    (year first, or a day above 12, or day and month alike)."""
    if i + 4 < len(keys) and keys[i + 1] == keys[i + 3] == "-" and _year(keys[i]) is not None:
        month_key, day_key = keys[i + 2], keys[i + 4]
        if month_key.isdigit() and day_key.isdigit() and _valid(int(keys[i]), int(month_key), int(day_key)):
            return i + 5, Date(int(keys[i]), int(month_key), int(day_key))
        return None
    match = _NUMERIC_DATE_RE.fullmatch(keys[i])
    if not match:
        return None
    first, second, third = int(match.group(1)), int(match.group(3)), int(match.group(4))
    if len(match.group(1)) == 4:
        year, month, day = first, second, third
    else:
        if first <= 12 and second <= 12 and first != second:
            return None
        day, month = (first, second) if first > 12 or first == second else (second, first)
        year = third + 2000 if third < 100 else third
    if not _valid(year, month, day):
        return None
    return i + 1, Date(year, month, day)


def _date(keys: Sequence[str], i: int) -> tuple[int, Date] | None:
    """A date starting at ``keys[i]``: [weekday[,] | "the"] then month-day-year, day-month-year, month year,
    a numeric date, a year, or a month or weekday alone."""
    numeric = _numeric_date(keys, i)
    if numeric:
        return numeric
    weekday = _weekday(keys[i])
    j = i
    if weekday is not None:
        j = _skip(keys, i + 1, ".", ",")
    elif keys[i].lower() == "the" and i + 1 < len(keys) and _day(keys[i + 1]) is not None:  # "the 3rd of March"
        j = i + 1
    found = _calendar_core(keys, j) if j < len(keys) else None
    if found:
        end, core = found
        return end, Date(core.year, core.month, core.day, weekday)
    if weekday is not None and _is_full_name(keys[i], calendar.day_name):
        return i + 1, Date(weekday=weekday)
    return None


def _calendar_core(keys: Sequence[str], i: int) -> tuple[int, Date] | None:
    month = _month(keys[i])
    if month is not None:  # "March 3, 2024", "Sept. 3", "March 2024", "March"
        j = _skip(keys, i + 1, ".")
        day = _day(keys[j]) if j < len(keys) else None
        if day is not None and _year(keys[j]) is None:
            k = _skip(keys, j + 1, ",")
            year = _year(keys[k]) if k < len(keys) else None
            if year is not None and _valid(year, month, day):
                return k + 1, Date(year, month, day)
            return (j + 1, Date(None, month, day)) if _valid(None, month, day) else None
        year = _year(keys[j]) if j < len(keys) else None
        if year is not None:
            return j + 1, Date(year, month)
        if _is_full_name(keys[i], calendar.month_name):
            return i + 1, Date(month=month)
        return None
    day = _day(keys[i])
    if day is not None:  # "3 March 2024", "3rd of March"
        j = _skip(keys, i + 1, "of")
        month = _month(keys[j]) if j < len(keys) else None
        if month is None or not _valid(None, month, day):
            return None
        k = _skip(keys, _skip(keys, j + 1, "."), ",")
        year = _year(keys[k]) if k < len(keys) else None
        if year is not None and _valid(year, month, day):
            return k + 1, Date(year, month, day)
        return j + 1, Date(None, month, day)
    year = _year(keys[i], 1800, 2099)  # a year alone: "in 1952"
    return (i + 1, Date(year)) if year is not None else None


def _spelled(keys: Sequence[str], i: int) -> tuple[int, Decimal, bool] | None:
    """A number in words: "five", "twenty-one", "one hundred and five", "a million", "two dozen", "fifth"."""
    total, current, j, words, ordinal = 0, 0, i, 0, False
    last_small: int | None = None  # the previous word's value when it was "twenty" … "ninety" or 0-19
    if keys[j].lower() == "a" and j + 1 < len(keys) and keys[j + 1].lower() in (*_SCALES, "hundred", "dozen"):
        current, j = 1, j + 1
    while j < len(keys) and not ordinal:
        word = keys[j].lower()
        pieces = word.split("-")
        if all(p in _SMALL or p in _SMALL_ORDINALS for p in pieces) and len(pieces) <= 2:
            values = [_SMALL.get(p, _SMALL_ORDINALS.get(p, 0)) for p in pieces]
            if len(pieces) == 2 and not (values[0] in _TENS.values() and 0 < values[1] < 10):
                break
            if last_small is not None and not (last_small in _TENS.values() and 0 < values[0] < 10):
                break
            current += sum(values)
            ordinal = pieces[-1] in _SMALL_ORDINALS
            last_small = values[-1]
        elif word in ("hundred", "hundredth"):
            current, last_small = max(current, 1) * 100, None
            ordinal = word == "hundredth"
        elif word in _SCALES or word in _SCALE_ORDINALS:
            scale = _SCALES.get(word) or _SCALE_ORDINALS[word]
            total, current, last_small = total + max(current, 1) * scale, 0, None
            ordinal = word in _SCALE_ORDINALS
        elif word == "dozen":
            current, last_small = max(current, 1) * 12, None
        elif word == "and" and words and last_small is None and j + 1 < len(keys) and all(
                piece in _SMALL or piece in _SMALL_ORDINALS for piece in keys[j + 1].lower().split("-")):
            j += 1
            continue
        else:
            break
        words += 1
        j += 1
    if not words:
        return None
    return j, Decimal(total + current), ordinal


def _quantity(keys: Sequence[str], i: int) -> tuple[int, Quantity] | None:
    """An amount starting at ``keys[i]``: [currency] number [scale] [percent | currency word | unit]."""
    currency = ""
    j = i
    if keys[j] in _CURRENCY_PREFIXES and j + 1 < len(keys):
        if keys[j] == "US" and keys[j + 1][:1] != "$":
            return None
        currency = _CURRENCY_WORDS.get(keys[j].lower(), "")
        j += 1
    elif keys[j] in _CURRENCY_SYMBOLS and j + 1 < len(keys):
        currency, j = keys[j], j + 1
    unit, factor, ordinal = "", _ONE, False
    match = _NUMERAL_RE.fullmatch(keys[j])
    if match:
        currency = match.group("currency") or currency
        amount = Decimal(match.group("number").replace(",", ""))
        suffix = (match.group("suffix") or "").lower()
        if suffix == "%":
            unit = "%"
        elif suffix in _ORDINAL_SUFFIXES:
            ordinal = True
        elif suffix in _SCALE_ABBREVIATIONS or (currency and suffix in _CURRENCY_ABBREVIATIONS):
            amount *= _SCALE_ABBREVIATIONS.get(suffix) or _CURRENCY_ABBREVIATIONS[suffix]
        elif suffix in _UNITS:
            unit, factor = _UNITS[suffix]
        elif suffix:
            return None
        j += 1
        if not suffix and j < len(keys) and keys[j].lower() in (*_SCALES, "hundred"):
            amount *= 100 if keys[j].lower() == "hundred" else _SCALES[keys[j].lower()]
            j += 1
        elif not suffix and j < len(keys) and (keys[j].lower() in _SCALE_ABBREVIATIONS
                                             or (currency and keys[j].lower() in _CURRENCY_ABBREVIATIONS)):
            amount *= _SCALE_ABBREVIATIONS.get(keys[j].lower()) or _CURRENCY_ABBREVIATIONS[keys[j].lower()]
            j += 1
    else:
        spelled = _spelled(keys, j)
        if spelled is None:
            return None
        j, amount, ordinal = spelled
    if not unit and not ordinal and j < len(keys):
        word = keys[j].lower()
        following = keys[j + 1].lower() if j + 1 < len(keys) else ""
        if word in _PERCENT_WORDS or (word == "per" and following == "cent"):
            unit, j = "%", j + (2 if word == "per" else 1)
        elif word == "percentage" and following in ("point", "points"):
            unit, j = "percentage point", j + 2
        elif word in _CURRENCY_WORDS and not currency:
            currency, j = _CURRENCY_WORDS[word], j + 1
        elif word in _CENTS and not currency:
            currency, amount, j = "$", amount * _METRIC_PREFIXES["centi"], j + 1
        elif word in _UNITS and not currency:
            unit, factor = _UNITS[word]
            j += 1
    if currency and unit:
        return None
    return j, Quantity(amount if factor == _ONE else amount * factor, currency or unit, ordinal)


_PHRASE_OPENERS = frozenset({"a", "the"})  # "a million", "the 3rd of March"


def read_values(keys: Sequence[str], start: int = 0, stop: int | None = None) -> list[Phrase]:
    """The value phrases that start in ``keys[start:stop]``, left to right, longest first; a phrase may
    run past ``stop``.

    >>> [str(p.value) for p in read_values("It cost twelve percent , or 1,000 km , on Tues . , Sept . 3".split())]
    ['12%', '1000000 m', 'Tuesday --09-03']
    """
    stop = len(keys) if stop is None else stop
    phrases: list[Phrase] = []
    i = start
    while i < stop:
        if not might_be_value(keys[i]) and keys[i].lower() not in _PHRASE_OPENERS:
            i += 1
            continue
        found: tuple[int, Value] | None = _date(keys, i) or _quantity(keys, i)
        if found is None:
            i += 1
            continue
        end, value = found
        phrases.append(Phrase(i, end, value))
        i = end
    return phrases


def compare_values(old: Value, new: Value) -> str:
    """:data:`SAME` when both are one value written two ways; :data:`MORE_PRECISE` when one only adds to
    the other (a year or weekday added to a date, a unit or currency added to the same number);
    :data:`DIFFERENT` otherwise. A bare year and the same bare number are the same ("2000" and "2,000").

    >>> compare_values(Date(None, 3, 3), Date(2024, 3, 3)), compare_values(Quantity(Decimal(5)), Quantity(Decimal(6)))
    ('more precise', 'different')
    """
    if isinstance(old, Date) and isinstance(new, Date):
        old_fields, new_fields = old.fields(), new.fields()
        if old_fields == new_fields:
            return SAME
        shared = old_fields.keys() & new_fields.keys()
        if shared and all(old_fields[name] == new_fields[name] for name in shared) and (
                shared in (old_fields.keys(), new_fields.keys())):
            return MORE_PRECISE
        return DIFFERENT
    if isinstance(old, Quantity) and isinstance(new, Quantity):
        if old.amount != new.amount:
            return DIFFERENT
        if old.unit == new.unit and old.ordinal == new.ordinal:
            return SAME
        return MORE_PRECISE if old.ordinal == new.ordinal and "" in (old.unit, new.unit) else DIFFERENT
    year, number = (old, new) if isinstance(old, Date) else (new, old)
    if (isinstance(year, Date) and isinstance(number, Quantity) and year.fields().keys() == {"year"}
            and not number.unit and not number.ordinal and number.amount == year.year):
        return SAME
    return DIFFERENT
