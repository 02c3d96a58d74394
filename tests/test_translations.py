"""The Finnish catalogue is complete, compiled, and covers every string marked in the code.

The checks live in scripts/check_messages.py (run it for a readable list); these tests run it.
"""

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.services import unavailable

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location(
    "check_messages", ROOT / "scripts" / "check_messages.py"
)
check_messages = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("check_messages", check_messages)  # dataclasses look the module up
_spec.loader.exec_module(check_messages)

HOW_TO_FIX = "\n  ".join(["", check_messages.REFRESH_HINT])


def _fail_with(problems: list[str]) -> None:
    if problems:
        pytest.fail("\n  ".join(["", *problems]) + HOW_TO_FIX, pytrace=False)


def test_every_entry_of_the_finnish_catalogue_is_translated():
    entries = check_messages.parse_po(check_messages.PO_PATH)
    assert len(check_messages.live(entries)) > 500
    _fail_with(check_messages.check_catalogue(entries))


def test_the_committed_mo_is_compiled_from_the_committed_po():
    entries = check_messages.parse_po(check_messages.PO_PATH)
    _fail_with(check_messages.check_compiled(entries))


def test_every_string_marked_in_the_code_is_in_the_catalogue():
    if shutil.which("xgettext") is None:
        unavailable("xgettext is not installed (apt-get install gettext)")
    committed = check_messages.parse_po(check_messages.PO_PATH)
    _fail_with(check_messages.check_extraction(committed, check_messages.extracted_entries()))


# --- the checker itself ---------------------------------------------------------------------------

SAMPLE = r"""# A comment
msgid ""
msgstr ""
"Language: fi\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

#: a.py:1
msgid "Save"
msgstr "Tallenna"

#: a.py:2 b.html:3
#, python-format
msgid ""
"At most %(limit)s "
"character."
msgid_plural "At most %(limit)s characters."
msgstr[0] "Enintään %(limit)s merkki."
msgstr[1] "Enintään %(limit)s merkkiä."

#: a.py:3
#, fuzzy
#| msgid "Old"
msgid "Fuzzy one"
msgstr "Sumea"

#: a.py:4
msgid "Say \"hi\"\n"
msgstr ""

#: a.py:5
#, python-format
msgid "Hello %(name)s"
msgstr "Hei %(nimi)s"

msgctxt "verb"
msgid "Export"
msgstr "Vie"

#~ msgid "Gone"
#~ msgstr "Poissa"
"""


def test_the_parser_reads_what_makemessages_writes():
    entries = check_messages.parse_po_text(SAMPLE)
    by_id = {e.msgid: e for e in entries}
    assert by_id[""].msgstr[0].startswith("Language: fi\n")
    plural = by_id["At most %(limit)s character."]
    assert plural.msgid_plural == "At most %(limit)s characters."
    assert plural.msgstr == {0: "Enintään %(limit)s merkki.", 1: "Enintään %(limit)s merkkiä."}
    assert plural.references == ["a.py:2", "b.html:3"]
    assert "python-format" in plural.flags
    assert by_id["Fuzzy one"].fuzzy
    assert 'Say "hi"\n' in by_id
    assert by_id["Export"].msgctxt == "verb"
    assert by_id["Gone"].obsolete
    assert "Gone" not in {e.msgid for e in check_messages.live(entries)}


def test_the_catalogue_check_names_untranslated_fuzzy_and_broken_placeholders():
    problems = check_messages.check_catalogue(check_messages.parse_po_text(SAMPLE))
    assert [p.split()[0] for p in problems] == ["fuzzy", "untranslated", "placeholders"]
    assert "a.py:3" in problems[0] and "a.py:4" in problems[1] and "a.py:5" in problems[2]


def test_the_extraction_check_names_new_strings():
    committed = check_messages.parse_po_text(SAMPLE)
    extracted = check_messages.parse_po_text(SAMPLE + '\n#: c.py:9\nmsgid "Brand new"\nmsgstr ""\n')
    assert check_messages.check_extraction(committed, extracted) == [
        "not in .po     c.py:9: 'Brand new'"
    ]


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt is not installed")
def test_the_compiled_check_notices_a_stale_mo(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(SAMPLE, encoding="utf-8")
    mo = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(mo), str(po)], check=True)
    entries = check_messages.parse_po(po)
    assert check_messages.check_compiled(entries, mo) == []
    changed = check_messages.parse_po_text(SAMPLE.replace('"Tallenna"', '"Talleta"'))
    assert any("differs" in p and "Save" in p for p in check_messages.check_compiled(changed, mo))


# --- the Finnish UI in use ------------------------------------------------------------------------


def test_the_log_in_page_speaks_the_browsers_finnish(client, db):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fi-FI,fi;q=0.9").content.decode()
    assert "Kirjaudu sisään" in page
    assert "Rekisteröidy" in page


def test_a_finnish_user_sees_finnish_pages(alice_client, alice):
    alice.language = "fi"
    alice.save()
    page = alice_client.get(reverse("applications:dashboard")).content.decode()
    for word in ("Tänään", "Hakemukset", "Haastattelut", "Jatkotoimet", "Kirjaudu ulos"):
        assert word in page
