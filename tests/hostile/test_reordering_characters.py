"""Characters that change how text reads without being seen — bidi overrides and isolates, which can make
"gro.live//:sptth" read as a trusted address, and the Unicode line and paragraph separators — are refused in what
officers type, naming the field, on the staff form and in the API alike (the rule lives in alerts/text.py)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from alerts.extensions import db
from alerts.models import Notice, Role
from alerts.text import hidden_character_error, xml_safe
from tests import factories
from tests.api.test_officer_api import NOTICE, make_token
from tests.pages import PageClient
from tests.staff.conftest import post_form, sign_in
from tests.staff.test_notices import NEW_NOTICE

REORDERING = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
              "\u2028", "\u2029"]


@pytest.mark.parametrize("character", REORDERING)
def test_the_text_rule_names_each_reordering_character(character: str) -> None:
    error = hidden_character_error("Title", f"Roads closed{character}gro.live")
    assert error == (f"Title must not contain hidden characters that change how text reads "
                     f"(U+{ord(character):04X}): retype it, or paste it as plain text")
    assert xml_safe(f"a{character}b") == "ab"  # an old row shows in a feed without it


def test_the_notice_form_refuses_a_bidi_override_in_the_title(client_request: PageClient) -> None:
    sign_in(client_request, factories.StaffUserFactory(role=Role.OFFICER))
    page = post_form(client_request, "/staff/notices/new",
                     {**NEW_NOTICE, "title": "Call \u202e0900 123 456"}, expected_status=400)
    assert page.error_summary() == ["Title must not contain hidden characters that change how text reads (U+202E): "
                                    "retype it, or paste it as plain text"]
    assert db.session.query(Notice).count() == 0


@pytest.mark.parametrize("character", ["\u2067", "\u2028"])
def test_the_officer_api_refuses_them_naming_the_field(client: FlaskClient, character: str) -> None:
    response = client.post("/api/v1/notices", json={**NOTICE, "title": f"Gritters{character}out"},
                           headers=make_token())
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert list(response.json["errors"]) == ["title"]
    assert f"U+{ord(character):04X}" in response.json["errors"]["title"]
