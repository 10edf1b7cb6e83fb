"""The keyword dictionary: stems hit every form of a word, phrases hit consecutive words, the stage with the most
hits wins (the earliest on a tie), expectations come in the method's order; a workshop overrides, switches off and
adds stems (the facilitator only, versioned) and its stored comments are placed again; `place` and `place_texts`
give the same answers as the rule written out in Python; the shipped CSV is valid and a bad line is refused."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from cxcore import access, voc_dictionary, workshop
from cxcore.access import Forbidden
from cxcore.errors import ConflictError, NotFound, VocError
from cxcore.method import EXPECTATIONS, STAGES
from cxcore.store import Store
from cxcore.voc_dictionary import Word, explain, normalise, place, place_texts, tokens


def word(stem: str, stage: str | None = None, *expectations: str) -> Word:
    return Word(stem, "en" if stem.isascii() else "ru", stage, expectations)


def reference(text: str, words: tuple[Word, ...]) -> tuple[str | None, tuple[str, ...]]:
    """The placement rule of the module docstring, written out plainly in Python."""
    found = tokens(text)
    starts: dict[str, set[int]] = {}
    concerned: set[str] = set()
    for w in words:
        parts = w.stem.split(" ")
        for start in range(len(found) - len(parts) + 1):
            if all(found[start + i].startswith(part) for i, part in enumerate(parts)):
                if w.stage:
                    starts.setdefault(w.stage, set()).add(start)
                concerned |= set(w.expectations)
    stage = min(starts, key=lambda s: (-len(starts[s]), min(starts[s]), STAGES.index(s))) if starts else None
    return stage, tuple(e for e in EXPECTATIONS if e in concerned)


# -- words of a text ----------------------------------------------------------------------------------------------
def test_texts_are_seen_in_lower_case_with_e_for_yo_and_cut_into_words():
    assert normalise("Ёлка ЁЖ Привёз") == "елка еж привез"
    assert tokens("Don't! Курьер привёз заказ №42-Б, café") == ["don", "t", "курьер", "привез", "заказ", "42", "б",
                                                                 "caf"]
    assert tokens("") == [] and tokens("—!?") == []


def test_a_stem_hits_every_form_of_the_word_in_both_languages():
    texts = ["Доставили вчера вечером", "доставка", "It was delivered on Monday", "Курьер ПРИВЁЗ",
             "The parcel arrived"]
    assert [stage for stage, _ in place_texts(texts)] == ["receipt"] * 5


def test_a_stem_hits_only_where_a_word_starts_with_it():
    words = (word("цена", None, "material"),)
    assert place_texts(["Цена высокая", "с ценами", "ценный совет", "ценник", "бесценна"], words) == [
        (None, ("material",)), (None, ("material",)), (None, ()), (None, ()), (None, ())]


def test_a_phrase_hits_consecutive_words_each_starting_with_its_word():
    words = (word("пункт выдач", "receipt"),)
    assert place_texts(["Пункт выдачи закрыт", "пункты выдачи", "выдачи пункт", "пункт, где выдача", "пункт"],
                       words) == [("receipt", ()), ("receipt", ()), (None, ()), (None, ()), (None, ())]
    assert place_texts(["Товара не было в наличии", "не было, в наличии"], voc_dictionary.default_words()) == [
        ("need", ("need",)), ("need", ("need",))]  # punctuation between words does not break a phrase


# -- the stage and the expectations ---------------------------------------------------------------------------------
def test_the_stage_with_most_hits_wins_and_a_tie_goes_to_the_earliest_hit():
    words = (word("сайт", "search"), word("оплат", "purchase"), word("курьер", "receipt"), word("кур", "service"))
    assert place_texts(["оплата на сайте", "на сайте оплата", "сайт, оплата, снова сайт", "оплатил, оплата, сайт",
                        "курьер"], words) == [
        ("purchase", ()), ("search", ()), ("search", ()), ("purchase", ()),
        ("receipt", ())]  # two stems on one word: the earlier stage of the method


def test_a_comment_without_a_stage_word_is_unplaced_but_keeps_its_expectations():
    assert place_texts(["Ждал очень долго", "Ну такое", ""]) == [(None, ("speed",)), (None, ()), (None, ())]


def test_expectations_come_once_each_in_the_methods_order():
    (placed,) = place_texts(["Грубо, дорого, долго и опять грубо; скрытые комиссии"])
    assert placed == (None, ("material", "speed", "transparency", "comfort"))
    assert explain("Грубо, дорого, долго и опять грубо") == [
        w for stem in ("груб", "дорого", "долго") for w in voc_dictionary.default_words() if w.stem == stem]


def test_place_and_place_texts_agree_with_the_rule_on_many_texts(store: Store):
    fragments = ["Доставили через неделю", "курьер нахамил", "пункт выдачи закрыт", "оплата не прошла",
                 "в корзине пропали товары", "нашёл вас через рекламу", "выбор огромный", "консультант помог выбрать",
                 "приложение зависает", "инструкция непонятная", "в поддержку не дозвониться", "оператор вежливый",
                 "всем советую", "друзьям рекомендую", "скидку не дали", "кэшбэк не начислили", "скрытые комиссии",
                 "обещали перезвонить", "нет в наличии", "The courier was rude", "delivery took forever",
                 "great prices", "hidden fees", "would recommend to friends", "support never called back",
                 "checkout was confusing", "app crashes", "спасибо", "ок", "Ёжик в тумане", "", "12345"]
    rng = random.Random(7)
    texts = [", ".join(rng.sample(fragments, rng.randint(1, 4))) for _ in range(70)]
    wid = workshop.create(store, "VoC").id
    _comments(store, wid, texts)
    words = voc_dictionary.words(store, wid)
    with store.write("test") as tx:
        place(tx, wid, words)
    expected = [reference(text, words) for text in texts]
    assert _placed(store, wid) == expected
    assert place_texts(texts, words) == expected
    assert len({stage for stage, _ in expected}) >= 6 and any(exps for _, exps in expected)


def test_place_given_a_load_touches_only_that_load(store: Store):
    wid = workshop.create(store, "VoC").id
    _comments(store, wid, ["курьер опоздал"], load_id="a")
    _comments(store, wid, ["курьер опоздал"], load_id="b")
    with store.write("test") as tx:
        place(tx, wid, voc_dictionary.words(store, wid), load_id="b")
    assert store.query("SELECT load_id, stage, expectations FROM feedback ORDER BY load_id") == [
        ("a", None, []), ("b", "receipt", ["promises", "speed"])]


# -- a workshop's own dictionary ------------------------------------------------------------------------------------
@pytest.fixture
def wid(store: Store) -> str:
    return workshop.create(store, "VoC").id


def test_a_workshop_adds_overrides_and_switches_off_stems_and_its_comments_are_placed_again(store: Store, wid: str):
    _comments(store, wid, ["Самокат приехал, курьер молодец", "курьер", "самокат"])
    with store.write("test") as tx:
        place(tx, wid, voc_dictionary.words(store, wid))
    assert _placed(store, wid) == [("receipt", ()), ("receipt", ()), (None, ())]

    assert voc_dictionary.save_word(store, "Анна", wid, "  Самокат ", "use", ["comfort", "speed"]) == 1
    assert _placed(store, wid) == [("use", ("speed", "comfort")), ("receipt", ()), ("use", ("speed", "comfort"))]
    assert voc_dictionary.save_word(store, "Анна", wid, "курьер", "service", ["support"]) == 1
    assert _placed(store, wid)[1] == ("service", ("support",))
    effective = {w.stem: w for w in voc_dictionary.words(store, wid)}
    assert effective["самокат"] == Word("самокат", "ru", "use", ("speed", "comfort"), "workshop")
    assert effective["курьер"] == Word("курьер", "ru", "service", ("support",), "workshop")
    assert effective["доставк"].source == "default"

    voc_dictionary.remove_word(store, "Анна", wid, "курьер")  # a default stem: switched off, not deleted
    assert "курьер" not in {w.stem for w in voc_dictionary.words(store, wid)}
    assert _placed(store, wid) == [("use", ("speed", "comfort")), (None, ()), ("use", ("speed", "comfort"))]
    assert store.query("SELECT active, version, deleted_at FROM voc_words WHERE id = ?", [f"{wid}/курьер"]) == [
        (False, 2, None)]
    voc_dictionary.remove_word(store, "Анна", wid, "самокат")  # the workshop's own stem: to the trash
    assert store.query_one("SELECT deleted_at IS NOT NULL FROM voc_words WHERE id = ?", [f"{wid}/самокат"]) == (True,)
    assert _placed(store, wid) == [(None, ()), (None, ()), (None, ())]

    assert voc_dictionary.save_word(store, "Анна", wid, "курьер", "receipt", []) == 3  # switched on again
    assert _placed(store, wid)[1] == ("receipt", ())
    assert store.query("SELECT action FROM change_log WHERE entity = 'voc_words' ORDER BY id") == [
        ("create",), ("create",), ("switch_off",), ("delete",), ("update",)]
    other = workshop.create(store, "Other").id  # another workshop keeps the defaults
    assert voc_dictionary.words(store, other) == voc_dictionary.default_words()


def test_removing_a_stem_the_dictionary_does_not_hold_is_refused(store: Store, wid: str):
    with pytest.raises(NotFound):
        voc_dictionary.remove_word(store, "Анна", wid, "абракадабра")
    voc_dictionary.remove_word(store, "Анна", wid, "курьер")
    with pytest.raises(NotFound):
        voc_dictionary.remove_word(store, "Анна", wid, "курьер")


def test_only_the_facilitator_edits_the_dictionary_of_a_workshop_with_a_pin(store: Store, wid: str):
    access.set_pin(store, wid, "2468", "test")
    for intruder in ("Борис", access.Facilitator("Борис", wid, "forged")):
        with pytest.raises(Forbidden):
            voc_dictionary.save_word(store, intruder, wid, "самокат", "use", [])
        with pytest.raises(Forbidden):
            voc_dictionary.remove_word(store, intruder, wid, "курьер")
    boss = access.unlock(store, wid, "2468", "Ольга")
    assert voc_dictionary.save_word(store, boss, wid, "самокат", "use", []) == 1
    assert store.query_one("SELECT author FROM voc_words WHERE id = ?", [f"{wid}/самокат"]) == ("Ольга",)


def test_a_save_from_a_stale_read_conflicts(store: Store, wid: str):
    assert voc_dictionary.version(store, wid, "самокат") == 0
    assert voc_dictionary.save_word(store, "Анна", wid, "самокат", "use", [], expected_version=0) == 1
    with pytest.raises(ConflictError) as stale:
        voc_dictionary.save_word(store, "Борис", wid, "самокат", "receipt", [], expected_version=0)
    assert stale.value.params["current_version"] == 1 and stale.value.current["stage"] == "use"
    with pytest.raises(ConflictError):
        voc_dictionary.remove_word(store, "Борис", wid, "самокат", expected_version=0)
    assert voc_dictionary.save_word(store, "Анна", wid, "самокат", "receipt", [], expected_version=1) == 2
    assert voc_dictionary.version(store, wid, "Самокат") == 2


@pytest.mark.parametrize("stem, stage, expectations, key, field", [
    ("самокат", "delivery", [], "voc.error.bad_stage", "stage"),
    ("самокат", None, ["fast"], "voc.error.bad_expectation", "expectations"),
    ("самокат", None, "speed", "voc.error.bad_expectation", "expectations"),
    ("самокат", None, [], "voc.error.word_places_nothing", "stage"),
    ("ab", "use", [], "voc.error.bad_stem", "stem"),
    ("  ы ", "use", [], "voc.error.bad_stem", "stem"),
    ("до-ставка", "use", [], "voc.error.bad_stem", "stem"),
    ("x" * 41, "use", [], "voc.error.bad_stem", "stem"),
    (None, "use", [], "voc.error.bad_stem", "stem"),
])
def test_a_word_that_breaks_a_rule_is_refused_naming_the_field(store, wid, stem, stage, expectations, key, field):
    with pytest.raises(VocError) as refused:
        voc_dictionary.save_word(store, "Анна", wid, stem, stage, expectations)
    assert (refused.value.key, refused.value.params["field"]) == (key, field)
    assert refused.value.message("ru") != refused.value.message("en")
    assert store.query("SELECT count(*) FROM voc_words") == [(0,)]


def test_a_phrase_stem_is_saved_with_single_spaces(store, wid):
    voc_dictionary.save_word(store, "Анна", wid, " Ждал  Ответа ", None, ["support"])
    assert Word("ждал ответа", "ru", None, ("support",), "workshop") in voc_dictionary.words(store, wid)


# -- the shipped dictionary and its file ----------------------------------------------------------------------------
def test_the_shipped_dictionary_is_rich_and_tidy():
    words = voc_dictionary.default_words()
    by_lang = {lang: [w for w in words if w.lang == lang] for lang in ("ru", "en")}
    assert len(words) >= 250 and len(by_lang["ru"]) >= 150 and len(by_lang["en"]) >= 80
    assert {w.stage for w in words} == {*STAGES, None}
    assert {e for w in words for e in w.expectations} == set(EXPECTATIONS)
    assert all(w.source == "default" and len(w.stem) >= 3 for w in words)
    single = [w for w in words if " " not in w.stem]
    redundant = [(a.stem, b.stem) for a in single for b in single if a is not b and b.stem.startswith(a.stem)
                 and b.stage == a.stage and set(b.expectations) <= set(a.expectations)]
    assert redundant == []  # a longer stem that adds nothing to the shorter one it starts with


@pytest.mark.parametrize("text, placed", [
    ("Заказ привезли на три дня позже обещанного", ("receipt", ("promises",))),
    ("Оператор горячей линии грубо бросил трубку", ("service", ("support", "comfort"))),
    ("Всем рекомендую, цены ниже чем у конкурентов", ("recommend", ("material",))),
    ("Курьер опоздал на два часа и нахамил", ("receipt", ("promises", "speed", "comfort"))),
    ("Телефон сломался через неделю, в сервисном центре ремонт занял месяц", ("service", ("speed",))),
    ("Консультант помог подобрать тариф, всё понятно объяснил", ("choice", ("material", "simplicity", "support"))),
    ("Приложение постоянно вылетает", ("use", ("simplicity",))),
    ("Списали комиссию без предупреждения", (None, ("material", "transparency"))),
    ("The item was out of stock for weeks", ("need", ("need", "speed"))),
    ("Checkout kept failing, payment declined twice", ("purchase", ())),
    ("Great staff, friendly and helpful", (None, ("emotional", "support", "comfort"))),
])
def test_the_shipped_dictionary_places_everyday_comments(text, placed):
    assert place_texts([text]) == [placed]


@pytest.mark.parametrize("line, field", [
    ("курьер,ru,delivery,,", "stage"),
    ("курьер,ru,receipt,speed;fast,", "expectations"),
    ("курьер,ru,,,", "stage"),
    ("Курьер,ru,receipt,,", "stem"),
    ("привёз,ru,receipt,,", "stem"),
    ("ку,ru,receipt,,", "stem"),
    ("courier,ru,receipt,,", "stem"),
    ("курьер,de,receipt,,", "lang"),
    ("курьер,ru,receipt", "columns"),
    ("доставк,ru,receipt,,", "stem (twice)"),
])
def test_a_bad_line_of_a_dictionary_file_is_refused_naming_line_and_field(tmp_path: Path, line, field):
    path = tmp_path / "dictionary.csv"
    path.write_text("stem,lang,stage,expectations,note\ndelay,en,,speed;promises,late\nдоставк,ru,receipt,,\n"
                    + line + "\n", encoding="utf-8")
    with pytest.raises(VocError) as refused:
        voc_dictionary.read_dictionary(path)
    assert refused.value.key == "voc.error.dictionary_line"
    assert (refused.value.params["line"], refused.value.params["field"]) == (4, field)
    assert "dictionary.csv" in refused.value.message("en") and "4" in refused.value.message("ru")


def test_a_dictionary_file_needs_its_header(tmp_path: Path):
    path = tmp_path / "dictionary.csv"
    path.write_text("stem;lang;stage\nкурьер;ru;receipt\n", encoding="utf-8")
    with pytest.raises(VocError) as refused:
        voc_dictionary.read_dictionary(path)
    assert (refused.value.params["line"], refused.value.params["field"]) == (1, "header")
    assert voc_dictionary.read_dictionary(_written(tmp_path, "delay,en,,promises;speed,\n")) == (
        Word("delay", "en", None, ("promises", "speed")),)


# -- helpers ---------------------------------------------------------------------------------------------------------
def _written(folder: Path, body: str) -> Path:
    path = folder / "good.csv"
    path.write_text("stem,lang,stage,expectations,note\n" + body, encoding="utf-8")
    return path


def _comments(store: Store, workshop_id: str, texts: list[str], load_id: str = "load") -> None:
    with store.write("test") as tx:
        for row_no, text in enumerate(texts, start=1):
            tx.execute("INSERT INTO feedback (load_id, workshop_id, row_no, text, text_key, sentiment) "
                       "VALUES (?, ?, ?, ?, md5(?), 'unknown')", [load_id, workshop_id, row_no, text, text])


def _placed(store: Store, workshop_id: str) -> list[tuple[str | None, tuple[str, ...]]]:
    rows = store.query("SELECT stage, expectations FROM feedback WHERE workshop_id = ? ORDER BY load_id, row_no",
                       [workshop_id])
    return [(stage, tuple(expectations)) for stage, expectations in rows]
