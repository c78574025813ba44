"""The check page shows the email as Notify's HTML email shows it: the impact as inset text, a rule before the
links to manage alerts, links as links, and the officer's own words exactly as typed, never as Markdown."""

from alerts.models import Role
from tests.staff.test_notices import create_draft


def test_the_preview_renders_notifys_markdown_and_shows_officer_text_as_typed(client_request, sign_in_as) -> None:
    sign_in_as(Role.OFFICER)
    typed = "Pay at [our site](https://evil.example)\n# Not a heading\n- not a list\n1. not numbered"
    notice = create_draft(client_request, summary=typed)
    preview = client_request.get(f"/staff/notices/{notice.id}").soup.select_one("#email-preview")

    inset = preview.select_one(".govuk-inset-text")
    assert inset is not None and inset.get_text(strip=True).endswith(" disruption: suspended or closed")
    assert preview.select_one("hr") is not None
    assert not preview.select("h4, h5, ul, ol")
    # Notify links a bare address, so the one in the officer's words is a link, showing where it goes.
    assert all(link.get_text() == link["href"] for link in preview.select("a"))
    happening = next(p for p in preview.select("p") if p.get_text().startswith("What's happening"))
    for br in happening.select("br"):
        br.replace_with("\n")
    assert happening.get_text() == f"What's happening\n{typed}"
    assert preview.select_one('a[href^="http://localhost/manage/"]') is not None
