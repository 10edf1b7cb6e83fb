"""The dot-voting page through AppTest on the demo journey: open a vote, spend dots, the limit, close, reopen."""
from __future__ import annotations

from cxcore import journey, votes
from cxcore.store import open_store
from tests.test_pages import app, chart_data, charts, db, fresh_caches, served_mode  # noqa: F401  (fixtures)


def test_open_spend_the_dots_close_and_reopen(db):
    at = app("pages/vote.py", me="Ольга")
    at.number_input(key="vote.dots").set_value(2)
    at.button(key="vote.open").click().run()
    assert votes.vote_state(open_store(db), "demo").open and votes.vote_state(open_store(db), "demo").dots == 2
    barrier = journey.load(open_store(db), "demo", "at_risk").barriers[0]
    for _ in range(3):  # the third dot is one too many
        at.button(key=f"vote.plus.{barrier.id}").click().run()
    assert votes.my_dots(open_store(db), "demo", "Ольга") == {barrier.id: 2}
    assert at.success[0].value.startswith("У вас осталось 0 из 2 точек")
    shown = chart_data(charts(at)[0])
    assert shown.loc[shown["text"] == barrier.text, "dots"].tolist() == [2]
    at.button(key=f"vote.minus.{barrier.id}").click().run()
    assert votes.my_dots(open_store(db), "demo", "Ольга") == {barrier.id: 1}
    at.button(key="vote.switch").click().run()  # close
    assert not votes.vote_state(open_store(db), "demo").open
    assert at.button(key=f"vote.plus.{barrier.id}").disabled
    assert at.warning[0].value.startswith("Голосование закрыто")
    at.button(key="vote.switch").click().run()  # reopen: the same round, the dots stay
    assert votes.vote_state(open_store(db), "demo").open
    assert votes.my_dots(open_store(db), "demo", "Ольга") == {barrier.id: 1}
