"""Staff pages under /staff: officers publish disruptions, the contact centre answers callers, admins run it."""

from __future__ import annotations

from flask import Blueprint, Response

from alerts.data.foresight import in_words
from alerts.notify.masking import mask_for_staff
from alerts.notify.recipients import readable_contact

staff = Blueprint("staff", __name__, url_prefix="/staff")

# Views that must work without signing in.
# The security code step and the reset link page check their own session state or token.
PUBLIC_ENDPOINTS = frozenset({"staff.sign_in", "staff.sign_in_code", "staff.reset_password", "staff.sign_in_sso",
                              "staff.sso_callback", "staff.forgot_password", "staff.password_link_sent"})


@staff.before_request
def _check_session() -> Response | None:
    from flask import request

    from alerts.staff.access import check_session

    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    return check_session()


# Every message body staff see goes through this one filter: codes masked, personal links removed.
staff.add_app_template_filter(mask_for_staff, "mask_for_staff")
# Every contact staff read goes through this one: mobile numbers as people say them (07700 900777), not E.164.
staff.add_app_template_filter(readable_contact, "readable_contact")
# How long something lasted, in words ("1 day 6 hours").
staff.add_app_template_filter(in_words, "in_words")


@staff.after_request
def _no_caching(response: Response) -> Response:
    # Staff pages show personal data: never keep them in a shared or browser cache.
    response.headers["Cache-Control"] = "no-store"
    return response


from alerts.staff import (  # noqa: E402, F401 — registers the views on the blueprint
    account,
    admin,
    audit_words,
    auth,
    bulk,
    calls,
    feed_sources,
    forgot_password,
    headline,
    insight,
    lookup,
    notices,
    phone_signup,
    single_sign_on,
    template_admin,
)

__all__ = ["staff"]
