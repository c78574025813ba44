"""The email preview reads Notify's Markdown as Notify's email does: each row is an input and Notify's own output
(notifications-utils `tests/test_markdown.py`, `notify_email_markdown`)."""

import pytest

from alerts.notify.email_markdown import GOVUK_LOOK, notify_email_html

P = '<p style="Margin: 0 0 20px 0; font-size: 19px; line-height: 25px; color: #0B0C0C;">'
A = '<a style="word-wrap: break-word; color: #1D70B8;" '
LI = '<li style="Margin: 5px 0 5px; padding: 0 0 0 5px; font-size: 19px;line-height: 25px; color: #0B0C0C;">'
H2 = ('<h2 style="Margin: 0 0 15px 0; padding: 10px 0 0 0; font-size: 27px; line-height: 35px; font-weight: bold; '
      'color: #0B0C0C;">')
H3 = ('<h3 style="Margin: 0 0 15px 0; padding: 10px 0 0 0; font-size: 19px; line-height: 25px; font-weight: bold; '
      'color: #0B0C0C;">')
HR = '<hr style="border: 0; height: 1px; background: #B1B4B6; Margin: 30px 0 30px 0;">'


def _list(tag: str, kind: str, *items: str) -> str:
    return ('<table role="presentation" style="padding: 0 0 20px 0;"><tr><td style="font-family: Helvetica, Arial, '
            f'sans-serif;"><{tag} style="Margin: 0 0 0 20px; padding: 0; list-style-type: {kind};">'
            + "".join(f"{LI}{item}</li>" for item in items) + f"</{tag}></td></tr></table>")


NOTIFY_OUTPUTS = [
    # inset text
    ("^ inset text", '<div style="Margin: 0 0 20px 0;"><blockquote style="Margin: 0; border-left: 10px solid '
     '#B1B4B6;padding: 15px 0 0.1px 15px; font-size: 19px; line-height: 25px;">' + P + "inset text</p>"
     "</blockquote></div>"),
    # rules
    ("a\n\n---\n\nb", f"{P}a</p>{HR}{P}b</p>"),
    ("a\n\n***\n\nb", f"{P}a</p>{HR}{P}b</p>"),
    # headings: # and ## only; deeper ones are paragraphs
    ("# heading", f"{H2}heading</h2>"),
    ("#heading", f"{H2}heading</h2>"),
    ("## heading", f"{H3}heading</h3>"),
    ("### inset text", f"{P}inset text</p>"),
    # numbered and bulleted lists; "+" is not a bullet in Notify
    ("1. one\n2. two\n3. three\n", _list("ol", "decimal", "one", "two", "three")),
    ("1.one\n2.two\n3.three\n", _list("ol", "decimal", "one", "two", "three")),
    ("* one\n* two\n* three\n", _list("ul", "disc", "one", "two", "three")),
    ("*one\n*two\n*three\n", _list("ul", "disc", "one", "two", "three")),
    ("*  one\n*  two\n*  three\n", _list("ul", "disc", "one", "two", "three")),
    ("- one\n- two\n- three\n", _list("ul", "disc", "one", "two", "three")),
    ("• one\n• two\n• three\n", _list("ul", "disc", "one", "two", "three")),
    ("+ one\n+ two\n+ three\n", f"{P}+ one</p>{P}+ two</p>{P}+ three</p>"),
    # links, with and without a protocol or title, and bare addresses
    ("Visit our [website](www.example.com/xyz).",
     f'{P}Visit our {A}href="http://www.example.com/xyz">website</a>.</p>'),
    ("Visit our [website](https://www.example.com/xyz).",
     f'{P}Visit our {A}href="https://www.example.com/xyz">website</a>.</p>'),
    ("Visit our [website](https://www.example.com/xyz 'Link Title').",
     f'{P}Visit our {A}href="https://www.example.com/xyz" title="Link Title">website</a>.</p>'),
    ("http://service.gov.uk/blah.ext?q=a%20b%20c&order=desc#fragment",
     f'{P}{A}href="http://service.gov.uk/blah.ext?q=a%20b%20c&amp;order=desc#fragment">'
     "http://service.gov.uk/blah.ext?q=a%20b%20c&amp;order=desc#fragment</a></p>"),
    ("this is some text with a link http://example.com in the middle",
     f'{P}this is some text with a link {A}href="http://example.com">http://example.com</a> in the middle</p>'),
    ("this link is in brackets (http://example.com)",
     f'{P}this link is in brackets ({A}href="http://example.com">http://example.com</a>)</p>'),
    ("www.example.com", f"{P}www.example.com</p>"),
    ("ftp://example.com", f"{P}ftp://example.com</p>"),
    # paragraphs and line breaks
    ("line one\nline two\n\nnew paragraph", f"{P}line one<br>line two</p>{P}new paragraph</p>"),
    ("before\n\n\n\n\n\nafter", f"{P}before</p>{P}after</p>"),
]


@pytest.mark.parametrize(("markdown", "notify_html"), NOTIFY_OUTPUTS)
def test_each_construct_reads_as_notify_renders_it(markdown: str, notify_html: str) -> None:
    assert notify_email_html(markdown) == notify_html


def test_html_in_the_body_is_shown_not_obeyed() -> None:
    assert notify_email_html("<script>x</script> & more") == f"{P}&lt;script&gt;x&lt;/script&gt; &amp; more</p>"


def test_backslash_escapes_show_the_character_itself() -> None:
    assert notify_email_html(r"\[Pay\](https://evil.example) \# \- 1\.") == (
        f'{P}[Pay](https://evil.example) # - 1.</p>'.replace(
            "https://evil.example", f'{A}href="https://evil.example">https://evil.example</a>'))


def test_the_page_dresses_it_in_design_system_classes() -> None:
    html = notify_email_html("# Title\n\n^ Major\n\n---\n\n* a\n* b\n\nSee [it](https://x.example)", GOVUK_LOOK)
    assert html == ('<h4 class="govuk-heading-m">Title</h4><div class="govuk-inset-text"><p class="govuk-body">Major'
                    '</p></div><hr class="govuk-section-break govuk-section-break--m govuk-section-break--visible">'
                    '<ul class="govuk-list govuk-list--bullet"><li>a</li><li>b</li></ul>'
                    '<p class="govuk-body">See <a class="govuk-link" href="https://x.example">it</a></p>')
