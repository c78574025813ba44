"""Residents' "Was this useful? Yes / No" on every notice page and from the links in alert emails.

The rule that keeps the counts honest: only a button press (a POST) counts, and each press counts once. A GET never
counts, so a mail provider's link scanner or a preview that fetches the email's link sees a "Send your answer"
button and changes nothing. Nothing about the resident is kept (no address, subscriber or cookie); each client
(its address, or its IPv6 /64) may answer FEEDBACK_LIMITS_PER_IP times.

The notice page is one shared copy for every visitor in a storm (alerts.web.caching), so its form carries no
session token: a form posted from another site is refused by its Origin (or Referer) header instead, the check
browsers make possible without a session. The email link's confirm page is per visitor, so it has the usual token.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from alerts import links
from alerts.data import notices as notice_data
from alerts.data.feedback import Answer, AskedOn
from alerts.extensions import client_key, csrf, limiter
from alerts.public.views import public
from alerts.services import feedback
from alerts.web.caching import cached_page
from alerts.web.forms import FlaskForm


def _feedback_limit() -> str:
    return current_app.config["FEEDBACK_LIMITS_PER_IP"]


def _answer(text: str | None) -> Answer:
    try:
        return Answer(text or "")
    except ValueError:
        abort(400)


def _public_notice_id(notice_id: int) -> int:
    if notice_data.get_public_notice(notice_id) is None:
        abort(404)
    return notice_id


def _from_this_site() -> bool:
    """False when the browser says the form came from another site. A request naming no origin at all (an old
    browser, a script) is let through: it can't ride on a resident's browser, and the per-client limit bounds it."""
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if not origin:
        return True
    ours = {urlsplit(current_app.config["BASE_URL"]).netloc, request.host}
    return urlsplit(origin).netloc in ours


@public.post("/notices/<int:notice_id>/feedback")
@csrf.exempt
@limiter.limit(_feedback_limit, key_func=client_key)
def notice_feedback(notice_id: int) -> Response:
    if not _from_this_site():
        abort(400)
    answer = _answer(request.form.get("answer"))
    feedback.record_feedback(_public_notice_id(notice_id), answer, AskedOn.PAGE)
    return redirect(url_for("public.feedback_thanks", notice_id=notice_id), 303)


class SendAnswerForm(FlaskForm):
    """Nothing to fill in: the button a person presses, with its CSRF token."""


@public.route("/notices/<int:notice_id>/feedback/<answer>/<signature>", methods=["GET", "POST"])
@limiter.limit(_feedback_limit, key_func=client_key, methods=["POST"])
def email_feedback(notice_id: int, answer: str, signature: str) -> Response | str:
    if not links.feedback_signature_matches(notice_id, answer, signature):
        abort(404)
    notice = notice_data.get_public_notice(notice_id)
    if notice is None:
        abort(404)
    form = SendAnswerForm()
    if form.validate_on_submit():
        feedback.record_feedback(notice_id, Answer(answer), AskedOn.EMAIL)
        return redirect(url_for("public.feedback_thanks", notice_id=notice_id), 303)
    return render_template("public/feedback_confirm.html", notice=notice, answer=Answer(answer), form=form)


@public.get("/notices/<int:notice_id>/thank-you")
@cached_page
def feedback_thanks(notice_id: int) -> str:
    notice = notice_data.get_public_notice(notice_id)
    if notice is None:
        abort(404)
    return render_template("public/feedback_thanks.html", notice=notice)
