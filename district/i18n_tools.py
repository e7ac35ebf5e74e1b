"""Extract the strings of a feature and merge them into its catalogues.

    python -m district.i18n_tools core        # or directives, rosters, incidents, reports
    python -m district.i18n_tools --check     # exit 1 if any English translation is missing

One catalogue per feature, in translations/<feature>/<lang>/LC_MESSAGES/messages.po. Message
ids are the Vietnamese text; the English catalogue must translate every one of them.
"""

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "N_": None, "lazy_gettext": None}
TARGET_LOCALES = ("en",)

CORE_PACKAGES = ("auth", "admin", "main", "notifications")


def feature_files(feature):
    """The Python modules and templates whose strings belong to `feature`'s catalogue."""
    if feature == "core":
        python = [p for p in (ROOT / "district").glob("*.py")]
        for package in CORE_PACKAGES:
            python += list((ROOT / "district" / package).rglob("*.py"))
        templates = [p for p in (ROOT / "templates").glob("*.html")]
        for folder in ("_partials", "errors", *CORE_PACKAGES):
            templates += list((ROOT / "templates" / folder).rglob("*.html"))
    else:
        python = list((ROOT / "district" / feature).rglob("*.py"))
        templates = list((ROOT / "templates" / feature).rglob("*.html"))
    return sorted(python), sorted(templates)


def features():
    names = {"core"}
    if TRANSLATIONS.exists():
        names.update(p.name for p in TRANSLATIONS.iterdir() if p.is_dir() and p.name != "wtforms")
    return sorted(names)


def extract(feature):
    catalog = Catalog(project="district", locale=None)
    python, templates = feature_files(feature)
    for path, method in [(p, "python") for p in python] + [(p, "jinja2") for p in templates]:
        options = {"extensions": "jinja2.ext.i18n"} if method == "jinja2" else {}
        if method == "jinja2":
            method = "jinja2.ext:babel_extract"
        for lineno, message, comments, _context in extract_from_file(
            method, str(path), keywords=KEYWORDS, options=options
        ):
            catalog.add(message, None, [(str(path.relative_to(ROOT)), lineno)],
                        auto_comments=comments)
    return catalog


def is_translated(message):
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings) and not message.fuzzy


def po_path(feature, locale):
    return TRANSLATIONS / feature / locale / "LC_MESSAGES" / "messages.po"


def update(feature):
    template = extract(feature)
    for locale in TARGET_LOCALES:
        path = po_path(feature, locale)
        if path.exists():
            with path.open("rb") as fh:
                catalog = read_po(fh, locale=locale)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=locale, project="district")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        catalog.fuzzy = False
        with path.open("wb") as fh:
            write_po(fh, catalog, width=100, omit_header=False, sort_output=False,
                     include_previous=False)
        missing = [m.id for m in catalog if m.id and not is_translated(m)]
        print(f"{path.relative_to(ROOT)}: {len(catalog)} messages, {len(missing)} untranslated")


def untranslated(locale="en"):
    """Message ids used anywhere in the code that no catalogue of `locale` translates."""
    translated = {}
    for path in TRANSLATIONS.glob(f"*/{locale}/LC_MESSAGES/messages.po"):
        with path.open("rb") as fh:
            for message in read_po(fh, locale=locale):
                if message.id and is_translated(message):
                    translated[message.id] = message.string
    missing = []
    for feature in features():
        for message in extract(feature):
            if message.id and message.id not in translated:
                missing.append((feature, message.id))
    return missing


if __name__ == "__main__":
    args = sys.argv[1:]
    if args == ["--check"]:
        gaps = untranslated()
        for feature, msgid in gaps:
            print(f"{feature}: {msgid!r}")
        sys.exit(1 if gaps else 0)
    for name in args or features():
        update(name)
