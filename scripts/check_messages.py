#!/usr/bin/env python3
"""Check that the Finnish translation catalogue is complete and compiled.

    .venv/bin/python scripts/check_messages.py            # all checks
    .venv/bin/python scripts/check_messages.py --no-extract  # skip the makemessages run

Three checks, each listing what is wrong; the exit status is 1 when any of them finds something:

1. catalogue: every entry of locale/fi/LC_MESSAGES/django.po is translated, none is fuzzy, and the
   placeholders of each translation (%(name)s, %s, {name}) match those of its English text.
2. extraction (needs GNU gettext's xgettext): makemessages runs in a temporary copy of the tracked
   source files; every msgid found in the code must already be in the committed .po.
3. compiled: the committed django.mo holds exactly the translations of the committed django.po.

To bring the catalogue up to date after adding or changing strings:

    .venv/bin/python manage.py makemessages --locale fi --ignore '.venv/*' --ignore 'var/*' \\
        --ignore 'tests/*' --no-obsolete
    # translate the new and fuzzy entries in locale/fi/LC_MESSAGES/django.po, then
    .venv/bin/python manage.py compilemessages --locale fi --ignore '.venv/*'

PO files are read with polib (a dev dependency).
"""

from __future__ import annotations

import argparse
import gettext
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = "fi"
PO_PATH = ROOT / "locale" / LOCALE / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

# What the extraction check copies (tracked files only, so that someone else's half-written,
# uncommitted file does not fail the check).
SOURCE_DIRS = (
    "accounts",
    "applications",
    "followups",
    "drafts",
    "exports",
    "insights",
    "webpush",
    "notifications",
    "config",
    "core",
    "templates",
)
SOURCE_SUFFIXES = (".py", ".html", ".txt")
MAKEMESSAGES_ARGS = (
    "makemessages",
    "--locale",
    LOCALE,
    "--ignore",
    ".venv/*",
    "--ignore",
    "var/*",
    "--ignore",
    "tests/*",
    "--no-obsolete",
    "--verbosity",
    "0",
)
PLURAL_FORMS = "Plural-Forms: nplurals=2; plural=(n != 1);"
REFRESH_HINT = (
    "Refresh: .venv/bin/python manage.py makemessages --locale fi --ignore '.venv/*' "
    "--ignore 'var/*' --ignore 'tests/*' --no-obsolete, translate, then "
    ".venv/bin/python manage.py compilemessages --locale fi --ignore '.venv/*'"
)


# --- PO parsing -----------------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # 0 for a singular entry
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    obsolete: bool = False
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())

    def where(self) -> str:
        return self.references[0] if self.references else f"django.po:{self.line}"

    def label(self) -> str:
        text = self.msgid if len(self.msgid) <= 70 else self.msgid[:67] + "..."
        ctxt = f"[{self.msgctxt}] " if self.msgctxt else ""
        return f"{self.where()}: {ctxt}{text!r}"


def parse_po(path: Path | str) -> list[Entry]:
    """The entries of a PO file, the header (msgid "") included, obsolete (#~) ones marked."""
    return parse_po_text(Path(path).read_text(encoding="utf-8"), str(path))


def parse_po_text(text: str, path: str = "<po>") -> list[Entry]:
    """polib reads the file (escapes, continuation lines, plurals, contexts, obsolete entries);
    this keeps what the checks compare."""
    try:
        po = polib.pofile(text, wrapwidth=0)
    except OSError as error:
        raise ValueError(f"{path}: cannot parse: {error}") from error
    header = Entry(msgstr={0: po.metadata_as_entry().msgstr}, line=1)
    return [header, *(_entry(e) for e in po)]


def _entry(e: polib.POEntry) -> Entry:
    if e.msgid_plural:
        msgstr = {int(slot): text for slot, text in e.msgstr_plural.items()}
    else:
        msgstr = {0: e.msgstr}
    return Entry(
        msgid=e.msgid,
        msgid_plural=e.msgid_plural or None,
        msgctxt=e.msgctxt,
        msgstr=msgstr,
        flags=set(e.flags),
        references=[f"{name}:{line}" if line else name for name, line in e.occurrences],
        obsolete=e.obsolete,
        line=e.linenum,
    )


def live(entries: list[Entry]) -> list[Entry]:
    """Entries that reach the compiled catalogue's input: no header, nothing obsolete."""
    return [e for e in entries if e.msgid and not e.obsolete]


# --- check 1: the catalogue itself ----------------------------------------------------------------

_PERCENT_RE = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([diouxXeEfFgGcrsa%])")
_BRACE_RE = re.compile(r"(?<!\{)\{(\w*)(?:[.\[!:][^{}]*)?\}(?!\})")


def _placeholders(text: str, flags: set[str]) -> tuple:
    found: list[str] = []
    if "python-format" in flags:
        for name, conversion in _PERCENT_RE.findall(text):
            if conversion != "%":
                found.append(f"%({name})" if name else "%" + conversion)
    if "python-brace-format" in flags:
        found.extend("{" + name + "}" for name in _BRACE_RE.findall(text))
    named = sorted(p for p in found if p.startswith("%(") or p.startswith("{"))
    positional = [p for p in found if not (p.startswith("%(") or p.startswith("{"))]
    return (tuple(sorted(set(named))), tuple(positional))


def check_catalogue(entries: list[Entry]) -> list[str]:
    problems = []
    for e in live(entries):
        if not e.translated:
            problems.append(f"untranslated  {e.label()}")
            continue
        if e.fuzzy:
            problems.append(f"fuzzy         {e.label()}")
            continue
        sources = [e.msgid] + ([e.msgid_plural] if e.msgid_plural is not None else [])
        expected = {_placeholders(s, e.flags) for s in sources}
        for slot, text in sorted(e.msgstr.items()):
            got = _placeholders(text, e.flags)
            # A plural form may leave out the number (e.g. "yksi" instead of "%(count)s"),
            # but never invent a placeholder the English text does not have.
            allowed = set().union(*(set(named) for named, _ in expected))
            if got not in expected and not (e.msgid_plural and set(got[0]) <= allowed):
                problems.append(f"placeholders  {e.label()} -> msgstr[{slot}] {text!r}")
    header = next((e.msgstr.get(0, "") for e in entries if not e.msgid and not e.obsolete), "")
    if PLURAL_FORMS not in header:
        problems.append("header        Plural-Forms must be 'nplurals=2; plural=(n != 1);'")
    return problems


# --- check 2: strings in the code that the catalogue lacks ----------------------------------------


def _tracked_sources(root: Path) -> list[Path]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--", *SOURCE_DIRS, "manage.py", "locale"],
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout.decode()
        names = [n for n in listed.split("\0") if n]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: walk the tree
        names = [
            str(p.relative_to(root))
            for d in (*SOURCE_DIRS, "locale")
            for p in (root / d).rglob("*")
            if p.is_file()
        ] + ["manage.py"]
    keep = []
    for name in names:
        path = Path(name)
        wanted = path.parts[0] == "locale" or path.suffix in SOURCE_SUFFIXES or name == "manage.py"
        if wanted and (root / path).is_file():  # a tracked file may be deleted in the work tree
            keep.append(path)
    return keep


def extracted_entries(root: Path = ROOT) -> list[Entry]:
    """Run makemessages in a temporary copy of the tracked sources; the merged catalogue."""
    with tempfile.TemporaryDirectory(prefix="seuranta-messages-") as tmp:
        copy = Path(tmp)
        for relative in _tracked_sources(root):
            (copy / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / relative, copy / relative)
        po = copy / PO_PATH.relative_to(ROOT)
        if not po.exists():  # the catalogue is new and not yet committed
            po.parent.mkdir(parents=True, exist_ok=True)
            if PO_PATH.exists():
                shutil.copy2(PO_PATH, po)
        (copy / "var").mkdir(exist_ok=True)
        result = subprocess.run(
            [sys.executable, "manage.py", *MAKEMESSAGES_ARGS],
            cwd=copy,
            capture_output=True,
            text=True,
            env=_env(copy),
        )
        if result.returncode != 0:
            raise RuntimeError(f"makemessages failed:\n{result.stdout}{result.stderr}")
        return parse_po(po)


def _env(copy: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DJANGO_SECRET_KEY", "check-messages-only")
    env["SEURANTA_VAR_DIR"] = str(copy / "var")
    # The application's own settings: the copy has no tests/ (and so no tests.settings, which
    # the test run that calls this has in its environment).
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return env


def check_extraction(committed: list[Entry], extracted: list[Entry]) -> list[str]:
    known = {e.key: e for e in live(committed)}
    problems = []
    for e in live(extracted):
        old = known.get(e.key)
        if old is None:
            problems.append(f"not in .po     {e.label()}")
        elif old.msgid_plural != e.msgid_plural:
            problems.append(f"plural changed {e.label()} (now {e.msgid_plural!r})")
    return problems


def stale_entries(committed: list[Entry], extracted: list[Entry]) -> list[str]:
    """Entries of the committed .po that the code no longer uses (harmless, reported only)."""
    used = {e.key for e in live(extracted)}
    return [e.label() for e in live(committed) if e.key not in used]


# --- check 3: the compiled .mo matches the .po ----------------------------------------------------


def expected_catalog(entries: list[Entry]) -> dict:
    """What msgfmt puts in the .mo, keyed as gettext.GNUTranslations keys its _catalog."""
    catalog: dict = {}
    for e in live(entries):
        if e.fuzzy or not e.translated:
            continue
        msgid = f"{e.msgctxt}\x04{e.msgid}" if e.msgctxt is not None else e.msgid
        if e.msgid_plural is not None:
            for slot, text in e.msgstr.items():
                catalog[(msgid, slot)] = text
        else:
            catalog[msgid] = e.msgstr[0]
    return catalog


def check_compiled(entries: list[Entry], mo_path: Path = MO_PATH) -> list[str]:
    if not mo_path.exists():
        return [f"missing       {mo_path}: run compilemessages"]
    with mo_path.open("rb") as handle:
        compiled = dict(gettext.GNUTranslations(handle)._catalog)
    compiled.pop("", None)  # the header
    expected = expected_catalog(entries)
    problems = []
    for key in sorted(expected.keys() | compiled.keys(), key=str):
        msgid = key[0] if isinstance(key, tuple) else key
        short = msgid if len(msgid) <= 60 else msgid[:57] + "..."
        if key not in compiled:
            problems.append(f"not in .mo    {short!r}")
        elif key not in expected:
            problems.append(f"only in .mo   {short!r}")
        elif compiled[key] != expected[key]:
            problems.append(f"differs       {short!r}")
    if problems:
        problems.append("-> run compilemessages (see below)")
    return problems


# --- command line ---------------------------------------------------------------------------------


def _report(title: str, problems: list[str]) -> bool:
    if problems:
        print(f"{title}: {len(problems)} problem(s)")
        for problem in problems:
            print(f"  {problem}")
    else:
        print(f"{title}: ok")
    return not problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--no-extract", action="store_true", help="skip the makemessages run (check 2)"
    )
    args = parser.parse_args(argv)

    if not PO_PATH.exists():
        print(f"missing {PO_PATH.relative_to(ROOT)}\n{REFRESH_HINT}")
        return 1
    entries = parse_po(PO_PATH)
    count = len(live(entries))
    ok = _report(f"1. catalogue ({count} entries)", check_catalogue(entries))
    if args.no_extract:
        print("2. extraction: skipped (--no-extract)")
    elif shutil.which("xgettext") is None:
        print("2. extraction: skipped, xgettext not found (apt-get install gettext)")
    else:
        extracted = extracted_entries()
        ok = _report("2. extraction", check_extraction(entries, extracted)) and ok
        stale = stale_entries(entries, extracted)
        if stale:
            print(f"   note: {len(stale)} entries unused by the code (makemessages drops them)")
    ok = _report("3. compiled .mo", check_compiled(entries)) and ok
    if not ok:
        print(REFRESH_HINT)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
