"""The demo notices in Welsh, for a council that writes in Welsh: the same winter's morning, in the same order as
alerts/data/demo.py writes them in English, so each notice gets its Welsh title, summary, advice and updates.

The area names come in already in Welsh. Sentences are built so that no place name has to mutate ("yn ardal …",
"rhwng … a …" with `_and`), since a name from the profile cannot be mutated safely by rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

BACK_TO_NORMAL = "Mae'r gwasanaeth hwn yn ôl i'r arfer."
_ASPIRATE = {"C": "Ch", "P": "Ph", "T": "Th"}  # after "a" (and): a Thregaron, a Chei Newydd


@dataclass(frozen=True)
class WelshNotice:
    title: str
    summary: str
    advice: str
    updates: tuple[str, ...] = ()


def _inside(name: str) -> str:
    """A place name inside a sentence: "Y Borth" reads "y Borth" there."""
    return "y " + name[2:] if name.startswith("Y ") else name


def _and(name: str) -> str:
    """ "and <name>": "ac" before a vowel, "a'r" for "y", and c, p, t take the aspirate mutation after "a"."""
    name = _inside(name)
    if name.startswith("y "):  # "and the Borth": a'r Borth
        return f"a'r {name[2:]}"
    if name[:1].lower() in "aeiouwy":
        return f"ac {name}"
    if name[:1] in _ASPIRATE and name[1:2] != "h":  # "Ch", "Ph", "Th" are already mutated
        return f"a {_ASPIRATE[name[0]]}{name[1:]}"
    return f"a {name}"


def demo_notices_in_welsh(place: str, name: Callable[[int], str]) -> list[WelshNotice]:
    """The Welsh of demo.demo_notices(), notice by notice: `place` is the council's short name in Welsh and
    name(i) the Welsh name of the profile's area i (wrapping round, as the English does)."""
    n = {index: _inside(name(index)) for index in (0, 1, 2, 3, 6, 10, 11, 12)}
    return [
        WelshNotice(
            f"Casgliadau biniau wedi'u hatal: {n[1]}, {n[2]}",
            "Mae eira a rhew wedi gwneud llawer o ffyrdd yn anniogel i'n lorïau casglu. Mae pob casgliad sbwriel, "
            f"ailgylchu a gwastraff bwyd wedi'i atal heddiw yn yr ardaloedd hyn: {n[1]}; {n[2]}.",
            "Cadwch eich biniau ar eich eiddo. Byddwn yn casglu ar eich diwrnod casglu nesaf, gan gynnwys bagiau "
            "ychwanegol o sbwriel wrth ymyl eich bin.",
            updates=(f"Bydd y criwiau'n ceisio casglu ar y prif ffyrdd yn ardal {n[1]} y prynhawn yma os bydd y "
                     "tymheredd yn codi.",),
        ),
        WelshNotice(
            f"Ysgol Gynradd {n[6]} ar gau heddiw",
            f"Mae Ysgol Gynradd {n[6]} ar gau heddiw oherwydd bod y gwres wedi methu yn y tywydd rhewllyd.",
            "Peidiwch â dod â phlant i'r ysgol. Bydd yr athrawon yn gosod gwaith ar dudalen dysgu ar-lein yr ysgol.",
        ),
        WelshNotice(
            f"Prif ffordd ar gau rhwng {n[3]} {_and(name(0))}",
            f"Mae'r brif ffordd rhwng {n[3]} {_and(name(0))} ar gau i'r ddau gyfeiriad ar ôl i sawl cerbyd fynd yn "
            "sownd ar allt rewllyd.",
            "Cadwch draw o'r ardal. Defnyddiwch ffordd arall os oes rhaid i chi deithio, a chaniatewch amser "
            "ychwanegol.",
        ),
        WelshNotice(
            f"Timau graeanu ar waith ledled {place}",
            f"Mae ein lorïau graeanu yn trin y prif lwybrau ledled {place} heno a bore yfory. Ni fydd ffyrdd llai "
            "a phalmentydd yn cael eu graeanu.",
            "Teithiwch dim ond os oes rhaid. Edrychwch ar eich llwybr cyn cychwyn a defnyddiwch y biniau graean ar "
            "gyfer llwybrau lleol.",
        ),
        WelshNotice(
            f"Canolfan ailgylchu gwastraff y cartref {n[11]} ar gau",
            f"Mae canolfan ailgylchu gwastraff y cartref {n[11]} ar gau oherwydd bod rhew dros y safle i gyd.",
            f"Cadwch eich gwastraff gartref nes i'r safle ailagor, neu ewch i ganolfan ailgylchu {n[12]}.",
        ),
        WelshNotice(
            f"Llyfrgell {n[0]} ar gau am y prynhawn",
            f"Caeodd llyfrgell {n[0]} yn gynnar oherwydd bod pibell wedi byrstio.",
            f"Gallwch ddychwelyd llyfrau i unrhyw un o lyfrgelloedd eraill {place}; ni fydd dirwy.",
        ),
        WelshNotice(
            f"Oedi i wasanaethau bws o gwmpas {n[10]}",
            f"Mae bysiau o gwmpas {n[10]} hyd at 30 munud yn hwyr oherwydd eira ar ffyrdd gwledig.",
            "Caniatewch amser ychwanegol ar gyfer eich taith.",
        ),
    ]


def last_winter_in_welsh(kind: str, place: str, name: Callable[[int], str]) -> list[WelshNotice]:
    """The Welsh of demo_history's notices for one kind of weather ("snow", "wind", "rain" or "fog"), in order."""
    n = {index: _inside(name(index)) for index in (0, 1, 2, 3, 6, 10, 11)}
    return {
        "snow": [
            WelshNotice(f"Casgliadau biniau wedi'u hatal: {n[1]}, {n[2]}",
                        "Mae eira a rhew wedi gwneud llawer o ffyrdd yn anniogel i'n lorïau casglu. Mae'r "
                        "casgliadau wedi'u hatal heddiw.",
                        "Cadwch eich biniau ar eich eiddo. Byddwn yn casglu ar eich diwrnod casglu nesaf."),
            WelshNotice(f"Timau graeanu ar waith ledled {place}",
                        f"Mae ein lorïau graeanu yn trin y prif lwybrau ledled {place} heno a bore yfory.",
                        "Teithiwch dim ond os oes rhaid, a defnyddiwch y biniau graean ar gyfer llwybrau lleol."),
            WelshNotice(f"Ysgol Gynradd {n[6]} ar gau heddiw",
                        f"Mae Ysgol Gynradd {n[6]} ar gau heddiw oherwydd yr eira.",
                        "Peidiwch â dod â phlant i'r ysgol. Mae gwaith ar dudalen dysgu ar-lein yr ysgol."),
        ],
        "wind": [
            WelshNotice(f"Coed wedi cwympo: ffordd ar gau rhwng {n[3]} {_and(name(0))}",
                        f"Mae coed wedi cwympo ac wedi cau'r ffordd rhwng {n[3]} {_and(name(0))}.",
                        "Defnyddiwch ffordd arall."),
            WelshNotice(f"Canolfan ailgylchu gwastraff y cartref {n[11]} ar gau",
                        f"Mae canolfan ailgylchu gwastraff y cartref {n[11]} ar gau oherwydd gwyntoedd cryfion.",
                        "Cadwch eich gwastraff gartref nes iddi ailagor."),
        ],
        "rain": [
            WelshNotice(f"Llifogydd: ffordd ar gau ger {n[3]}", f"Mae'r ffordd ger {n[3]} dan ddŵr ac ar gau.",
                        "Peidiwch â gyrru drwy ddŵr llifogydd."),
        ],
        "fog": [
            WelshNotice(f"Oedi i wasanaethau bws o gwmpas {n[10]}",
                        f"Mae bysiau o gwmpas {n[10]} yn hwyr oherwydd niwl trwchus.",
                        "Caniatewch amser ychwanegol ar gyfer eich taith."),
        ],
    }[kind]
