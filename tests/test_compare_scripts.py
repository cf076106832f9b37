"""Scripts other than the Latin: Chinese and Japanese, written without spaces between words (each character
is a token, sentences end at 。！？, quotations sit in 「」, an edited paragraph is paired with its old self by
shared character pairs), and the bidirectional marks of Arabic and Hebrew pages (no change)."""

from __future__ import annotations

import pytest

from variorum.compare import compare
from variorum.compare.align import bag_of_words
from variorum.text.segment import ends_sentence, sentence_spans
from variorum.text.tokens import TokenRun, has_unspaced, tokenize

JAPANESE = "政府は12日、新たな経済対策を発表した。総額は5兆円に上ると、岸田首相は「必要な措置だ」と述べた。"
CHINESE = "东京电力公司周二表示，福岛第一核电站的处理水将于明年春季开始排放。日本政府已批准该计划。"


def test_each_cjk_character_is_a_word_and_numbers_keep_apart_from_their_units() -> None:
    tokens = tokenize("政府は12日、iPhone15を発表した。")
    assert [(t.key, t.kind) for t in tokens] == [
        ("政", "word"), ("府", "word"), ("は", "word"), ("12", "number"), ("日", "word"), ("、", "punct"),
        ("iPhone15", "word"), ("を", "word"), ("発", "word"), ("表", "word"), ("し", "word"), ("た", "word"),
        ("。", "punct"),
    ]


@pytest.mark.parametrize("text", [JAPANESE, CHINESE, "Tokyo (東京) said 5兆円 — “yes”."])
def test_the_token_arrays_agree_with_the_tokens(text: str) -> None:
    run = TokenRun(text)
    tokens = tokenize(text)
    assert run.keys == [t.key for t in tokens]
    assert [run.span(k, k + 1) for k in range(len(run))] == [(t.start, t.end) for t in tokens]
    assert run.tokens(0, len(run)) == tokens


def test_text_without_unspaced_characters_tokenizes_as_before() -> None:
    assert [t.key for t in tokenize("It’s 5,000 km — a long-\nterm plan.")] == [
        "It's", "5,000", "km", "-", "a", "long-term", "plan", "."]
    assert not has_unspaced("Café “quoted” — naïve") and has_unspaced(CHINESE)


def test_sentences_end_at_cjk_stops_with_no_space_after_them() -> None:
    text = "総額は「5兆円」に上る！本当か？政府は「必要だ。」と述べた。「以上だ。」 Mr. Smith agreed."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "総額は「5兆円」に上る！", "本当か？", "政府は「必要だ。」と述べた。", "「以上だ。」", "Mr. Smith agreed."]
    assert ends_sentence("発表した。") and ends_sentence("「必要だ。」") and not ends_sentence("経済対策")


def test_an_edited_cjk_paragraph_shares_most_of_its_character_pairs() -> None:
    edited = CHINESE.replace("周二", "周三")
    old, new = bag_of_words(CHINESE), bag_of_words(edited)
    assert "电力" in old and 2 * len(old & new) / (len(old) + len(new)) > 0.9


def test_a_one_character_edit_is_one_wording_change_and_no_headline() -> None:
    result = compare(CHINESE + "\n\n渔业团体对此表示强烈反对。", CHINESE.replace("周二", "周三") + "\n\n渔业团体对此表示强烈反对。")
    assert [(c.kind, c.old, c.new) for c in result.substantive_changes] == [("wording", "二", "三")]
    change = result.substantive_changes[0]
    assert CHINESE[change.old_span[0]:change.old_span[1]] == "二"


def test_numbers_quotations_and_added_paragraphs_in_japanese() -> None:
    edited = JAPANESE.replace("12日", "13日").replace("措置", "対策")
    result = compare("経済対策\n\n" + JAPANESE, "経済対策\n\n" + edited + "\n\n野党は反発している。財源の説明が不十分だとしている。")
    found = {(c.kind, c.old, c.new) for c in result.substantive_changes}
    assert found == {("number", "12", "13"), ("quote", "措置", "対策"),
                     ("paragraph_added", None, "野党は反発している。財源の説明が不十分だとしている。")}
    quote = next(c for c in result.substantive_changes if c.kind == "quote")
    assert quote.detail.get("quote") == "必要な対策だ"
    added = next(c for c in result.substantive_changes if c.kind == "paragraph_added")
    assert added.significance == "major"  # 26 characters: a long paragraph, as 13 words would be
    assert 0.5 < result.similarity < 0.9


def test_a_short_cjk_line_is_a_label_and_an_unpunctuated_sentence_is_not() -> None:
    from variorum.compare.furniture import _is_label

    assert _is_label("関連記事") and _is_label("Advertisement")
    assert not _is_label("日本政府已批准该计划并将于明年实施")
    removed = compare("渔业团体对此表示强烈反对。\n\n日本政府已批准该计划并将于明年实施\n\n政府は12日に発表した。",
                      "渔业团体对此表示强烈反对。\n\n政府は12日に発表した。")
    assert [(c.kind, c.significance) for c in removed.changes] == [("paragraph_removed", "major")]


def test_bidirectional_marks_change_no_word() -> None:
    old = "قال المتحدث إن الاجتماع سيعقد يوم الاثنين في القاهرة.\n\nوأضاف أن الوفد سيضم 12 عضوا."
    new = old.replace("الاثنين", "الاثنين\u200f").replace("سيضم", "سيضم\u200e").replace("12", "\u206612\u2069")
    result = compare(old, new)
    assert result.substantive_changes == [] and result.similarity == 1.0
    assert [c.detail.get("differences") for c in result.changes] == [["invisible characters"]] * 2
    assert [c.kind for c in compare(old, old.replace("12", "14")).substantive_changes] == ["number"]


# The blocks of the scripts whose combining marks text.tokens keeps inside words: Latin, Greek and Cyrillic
# diacritics, Hebrew, Arabic, the Indic scripts, Thai, Lao, Tibetan, Myanmar, Khmer.
MARKED_BLOCKS = [(0x0300, 0x036F), (0x0483, 0x0489), (0x0591, 0x05C7), (0x0610, 0x06ED), (0x0900, 0x0DFF),
                 (0x0E00, 0x0EFF), (0x0F00, 0x0FFF), (0x1000, 0x109F), (0x1780, 0x17FF), (0x1AB0, 0x1AFF),
                 (0x1DC0, 0x1DFF), (0x20D0, 0x20FF), (0xFE20, 0xFE2F)]


def test_the_marks_table_holds_every_mark_of_its_scripts_and_no_punctuation() -> None:
    import re
    import unicodedata

    from variorum.text.tokens import MARKS

    marks = re.compile(f"[{MARKS}]")
    for low, high in MARKED_BLOCKS:
        for code in range(low, high + 1):
            character = chr(code)
            category = unicodedata.category(character)
            assert (marks.match(character) is not None) >= category.startswith("M"), hex(code)
            if marks.match(character):
                assert category.startswith(("M", "L", "N")) or category == "Cn", (hex(code), category)  # Cn: unassigned


@pytest.mark.parametrize("text, words", [
    ("प्रधानमंत्री ने कहा कि सरकार नई योजना शुरू करेगी।", ["प्रधानमंत्री", "ने", "कहा", "कि", "सरकार", "नई", "योजना", "शुरू", "करेगी"]),
    ("বাংলাদেশ সরকার", ["বাংলাদেশ", "সরকার"]),
    ("שָׁלוֹם עוֹלָם", ["שָׁלוֹם", "עוֹלָם"]),
    ("رئيس الوزراءِ قالَ", ["رئيس", "الوزراءِ", "قالَ"]),
])
def test_vowel_signs_and_viramas_stay_inside_their_words(text: str, words: list[str]) -> None:
    assert [t.key for t in tokenize(text) if t.kind == "word"] == words


@pytest.mark.parametrize("text, sentences", [
    ("Он сказал это. Затем ушёл. и всё.", ["Он сказал это.", "Затем ушёл. и всё."]),
    ("Il a dit. École fermée. «Bonjour» dit-il.", ["Il a dit.", "École fermée.", "«Bonjour» dit-il."]),
    ("قال المتحدث. وأضاف أن الوفد سيضم؟ نعم.", ["قال المتحدث.", "وأضاف أن الوفد سيضم؟", "نعم."]),
    ("सरकार योजना शुरू करेगी। इसमें 500 करोड़ खर्च होंगे।", ["सरकार योजना शुरू करेगी।", "इसमें 500 करोड़ खर्च होंगे।"]),
    ("¿Qué pasó? ¡Nada! Él dijo.", ["¿Qué pasó?", "¡Nada!", "Él dijo."]),
    ("He left. e.g. the U.S. Army. Then 5 more.", ["He left. e.g. the U.S. Army.", "Then 5 more."]),
])
def test_sentences_end_before_any_capital_or_caseless_letter_and_at_full_stops_of_other_scripts(
        text: str, sentences: list[str]) -> None:
    assert [text[s:e] for s, e in sentence_spans(text)] == sentences


def test_a_hindi_edit_is_one_word_and_its_number_a_number() -> None:
    old = "प्रधानमंत्री ने कहा कि सरकार नई योजना शुरू करेगी। इसमें 500 करोड़ रुपये खर्च होंगे।"
    new = old.replace("योजना", "नीति").replace("500", "700")
    found = [(c.kind, c.old, c.new) for c in compare(old, new).substantive_changes]
    assert sorted(found) == [("number", "500", "700"), ("wording", "योजना", "नीति")]
    context = next(c.context for c in compare(old, new).substantive_changes if c.kind == "number")
    assert context == "इसमें 700 करोड़ रुपये खर्च होंगे।"


def test_a_cjk_paragraph_split_at_a_full_stop_is_a_split_and_at_a_word_only_layout() -> None:
    whole = "経済対策\n\n野党は財源の説明が不十分だと反発している。経済界からは一定の評価が出ている一方、効果を疑問視する声もある。"
    split = whole.replace("している。経済界", "している。\n\n経済界")
    assert [(c.kind, c.significance) for c in compare(whole, split).changes] == [("paragraph_split", "cosmetic")]
    assert [(c.kind, c.significance) for c in compare(split, whole).changes] == [("paragraph_merged", "cosmetic")]
    assert [c.kind for c in compare("経済対策だ。", "経済\n\n対策だ。").changes] == ["layout"]
    assert [c.kind for c in compare("The plan was set.", "The plan\n\nwas set.").changes] == ["layout"]
    assert compare("foo bar was set.", "foo\n\nbarwas set.").substantive_changes  # no space: not a split


def test_a_rewrapped_cjk_paragraph_is_layout_only_and_fully_similar() -> None:
    rewrapped = "\n".join(CHINESE[k:k + 20] for k in range(0, len(CHINESE), 20))
    result = compare(CHINESE + "\n\n" + JAPANESE, rewrapped + "\n\n" + JAPANESE)
    assert result.similarity == 1.0 and not result.substantive_changes
    assert [c.detail.get("differences") for c in result.changes] == [["line breaks"]]
    from variorum.text.tokens import fold_text

    assert fold_text("経済\n対策 と a\nb") == "経済対策 と a b"  # a line break between CJK folds away, a space stays


THAI = ("นายกรัฐมนตรีกล่าวว่า รัฐบาลจะเริ่มโครงการใหม่ในเดือนหน้า เพื่อช่วยเหลือเกษตรกรที่ได้รับผลกระทบจากน้ำท่วมในภาคเหนือ"
        "\n\nฝ่ายค้านวิจารณ์แผนดังกล่าวว่าไม่เพียงพอ")


def test_thai_letters_with_their_marks_are_tokens_and_a_long_first_paragraph_is_no_headline() -> None:
    assert [t.key for t in tokenize("รัฐบาลจะเริ่ม")] == ["รั", "ฐ", "บา", "ล", "จ", "ะ", "เ", "ริ่", "ม"]
    result = compare(THAI, THAI.replace("ใหม่", "พิเศษ"))
    assert [(c.kind, c.old, c.new) for c in result.substantive_changes] == [("wording", "ใหม่", "พิเศษ")]
    assert 0.9 < result.similarity < 1.0
