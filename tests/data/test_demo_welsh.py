"""The demo in Welsh: a council that writes in Welsh gets every demo notice and update in Welsh beside the English;
an English-only council's demo is unchanged."""

from __future__ import annotations

import pytest
from flask import Flask

from alerts.data import demo, demo_history
from alerts.data.demo_welsh import BACK_TO_NORMAL, _and, last_winter_in_welsh
from alerts.models import UpdateKind
from config.council import load_council


@pytest.fixture
def welsh_council(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "COUNCIL_PROFILE", load_council("ceredigion"))


def test_every_demo_notice_and_update_of_a_welsh_council_has_its_welsh(welsh_council: None) -> None:
    notices = demo.demo_notices()
    assert all(notice.title_cy and notice.summary_cy and notice.advice_cy for notice in notices)
    assert all(update.summary_cy for notice in notices for update in notice.updates)
    assert notices[0].title == "Bin collections suspended in Borth & Bow Street and Tregaron"
    assert notices[0].title_cy == "Casgliadau biniau wedi'u hatal: y Borth a Bow Street, Tregaron"
    assert notices[2].title_cy == "Prif ffordd ar gau rhwng Aberteifi ac Aber-porth ac Aberystwyth"
    resolved = [u for n in notices for u in n.updates if u.kind == UpdateKind.RESOLVED]
    assert resolved and {update.summary_cy for update in resolved} == {BACK_TO_NORMAL}


def test_an_english_only_councils_demo_has_no_welsh() -> None:
    notices = demo.demo_notices()
    assert {notice.title_cy for notice in notices} == {None}
    assert {update.summary_cy for notice in notices for update in notice.updates} == {None}


@pytest.mark.parametrize("kind", ["snow", "wind", "rain", "fog"])
def test_last_winter_has_welsh_for_every_notice_of_each_kind_of_weather(welsh_council: None, kind: str) -> None:
    welsh = demo_history._welsh(kind)
    assert len(welsh) == len(demo_history._plans(kind))
    assert all(text is not None and text.title and text.summary and text.advice for text in welsh)


def test_last_winter_needs_no_welsh_for_an_english_only_council() -> None:
    assert demo_history._welsh("snow") == [None, None, None]


@pytest.mark.parametrize("name, joined", [
    ("Aberystwyth", "ac Aberystwyth"), ("Tregaron", "a Thregaron"), ("Ceinewydd", "a Cheinewydd"),
    ("Pen-parc", "a Phen-parc"), ("Llandysul", "a Llandysul"), ("Y Borth", "a'r Borth"),
])
def test_and_before_a_welsh_place_name_follows_welsh_grammar(name: str, joined: str) -> None:
    assert _and(name) == joined


def test_welsh_last_winter_names_the_places_without_mutating_them() -> None:
    names = ["Aberystwyth", "Y Borth a Bow Street", "Tregaron", "Aberteifi"]
    (rain,) = last_winter_in_welsh("rain", "Ceredigion", lambda i: names[i % len(names)])
    assert rain.title == "Llifogydd: ffordd ar gau ger Aberteifi"
