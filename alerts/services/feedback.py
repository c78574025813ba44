"""Counting residents' answers to "Was this useful?": one count per button press, nothing about who pressed it."""

from __future__ import annotations

from alerts.data import feedback as feedback_data
from alerts.extensions import db


def record_feedback(notice_id: int, answer: feedback_data.Answer, asked_on: feedback_data.AskedOn) -> None:
    feedback_data.count_answer(notice_id, answer, asked_on)
    db.session.commit()
