"""An email body as GOV.UK Notify's HTML email shows it: Notify's own Markdown, mirrored by hand.

Notify renders email bodies with mistune 0.8 and its own rules (notifications-utils `markdown.py`,
`HTMLEmailTemplate.html_body`): `^` inset text, `---` (or `***`, `___`) a rule, `#` and `##` headings (`###` and
deeper are paragraphs), `*`, `-` and `•` bulleted lists and `1.` numbered ones (never `+`), `[text](url)` links,
bare http(s) addresses as links, a single newline a line break and a blank line a new paragraph. Emphasis, code
and images are not Markdown in Notify, so neither are they here. The rules below are the few our bodies can meet;
`NOTIFY_LOOK` dresses them exactly as Notify's email does (the tests compare with Notify's own outputs) and
`GOVUK_LOOK` with the Design System's classes, for a page whose policy allows no inline styles.
"""

import html
import re
from collections.abc import Mapping
from urllib.parse import quote

from markupsafe import Markup

_P = '<p style="Margin: 0 0 20px 0; font-size: 19px; line-height: 25px; color: #0B0C0C;">{}</p>'
_LIST = ('<table role="presentation" style="padding: 0 0 20px 0;"><tr><td style="font-family: Helvetica, Arial, '
         'sans-serif;"><{tag} style="Margin: 0 0 0 20px; padding: 0; list-style-type: {type};">{{}}</{tag}></td>'
         "</tr></table>")
NOTIFY_LOOK: Mapping[str, str] = {
    "p": _P,
    "h1": '<h2 style="Margin: 0 0 15px 0; padding: 10px 0 0 0; font-size: 27px; line-height: 35px; '
          'font-weight: bold; color: #0B0C0C;">{}</h2>',
    "h2": '<h3 style="Margin: 0 0 15px 0; padding: 10px 0 0 0; font-size: 19px; line-height: 25px; '
          'font-weight: bold; color: #0B0C0C;">{}</h3>',
    "hr": '<hr style="border: 0; height: 1px; background: #B1B4B6; Margin: 30px 0 30px 0;">',
    "inset": '<div style="Margin: 0 0 20px 0;"><blockquote style="Margin: 0; border-left: 10px solid #B1B4B6;'
             'padding: 15px 0 0.1px 15px; font-size: 19px; line-height: 25px;">{}</blockquote></div>',
    "ol": _LIST.format(tag="ol", type="decimal"),
    "ul": _LIST.format(tag="ul", type="disc"),
    "li": '<li style="Margin: 5px 0 5px; padding: 0 0 0 5px; font-size: 19px;line-height: 25px; color: #0B0C0C;">'
          "{}</li>",
    "a": '<a style="word-wrap: break-word; color: #1D70B8;" href="{href}"{title}>{text}</a>',
}
# The email sits under the page's "Email" heading (h3), so its headings come next.
GOVUK_LOOK: Mapping[str, str] = {
    "p": '<p class="govuk-body">{}</p>',
    "h1": '<h4 class="govuk-heading-m">{}</h4>',
    "h2": '<h5 class="govuk-heading-s">{}</h5>',
    "hr": '<hr class="govuk-section-break govuk-section-break--m govuk-section-break--visible">',
    "inset": '<div class="govuk-inset-text">{}</div>',
    "ol": '<ol class="govuk-list govuk-list--number">{}</ol>',
    "ul": '<ul class="govuk-list govuk-list--bullet">{}</ul>',
    "li": "<li>{}</li>",
    "a": '<a class="govuk-link" href="{href}"{title}>{text}</a>',
}

# Block rules: mistune 0.8's grammar with Notify's changes (its `^` block quote, its list bullets).
_HEADING = re.compile(r" *(#{1,6}) *([^\n]+?) *#* *(?:\n+|$)")
_SETEXT_HEADING = re.compile(r"([^\n]+)\n *(=|-)+ *(?:\n+|$)")
_RULE = re.compile(r" {0,3}[-*_](?: *[-*_]){2,} *(?:\n+|$)")
_INSET = re.compile(r"( *\^[^\n]+(\n[^\n]+)*\n*)+")
_INSET_MARK = re.compile(r"^ *\^ ?", re.MULTILINE)
_LIST_BLOCK = re.compile(r"( *)([•*-]|\d+\.)[\s\S]+?(?:\n+(?=\1?(?:[-*_] *){3,}(?:\n+|$))|\n{2,}(?! )"
                         r"(?!\1(?:[•*-]|\d+\.) )\n*|\s*$)")
_LIST_ITEM = re.compile(r"^(( *)(?:[•*-]|\d+\.)[^\n]*(?:\n(?!\2(?:[•*-]|\d+\.))[^\n]*)*)", re.MULTILINE)
_BULLET = re.compile(r"^ *(?:[•*-]|\d+\.) *")
_BLANK = re.compile(r"\n+")
# A paragraph ends at a line that starts another block by mistune's own rules, before Notify changed them: so a
# "+ " line ends one (and is a paragraph of its own) and a "^" line does not.
_STARTS_BLOCK = re.compile(r"(?: {0,3}[-*_](?: *[-*_]){2,} *(?:\n|$)| *#{1,6} *[^\n]| *(?:[*+-]|\d+\.) "
                           r"| *(?:`{3,}|~{3,})|[^\n]+\n *(?:=|-)+ *(?:\n|$))")

# Inline rules: backslash escapes, links, bare addresses (Notify's pattern), line breaks (`hard_wrap`).
_ESCAPE = re.compile(r"\\([\\`*{}\[\]()#+\-.!_>~|])")
_LINK = re.compile(r"""!?\[((?:\[[^^\]]*\]|[^\[\]]|\](?=[^\[]*\]))*)\]"""
                   r"""\(\s*<?([\s\S]*?)>?(?:\s+['"]([\s\S]*?)['"])?\s*\)""")
_URL = re.compile(r"""https?://[^\s<]+[^<.,:"')\]\s]""")
_TEXT = re.compile(r"[\s\S]+?(?=[\\<!\[_*`~]|https?://| *\n|$)")
_LINE_BREAK = re.compile(r" *\n")
_PROTOCOLS = ("ftp:", "file:", "http:", "https:", "mailto:", "tel:")


def notify_email_html(body: str, look: Mapping[str, str] = NOTIFY_LOOK) -> Markup:
    """`body` (an email body as sent to Notify) as Notify's HTML email shows it, dressed in `look`."""
    # Notify escapes HTML in the body before reading its Markdown, drops two invisible characters and tabs
    # become spaces.
    text = html.escape(body, quote=False).replace("\u2028", "").replace("\u3164", "")
    text = re.sub(r"^ +$", "", text.replace("\r\n", "\n").replace("\t", "    "), flags=re.MULTILINE)
    return Markup(_blocks(text + "\n", look))  # noqa: S704 - escaped above, before any Markdown is read


def _blocks(text: str, look: Mapping[str, str]) -> str:
    out, position = [], 0
    while position < len(text):
        rest = text[position:]
        if match := _BLANK.match(rest):
            position += match.end()
            continue
        if match := _RULE.match(rest):
            out.append(look["hr"])
        elif match := _HEADING.match(rest):
            level = len(match[1])
            out.append(look[f"h{level}"].format(_inline(match[2], look)) if level <= 2
                       else look["p"].format(_inline(match[2], look)))
        elif match := _SETEXT_HEADING.match(rest):
            out.append(look["h1" if match[2] == "=" else "h2"].format(_inline(match[1], look)))
        elif match := _INSET.match(rest):
            out.append(look["inset"].format(_blocks(_INSET_MARK.sub("", match[0]), look)))
        elif match := _LIST_BLOCK.match(rest):
            out.append(_list(match[0], look))
        else:
            taken = _paragraph(rest)
            paragraph = taken.rstrip("\n")
            if paragraph.strip():
                out.append(look["p"].format(_inline(paragraph, look)))
            position += len(taken)
            continue
        position += match.end()
    return "".join(out)


def _paragraph(rest: str) -> str:
    """Lines up to a blank line or to a line that starts another block."""
    lines = rest.split("\n")
    taken = [lines[0]]
    for index, line in enumerate(lines[1:], start=1):
        if not line or _STARTS_BLOCK.match("\n".join(lines[index:])):
            break
        taken.append(line)
    consumed = "\n".join(taken)
    return consumed + ("\n" if len(consumed) < len(rest) else "")


def _list(block: str, look: Mapping[str, str]) -> str:
    ordered = "." in _BULLET.match(block)[0]  # type: ignore[index]  # a list block starts with its bullet
    items = [look["li"].format(_inline(_BULLET.sub("", item[0]).strip(), look))
             for item in _LIST_ITEM.finditer(block.rstrip("\n"))]
    return look["ol" if ordered else "ul"].format("".join(items))


def _inline(text: str, look: Mapping[str, str]) -> str:
    out, position = [], 0
    while position < len(text):
        rest = text[position:]
        if match := _ESCAPE.match(rest):
            out.append(match[1])
        elif match := _URL.match(rest):
            out.append(_anchor(match[0], match[0], "", look))
        elif match := _LINK.match(rest):
            if not match[0].startswith("!"):  # Notify shows no images
                out.append(_anchor(match[2], _inline(match[1], look), match[3] or "", look))
        elif match := _LINE_BREAK.match(rest):
            out.append("<br>")
        elif match := _TEXT.match(rest):
            out.append(match[0])
        else:  # pragma: no cover - the text rule always takes at least one character
            break
        position += match.end() or 1
    return "".join(out)


def _anchor(href: str, text: str, title: str, look: Mapping[str, str]) -> str:
    # As Notify: a link without a known protocol is taken to be a web address; the address is quoted so that it
    # can never leave its attribute.
    if not href.lower().startswith(_PROTOCOLS):
        href = f"http://{href}"
    return look["a"].format(href=quote(href, safe=":/?#=&;%"), text=text, title=f' title="{title}"' if title else "")
