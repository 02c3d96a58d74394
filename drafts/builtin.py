"""The built-in wording of every draft, per kind and language.

These are content, not interface: a draft's language is chosen per draft, independently of the
language the pages are shown in, so the texts are plain per-language strings here and not run
through gettext. Each uses only the placeholders of drafts.rendering.PLACEHOLDERS.

Finnish placeholders stand in the nominative case ("{position} -tehtävä", "teillä"), because a
company or position name cannot be inflected automatically.
"""

from drafts.models import Kind

BUILTIN: dict[tuple[str, str], dict[str, str]] = {
    (Kind.THANK_YOU, "en"): {
        "subject": "Thank you for the interview – {position}, {company}",
        "body": """\
Dear {interviewer_name},

Thank you for taking the time to meet me on {interview_date} to talk about the {position} role \
at {company}. I enjoyed the conversation and came away with a much clearer idea of the work and \
the team.

Our discussion made me even more interested in the position, and I would be glad to continue in \
the process. If there is anything else you need from me, just let me know.

Best regards,
{my_name}
""",
    },
    (Kind.THANK_YOU, "fi"): {
        "subject": "Kiitos haastattelusta – {position}, {company}",
        "body": """\
Hei {interviewer_name},

kiitos, että ehdit tavata minut {interview_date} ja kertoa {position} -tehtävästä. Keskustelu oli \
antoisa, ja sain siitä hyvän kuvan työstä ja tiimistä.

Haastattelu vahvisti kiinnostustani tehtävään, ja jatkan mielelläni hakuprosessissa. Jos \
tarvitsette minulta vielä jotakin, kerro rohkeasti.

Ystävällisin terveisin
{my_name}
""",
    },
    (Kind.FEEDBACK, "en"): {
        "subject": "Feedback on my interview – {position}, {company}",
        "body": """\
Dear {interviewer_name},

Thank you again for the interview on {interview_date} for the {position} position at {company}.

Whatever the decision, I would really value a few words of honest feedback, so that I can do \
better in the interviews to come. Two things would help me most:
- How could I have presented myself and my experience more convincingly?
- Did any part of my skills or background remain unclear to you?

Even a short reply would help a great deal, and there is no hurry.

Best regards,
{my_name}
""",
    },
    (Kind.FEEDBACK, "fi"): {
        "subject": "Palautetta haastattelusta – {position}, {company}",
        "body": """\
Hei {interviewer_name},

kiitos vielä haastattelusta {interview_date}, jossa keskustelimme {position} -tehtävästä.

Päätöksestä riippumatta arvostaisin suoraa palautettasi, jotta osaan valmistautua seuraaviin \
haastatteluihin entistä paremmin. Erityisesti minua auttaisi kuulla:
- Miten olisin voinut tuoda osaamistani ja kokemustani paremmin esiin?
- Jäikö jokin osa taidoistani tai taustastani sinulle epäselväksi?

Jo muutama rivi auttaisi paljon, eikä vastauksella ole kiirettä.

Ystävällisin terveisin
{my_name}
""",
    },
    (Kind.CALL, "en"): {
        "subject": "Call script – {interviewer_name}, {company}",
        "body": """\
Call {interviewer_name} ({company}): {interviewer_phone}
Keep it short: two or three minutes is plenty, and one call is enough.

1. Greet: “Hello, this is {my_name}. We met on {interview_date} for the {position} interview.”
2. Thank: “Thank you again for the conversation, I really enjoyed it.”
3. Confirm your interest: “I am still very interested in the position, even more so after \
the interview.”
4. Ask about the timeline: “Could you tell me how the process goes on from here, and when \
you expect to decide?”
5. Close: “Thank you for your time, and have a good day.”

Notes from the call:
""",
    },
    (Kind.CALL, "fi"): {
        "subject": "Puhelun muistilista – {interviewer_name}, {company}",
        "body": """\
Soita: {interviewer_name} ({company}), puh. {interviewer_phone}
Pidä puhelu lyhyenä: pari kolme minuuttia riittää, ja yksi soitto on tarpeeksi.

1. Tervehdi: ”Hei, tässä {my_name}. Tapasimme {interview_date} {position} -tehtävän \
haastattelussa.”
2. Kiitä: ”Kiitos vielä keskustelusta, se oli minulle antoisa.”
3. Vahvista kiinnostuksesi: ”Olen edelleen hyvin kiinnostunut tehtävästä, ja haastattelu vain \
lisäsi kiinnostustani.”
4. Kysy aikataulusta: ”Osaatko kertoa, miten prosessi tästä etenee ja milloin päätös on \
odotettavissa?”
5. Lopeta: ”Kiitos ajastasi, ja oikein mukavaa päivänjatkoa.”

Muistiinpanot puhelusta:
""",
    },
    # A check-in on an application gone quiet: no interview yet, so no interviewer to name.
    (Kind.CHECK_IN, "en"): {
        "subject": "My application for the {position} position – {company}",
        "body": """\
Hello,

A few weeks ago I applied for the {position} position at {company}, and I wanted to check in on \
how the recruitment is going.

I am still very interested in the role. If there is anything more you need from me, such as \
references or work samples, I am happy to send it.

Could you let me know when you expect to get back to applicants?

Best regards,
{my_name}
""",
    },
    (Kind.CHECK_IN, "fi"): {
        "subject": "Hakemukseni {position} -tehtävään – {company}",
        "body": """\
Hei,

hain muutama viikko sitten {position} -tehtävää, ja halusin kysyä, miten rekrytointi etenee.

Olen edelleen hyvin kiinnostunut tehtävästä. Jos tarvitsette minulta vielä jotakin, kuten \
suosittelijoiden tietoja tai työnäytteitä, lähetän ne mielelläni.

Osaatteko kertoa, milloin olette yhteydessä hakijoihin?

Ystävällisin terveisin
{my_name}
""",
    },
}


def builtin_template(kind: str, language: str) -> dict[str, str]:
    """{"subject": ..., "body": ...} of the built-in template; KeyError for an unknown pair."""
    return BUILTIN[(Kind(kind), language)]
