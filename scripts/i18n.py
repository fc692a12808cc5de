"""The translation catalogues: extract, update, compile and check.

Our own UI text is written in Dutch in the source (the manual's words: "Zoekopdracht verfijnen met
selectie", "Gegevens kloppen niet"), FAB's in English. So the Dutch catalogue translates FAB's
strings and takes ours as they are; the English catalogue translates ours and takes FAB's as they
are. The catalogue must cover FAB's strings because FAB's own Dutch file misses a sixth of them.

    python scripts/i18n.py update    extract from app/ and FAB, merge into translations/*/messages.po
    python scripts/i18n.py compile   build the .mo files (run by `make setup`)
    python scripts/i18n.py check     fail on a missing or fuzzy translation
"""
import subprocess
import sys
import tempfile
from pathlib import Path

import flask_appbuilder
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
FAB_DIR = Path(flask_appbuilder.__file__).parent
# The language each source writes its UI text in.
SOURCE_LANGUAGE = {"app": "nl", "fab": "en"}
LOCALES = ("nl", "en")
KEYWORDS = ["-k", "lazy_gettext", "-k", "_l", "-k", "__", "-k", "pgettext:1c,2", "-k", "lazy_pgettext:1c,2"]


def po_path(locale):
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def extract():
    """One template catalogue with every msgid, each tagged with the source it came from."""
    merged = Catalog(project="Fondsportaal")
    with tempfile.TemporaryDirectory() as tmp:
        fab_cfg = Path(tmp) / "fab.cfg"
        fab_cfg.write_text("[python: **.py]\n[jinja2: **/templates/**.html]\nextensions = jinja2.ext.do\n")
        for source, args in (("app", ["-F", str(ROOT / "babel.cfg"), str(ROOT / "app")]),
                             ("fab", ["-F", str(fab_cfg), str(FAB_DIR)])):
            pot = Path(tmp) / f"{source}.pot"
            subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "--no-location",
                            *KEYWORDS, "-o", str(pot), *args], check=True, cwd=ROOT)
            with pot.open("rb") as handle:
                for message in read_po(handle):
                    if not message.id:
                        continue
                    existing = merged.get(message.id, message.context)
                    if existing is None:
                        merged.add(message.id, context=message.context, auto_comments=[f"source: {source}"])
                    elif source == "app":
                        existing.auto_comments = [f"source: {source}"]
    return merged


def source_of(message):
    for comment in message.auto_comments:
        if comment.startswith("source: "):
            return comment.split(": ", 1)[1]
    return "app"


def update():
    template = extract()
    for locale in LOCALES:
        path = po_path(locale)
        path.parent.mkdir(parents=True, exist_ok=True)
        old = read_catalog(path, locale) if path.exists() else Catalog(locale=locale)
        catalog = Catalog(locale=locale, project="Fondsportaal", fuzzy=False)
        for message in template:
            if not message.id:
                continue
            previous = old.get(message.id, message.context)
            text = previous.string if previous is not None and not empty(previous.string) else ""
            if empty(text) and SOURCE_LANGUAGE[source_of(message)] == locale:
                text = message.id  # the source already speaks this language
            catalog.add(message.id, text, context=message.context, auto_comments=message.auto_comments)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, sort_output=True, ignore_obsolete=True)
        print(f"{path.relative_to(ROOT)}: {len(catalog)} messages, {len(missing(catalog))} untranslated")


def read_catalog(path, locale):
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def empty(string):
    return not all(string) if isinstance(string, (tuple, list)) else not string


def missing(catalog):
    return [m.id for m in catalog if m.id and (empty(m.string) or m.fuzzy)]


def compile_all():
    for locale in LOCALES:
        catalog = read_catalog(po_path(locale), locale)
        with po_path(locale).with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog)


def check():
    problems = 0
    template = extract()
    for locale in LOCALES:
        catalog = read_catalog(po_path(locale), locale)
        absent = [m.id for m in template if m.id and catalog.get(m.id, m.context) is None]
        untranslated = missing(catalog)
        for msgid in absent + untranslated:
            print(f"{locale}: not translated: {msgid!r}")
        problems += len(absent) + len(untranslated)
    if problems:
        sys.exit(f"{problems} translation(s) missing: run `python scripts/i18n.py update` and fill them in.")
    print("catalogues complete")


if __name__ == "__main__":
    {"update": update, "compile": compile_all, "check": check}[sys.argv[1]]()
