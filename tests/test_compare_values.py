"""Values compared as values: the same number, amount or date written another way is cosmetic, another value
is a major ``number`` or ``date`` change with the parsed values in ``detail``; British/American spellings are
``spelling``; a capital that only starts a sentence does not make a word a name."""

from __future__ import annotations

import datetime
import doctest
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum.compare import compare
from variorum.text import spelling as spelling_module
from variorum.text import values as values_module
from variorum.text.spelling import is_spelling_variant
from variorum.text.tokens import token_keys
from variorum.text.values import (
    DIFFERENT,
    MORE_PRECISE,
    SAME,
    Date,
    Quantity,
    compare_values,
    read_values,
)

CONTEXT = "The council met again. {} Officials gave no further details."


def changes(old: str, new: str):
    return compare(CONTEXT.format(old), CONTEXT.format(new)).changes


def only_change(old: str, new: str):
    found = changes(old, new)
    assert len(found) == 1, [(c.kind, c.significance, c.old, c.new) for c in found]
    return found[0]


@pytest.mark.parametrize(
    ("old", "new", "value"),
    [
        ("About 1,000 people came.", "About 1000 people came.", "1000"),
        ("About 5 people came.", "About five people came.", "5"),
        ("About twenty-one people came.", "About 21 people came.", "21"),
        ("About one hundred and five people came.", "About 105 people came.", "105"),
        ("It is worth $2.5 million to the city.", "It is worth $2,500,000 to the city.", "$2500000"),
        ("It is worth $2.5m to the city.", "It is worth $2,500,000 to the city.", "$2500000"),
        ("It is worth US$5 to the city.", "It is worth $5 to the city.", "$5"),
        ("It is worth 5 dollars to the city.", "It is worth $5 to the city.", "$5"),
        ("It cost 50 cents a day.", "It cost $0.50 a day.", "$0.5"),
        ("Prices rose 12 percent last year.", "Prices rose 12% last year.", "12%"),
        ("Prices rose 12 percent last year.", "Prices rose 12 per cent last year.", "12%"),
        ("Prices rose 1.5 percent last year.", "Prices rose 1.50% last year.", "1.5%"),
        ("The road is 1 km long.", "The road is 1 kilometre long.", "1000 m"),
        ("The road is 1.5 km long.", "The road is 1,500 metres long.", "1500 m"),
        ("It weighs 2 kg in all.", "It weighs 2,000 grams in all.", "2000 g"),
        ("There were 2,000 people.", "There were 2000 people.", "2000"),
        ("It was the 5th round.", "It was the fifth round.", "5th"),
        ("A million people came.", "1,000,000 people came.", "1000000"),
    ],
)
def test_a_number_written_another_way_is_cosmetic(old, new, value):
    change = only_change(old, new)
    assert (change.kind, change.significance) == ("number", "cosmetic")
    assert change.detail["old_value"] == change.detail["new_value"] == value
    assert not compare(CONTEXT.format(old), CONTEXT.format(new)).changed


@pytest.mark.parametrize(
    ("old", "new", "value"),
    [
        ("The vote is on 3 March in the hall.", "The vote is on March 3 in the hall.", "--03-03"),
        ("The vote is on March 3, 2024 in the hall.", "The vote is on 3 March 2024 in the hall.", "2024-03-03"),
        ("The vote is on the 3rd of March in the hall.", "The vote is on March 3 in the hall.", "--03-03"),
        ("The vote is on Tues., Sept. 3 in the hall.", "The vote is on Tuesday, September 3 in the hall.",
         "Tuesday --09-03"),
        ("The vote is on 2024-03-05 in the hall.", "The vote is on March 5, 2024 in the hall.", "2024-03-05"),
        ("The vote is on 25/12/2024 in the hall.", "The vote is on 25 December 2024 in the hall.", "2024-12-25"),
        ("The vote is on Tuesday, March 3 in the hall.", "The vote is on Tuesday, 3 March in the hall.",
         "Tuesday --03-03"),
    ],
)
def test_a_date_written_another_way_is_cosmetic(old, new, value):
    change = only_change(old, new)
    assert (change.kind, change.significance) == ("date", "cosmetic")
    assert change.detail["old_value"] == change.detail["new_value"] == value


@pytest.mark.parametrize(
    ("old", "new", "kind", "old_value", "new_value"),
    [
        ("The road is 1 kilometre long.", "The road is 3 kilometres long.", "number", "1000 m", "3000 m"),
        ("The vote is on 3 March in the hall.", "The vote is on 4 March in the hall.", "date", "--03-03", "--03-04"),
        ("The vote is on March 3, 2024 in the hall.", "The vote is on March 3, 2025 in the hall.", "date",
         "2024-03-03", "2025-03-03"),
        ("About 1,200 people came.", "About 1,500 people came.", "number", "1200", "1500"),
        ("About 5 people came.", "About six people came.", "number", "5", "6"),
        ("It is worth $2.5 million to the city.", "It is worth $3.5 million to the city.", "number",
         "$2500000", "$3500000"),
        ("It is worth $2.5 million to the city.", "It is worth $2.5 billion to the city.", "number",
         "$2500000", "$2500000000"),
        ("It is worth $5 to the city.", "It is worth €5 to the city.", "number", "$5", "€5"),
        ("Prices rose 12 percent last year.", "Prices rose 14% last year.", "number", "12%", "14%"),
        ("The road is 1 mile long.", "The road is 1 km long.", "number", "1 mile", "1000 m"),
        ("The vote is on Tuesday in the hall.", "The vote is on Wednesday in the hall.", "date", "Tuesday",
         "Wednesday"),
        ("The hall opened in 1952 after a fire.", "The hall opened in 1953 after a fire.", "date", "1952", "1953"),
    ],
)
def test_another_value_is_a_major_number_or_date_change(old, new, kind, old_value, new_value):
    change = only_change(old, new)
    assert (change.kind, change.significance) == (kind, "major")
    assert (change.detail["old_value"], change.detail["new_value"]) == (old_value, new_value)


def test_a_date_made_more_precise_is_a_minor_date_change():
    change = only_change("The vote is on March 3 in the hall.", "The vote is on March 3, 2024 in the hall.")
    assert (change.kind, change.significance, change.new) == ("date", "minor", ", 2024")
    assert change.detail == {"old_value": "--03-03", "new_value": "2024-03-03"}


def test_a_value_rewritten_beside_other_edited_words_leaves_only_the_words():
    found = changes("Some 5 people were hurt and 3 died.", "Some five people were injured and three died.")
    kinds = sorted((c.kind, c.significance) for c in found)
    assert kinds == [("number", "cosmetic"), ("wording", "minor")]
    wording = next(c for c in found if c.kind == "wording")
    assert "injured" in wording.new and "hurt" in wording.old


def test_values_inside_a_quotation():
    said = 'He said "we need 1,000 more beds" on Monday.'
    same = only_change(said, said.replace("1,000", "1000"))
    assert (same.kind, same.significance) == ("number", "cosmetic")
    assert same.detail["quote"] == "we need 1000 more beds"
    other = only_change(said, said.replace("1,000", "2,000"))
    assert (other.kind, other.significance) == ("quote", "major")
    assert (other.detail["old_value"], other.detail["new_value"]) == ("1000", "2000")


def test_without_a_value_on_both_sides_numbers_keep_the_old_rules():
    change = only_change("About 5 people came.", "About several people came.")
    assert change.kind == "wording"
    change = only_change("The vote is on 5/3/2024 in the hall.", "The vote is on 5/4/2024 in the hall.")
    assert (change.kind, change.significance) == ("date", "major")  # ambiguous day/month: not read, still a date


@pytest.mark.parametrize(
    ("old", "new"),
    [("colour", "color"), ("organise", "organize"), ("organisation", "organization"), ("centre", "center"),
     ("centred", "centered"), ("travelled", "traveled"), ("travelling", "traveling"), ("defence", "defense"),
     ("licence", "license"), ("catalogue", "catalog"), ("programme", "program"), ("analyse", "analyze"),
     ("behaviour", "behavior"), ("paediatric", "pediatric"), ("judgement", "judgment"), ("fulfil", "fulfill"),
     ("skilful", "skillful"), ("grey", "gray"), ("theatre", "theater"), ("colour-coded", "color-coded")],
)
def test_british_and_american_spellings_are_spelling(old, new):
    assert is_spelling_variant(old, new) and is_spelling_variant(new.capitalize(), old.capitalize())
    change = only_change(f"They said the {old} was fine.", f"They said the {new} was fine.")
    assert (change.kind, change.significance) == ("spelling", "minor")
    assert change.detail == {"case_only": False, "variant": "british_american"}


@pytest.mark.parametrize(
    ("old", "new"),
    [("filled", "filed"), ("four", "for"), ("hour", "hor"), ("called", "caled"), ("Michael", "Michel"),
     ("rise", "rose"), ("colour", "colour"), ("col0ur", "col0r"), ("colour-coded", "colour-based")],
)
def test_words_that_are_not_spelling_variants(old, new):
    assert not is_spelling_variant(old, new)


def test_colour_to_color_at_a_sentence_start_is_spelling_not_a_name():
    change = only_change("Colour matters here.", "Color matters here.")
    assert (change.kind, change.significance) == ("spelling", "minor")


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        ("Officials said it was over.", "Authorities said it was over.", "wording"),
        ("Residents were angry.", "Neighbours were angry.", "wording"),
        ("Smith said it was over.", "Jones said it was over.", "name"),  # the subject of "said"
        ("Maria Lopez said it was over.", "Ana Lopez said it was over.", "name"),  # a capitalised word follows
        ("Lopez was angry. Later Maria Lopez left.", "Gomez was angry. Later Maria Lopez left.", "name"),
        ("Chen was angry. Later Mr. Chen left.", "Wu was angry. Later Mr. Chen left.", "name"),
        ("McDonald was angry.", "Macdonald was angry.", "name"),
        ("They met Smith on the way.", "They met Jones on the way.", "name"),  # inside a sentence
    ],
)
def test_a_capital_is_a_name_only_when_it_is_a_name(old, new, kind):
    change = only_change(old, new)
    assert change.kind == kind
    assert change.significance == ("major" if kind == "name" else "minor")


# Units of the value module


def values(text: str) -> list[str]:
    return [str(p.value) for p in read_values(token_keys(text))]


def test_read_values_finds_each_phrase_whole():
    assert values("On Tuesday, March 3, 2024, about 2.5 million people paid $5 each, 12 per cent more.") == [
        "Tuesday 2024-03-03", "2500000", "$5", "12%"]
    assert values("May said the 1990s were over.") == []  # "May" alone is not a month; a decade is no value
    assert values("The report of 5/3/2024 and 31/3/2024") == ["2024-03-31"]  # 5/3 is ambiguous
    assert values("It was 30 February and 29 February 2024") == ["30", "--02", "2024-02-29"]  # no 30 February


def test_compare_values_outcomes():
    assert compare_values(Date(None, 3, 3), Date(None, 3, 3)) == SAME
    assert compare_values(Date(None, 3, 3), Date(2024, 3, 3)) == MORE_PRECISE
    assert compare_values(Date(weekday=1), Date(None, 3, 3, weekday=1)) == MORE_PRECISE
    assert compare_values(Date(weekday=1), Date(None, 3, 3)) == DIFFERENT
    assert compare_values(Date(2000), Quantity(Decimal(2000))) == SAME
    assert compare_values(Quantity(Decimal(5)), Quantity(Decimal(5), "$")) == MORE_PRECISE
    assert compare_values(Quantity(Decimal(5), "€"), Quantity(Decimal(5), "$")) == DIFFERENT
    assert compare_values(Quantity(Decimal(5), ordinal=True), Quantity(Decimal(5))) == DIFFERENT


@settings(max_examples=80, deadline=None)
@given(st.integers(min_value=1_000, max_value=10**12), st.integers(min_value=1, max_value=10**6))
def test_thousands_separators_are_cosmetic_and_other_amounts_major(number, delta):
    sentence = "The fund paid ${} last year."
    rewritten = changes(sentence.format(f"{number:,}"), sentence.format(number))
    assert [(c.kind, c.significance) for c in rewritten] == [("number", "cosmetic")]
    other = changes(sentence.format(f"{number:,}"), sentence.format(f"{number + delta:,}"))
    assert [(c.kind, c.significance) for c in other] == [("number", "major")]
    assert other[0].detail == {"old_value": f"${number}", "new_value": f"${number + delta}"}


@settings(max_examples=80, deadline=None)
@given(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2099, 12, 31)),
       st.integers(min_value=1, max_value=400))
def test_date_orders_are_cosmetic_and_other_dates_major(day, delta):
    def british(d: datetime.date) -> str:
        return f"It happened on {d.day} {d:%B} {d.year} in the city."

    def american(d: datetime.date) -> str:
        return f"It happened on {d:%B} {d.day}, {d.year} in the city."

    rewritten = changes(british(day), american(day))
    assert [(c.kind, c.significance) for c in rewritten] == [("date", "cosmetic")]
    assert rewritten[0].detail["new_value"] == day.isoformat()
    later = day + datetime.timedelta(days=delta)
    other = changes(american(day), american(later))
    assert {(c.kind, c.significance) for c in other} == {("date", "major")}


@pytest.mark.parametrize("module", [values_module, spelling_module])
def test_docstring_examples(module):
    failed, attempted = doctest.testmod(module)
    assert attempted > 0 and failed == 0


_UNITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
          "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def in_words(number: int) -> str:
    """An independent spelling of 0-999 999 in words, British style ("one hundred and five")."""
    if number >= 1000:
        thousands, rest = divmod(number, 1000)
        return f"{in_words(thousands)} thousand" + (f" {in_words(rest)}" if rest else "")
    if number >= 100:
        hundreds, rest = divmod(number, 100)
        return f"{_UNITS[hundreds]} hundred" + (f" and {in_words(rest)}" if rest else "")
    if number >= 20:
        tens, rest = divmod(number, 10)
        return _TENS[tens] + (f"-{_UNITS[rest]}" if rest else "")
    return _UNITS[number]


@settings(max_examples=80, deadline=None)
@given(st.integers(min_value=0, max_value=999_999), st.integers(min_value=1, max_value=1000))
def test_numbers_in_words_equal_their_numerals(number, delta):
    sentence = "The agency counted {} cases in all."
    same = changes(sentence.format(in_words(number)), sentence.format(f"{number:,}"))
    assert [(c.kind, c.significance) for c in same] == [("number", "cosmetic")]
    other = changes(sentence.format(in_words(number)), sentence.format(f"{number + delta:,}"))
    assert [(c.kind, c.significance) for c in other] == [("number", "major")]
