"""The message catalogues: complete, compiled, and up to date with the code.

Chinese is the product's default language, so a string that reaches a page or an API error
without a translation is a bug. These tests need no database (and no ``app`` fixture).

To fix a failure (see babel.cfg):

    .venv/bin/pybabel extract -F babel.cfg -k _l -k N_ -k lazy_gettext -o sharing/translations/messages.pot .
    .venv/bin/pybabel update -i sharing/translations/messages.pot -d sharing/translations -D messages
    (translate the new entries of zh_Hans_CN and en, remove "fuzzy" flags)
    .venv/bin/pybabel compile -d sharing/translations -D messages

The Chinese catalogue lives in ``zh_Hans_CN``, not ``zh_CN``: Flask-Babel turns the locale code
``zh_CN`` into ``babel.Locale.parse("zh_CN")``, whose name is ``zh_Hans_CN``, and looks for a
folder of exactly that name (test_every_language_finds_its_catalogue).
"""
from __future__ import annotations

import importlib
import inspect
import io
import re
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from sharing.i18n import DEFAULT_LOCALE, LANGUAGES

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "sharing" / "translations"
# The folder of each language the product offers, named as Flask-Babel looks for it.
LOCALES = [str(Locale.parse(code)) for code in LANGUAGES]
ZH = str(Locale.parse(DEFAULT_LOCALE))
# Same keywords as the extract command above (-k adds to Babel's defaults, which include N_).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "N_": None}


def po_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def mo_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo"


def load_po(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def messages(catalog):
    """The entries of a catalogue, without the header entry."""
    return [m for m in catalog if m.id]


def forms(message) -> tuple[str, ...]:
    """The translation(s) of an entry as a tuple (one element unless it has plural forms)."""
    return message.string if isinstance(message.string, tuple) else (message.string,)


def display(msgid) -> str:
    return msgid[0] if isinstance(msgid, tuple) else msgid


@pytest.fixture(scope="module", params=LOCALES)
def locale(request):
    return request.param


@pytest.fixture(scope="module")
def catalog(locale):
    return load_po(po_path(locale))


def _method_map():
    from babel.messages import frontend

    parse = getattr(frontend, "parse_mapping_cfg", None) or frontend.parse_mapping
    with (ROOT / "babel.cfg").open(encoding="utf-8") as f:
        return parse(f)


@pytest.fixture(scope="module")
def extracted() -> dict:
    """``{(msgid, context): [where, ...]}`` for every message in the code, as pybabel finds them."""
    method_map, options_map = _method_map()
    found: dict = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if not msgid:
            continue
        found.setdefault((msgid, context), []).append(f"{filename}:{lineno}")
    return found


def test_every_language_finds_its_catalogue():
    """Load each offered language the way Flask-Babel does (``Translations.load`` with a Locale)."""
    assert ZH == "zh_Hans_CN"
    for code in LANGUAGES:
        translations = Translations.load(str(TRANSLATIONS), [Locale.parse(code)], "messages")
        assert isinstance(translations, Translations), f"no catalogue found for {code!r}"
    chinese = Translations.load(str(TRANSLATIONS), [Locale.parse(DEFAULT_LOCALE)], "messages")
    assert chinese.gettext("Log in") == "登录"
    assert chinese.gettext("Unknown field.") == "未知字段。"


# (a) complete ---------------------------------------------------------------------------------

def test_catalogue_is_not_fuzzy(catalog, locale):
    assert not catalog.fuzzy, f"the {locale} catalogue header is marked fuzzy (pybabel would not compile it)"


def test_every_message_is_translated(catalog, locale):
    untranslated = [display(m.id) for m in messages(catalog) if not all(s.strip() for s in forms(m))]
    fuzzy = [display(m.id) for m in messages(catalog) if m.fuzzy]
    assert not untranslated, f"{locale}: untranslated messages: {untranslated}"
    assert not fuzzy, f"{locale}: fuzzy messages (check them and remove the flag): {fuzzy}"


def test_plural_forms_are_complete(catalog, locale):
    wrong = [display(m.id) for m in messages(catalog)
             if m.pluralizable and len(forms(m)) != catalog.num_plurals]
    assert not wrong, f"{locale}: messages without exactly {catalog.num_plurals} plural forms: {wrong}"


def test_chinese_catalogue_is_chinese():
    catalog = load_po(po_path(ZH))
    assert catalog.num_plurals == 1
    han = re.compile(r"[\u4e00-\u9fff]")
    not_chinese = [display(m.id) for m in messages(catalog) if not any(han.search(s) for s in forms(m))]
    assert not not_chinese, f"{ZH}: translations without any Chinese character: {not_chinese}"


def test_english_catalogue_keeps_the_source_text():
    catalog = load_po(po_path("en"))
    differing = []
    for m in messages(catalog):
        expected = m.id if isinstance(m.id, tuple) else (m.id,)
        if m.pluralizable:
            expected = (m.id[0],) + (m.id[1],) * (catalog.num_plurals - 1)
        if forms(m) != expected:
            differing.append(display(m.id))
    assert not differing, f"en: msgstr differs from msgid: {differing}"


# (b) the committed .mo files match the .po files ---------------------------------------------

def _mo_messages(fileobj) -> dict:
    catalog = read_mo(fileobj)

    def hashable(value):  # plural entries come back as lists
        return tuple(value) if isinstance(value, list) else value

    return {(hashable(m.id), m.context): hashable(m.string) for m in catalog if m.id}


def test_compiled_catalogue_is_up_to_date(catalog, locale):
    assert mo_path(locale).exists(), f"{mo_path(locale)} is missing: run `make translations`"
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # what `pybabel compile` writes
    buffer.seek(0)
    expected = _mo_messages(buffer)
    with mo_path(locale).open("rb") as f:
        committed = read_mo(f)
        f.seek(0)
        actual = _mo_messages(f)
    stale = sorted(display(k[0]) for k in expected.keys() | actual.keys() if expected.get(k) != actual.get(k))
    assert not stale, f"{locale}: messages.mo is out of date (run `make translations`): {stale}"
    assert committed.plural_forms == catalog.plural_forms


# (c) every message in the code is in the template and in the catalogues ----------------------

def test_code_has_messages(extracted):
    # A guard for the extraction set-up itself (babel.cfg, keywords): it must find the basics.
    assert ("Log in", None) in extracted  # a template
    assert ("Unit administrator", None) in extracted  # lazy_gettext as _l
    assert ("Unknown field.", None) in extracted  # N_ in sharing/i18n_messages.py


@pytest.mark.parametrize("name", ["messages.pot", *LOCALES])
def test_every_message_in_the_code_is_in_the_catalogue(extracted, name):
    path = TRANSLATIONS / "messages.pot" if name == "messages.pot" else po_path(name)
    catalog = load_po(path)
    missing = sorted(
        f"{msgid!r} ({', '.join(where)})"
        for (msgid, context), where in extracted.items()
        if catalog.get(msgid, context) is None
    )
    assert not missing, (
        f"{path.relative_to(ROOT)} lacks {len(missing)} message(s) used in the code; extract, update, "
        f"translate and compile (see this module's docstring):\n  " + "\n  ".join(missing)
    )


# (d) placeholders ------------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?P<type>[diouxXeEfFgGcrsa%])")


def placeholders(text: str) -> tuple[frozenset, tuple]:
    """Named placeholders (a set of ``(name, type)``) and positional ones (in order); ``%%`` ignored."""
    named, positional = set(), []
    for m in PLACEHOLDER.finditer(text):
        if m.group("type") == "%":
            continue
        if m.group("name") is not None:
            named.add((m.group("name"), m.group("type")))
        else:
            positional.append(m.group("type"))
    return frozenset(named), tuple(positional)


def test_placeholders_match(catalog, locale):
    wrong = []
    for m in messages(catalog):
        if not m.pluralizable:
            if placeholders(m.string) != placeholders(m.id):
                wrong.append((m.id, m.string))
            continue
        singular, plural = (placeholders(i) for i in m.id)
        allowed = singular[0] | plural[0]
        translations = forms(m)
        # Every form uses only known names; the last (the general plural) uses the plural's names.
        if any(not placeholders(s)[0] <= allowed for s in translations) \
                or placeholders(translations[-1]) != plural:
            wrong.append((m.id, m.string))
    assert not wrong, f"{locale}: placeholders differ between msgid and translation: {wrong}"


def test_placeholder_checker_itself():
    assert placeholders("User %(email)s created.") == placeholders("用户 %(email)s 已创建。")
    assert placeholders("%(n)d items") != placeholders("%(n)s 项")
    assert placeholders("%(n)d items") != placeholders("%(count)d 项")
    assert placeholders("100%% done") == placeholders("已完成 100%%")


# Library messages reach people through gettext (sharing/errors.py) -------------------------

def _marshmallow_fixed_messages() -> set[str]:
    """Marshmallow's default messages that contain no placeholder (see sharing/i18n_messages.py)."""
    from marshmallow import Schema, fields, validate

    found = set(Schema._default_error_messages.values())
    for _name, cls in inspect.getmembers(fields, inspect.isclass):
        if issubclass(cls, fields.Field):
            found.update(getattr(cls, "default_error_messages", {}).values())
    for _name, cls in inspect.getmembers(validate, inspect.isclass):
        message = getattr(cls, "default_message", None)
        if isinstance(message, str):
            found.add(message)
    return {m for m in found if "{" not in m}


def test_marshmallow_messages_are_translated():
    catalog = load_po(po_path(ZH))
    missing = sorted(m for m in _marshmallow_fixed_messages() if catalog.get(m) is None)
    assert not missing, f"add these marshmallow messages to sharing/i18n_messages.py: {missing}"


SCHEMA_MODULES = ["sharing.api_common", "sharing.accounts.schemas", "sharing.units.schemas",
                  "instruments.schemas", "bookings.schemas", "reports.schemas"]


def _schema_validator_messages() -> dict[str, str]:
    """The exact validation messages our own schemas' Length/Range/Regexp validators can give."""
    from marshmallow import Schema, fields, validate

    for name in SCHEMA_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if not name.startswith(exc.name or "\0"):
                raise

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    def with_inner(field):
        yield field
        for attr in ("inner", "value_field", "key_field"):
            inner = getattr(field, attr, None)
            if isinstance(inner, fields.Field):
                yield from with_inner(inner)

    found: dict[str, str] = {}
    for schema in subclasses(Schema):
        if schema.__module__.split(".")[0] not in {"sharing", "instruments", "bookings", "reports"}:
            continue
        for field_name, declared in schema._declared_fields.items():
            for field in with_inner(declared):
                for v in field.validators:
                    texts = []
                    if isinstance(v, validate.Length):
                        if v.error:
                            texts.append(v.error)
                        elif v.equal is not None:
                            texts.append(v.message_equal.format(equal=v.equal))
                        else:
                            if v.min is not None:
                                texts.append((v.message_min if v.max is None else v.message_all)
                                             .format(min=v.min, max=v.max))
                            if v.max is not None:
                                texts.append((v.message_max if v.min is None else v.message_all)
                                             .format(min=v.min, max=v.max))
                    elif isinstance(v, validate.Range):
                        if v.error:
                            texts.append(v.error.format(input="", min=v.min, max=v.max))
                        else:
                            if v.min is not None:
                                texts.append((v.message_min if v.max is None else v.message_all)
                                             .format(min=v.min, max=v.max))
                            if v.max is not None:
                                texts.append((v.message_max if v.min is None else v.message_all)
                                             .format(min=v.min, max=v.max))
                    elif isinstance(v, validate.Regexp):
                        texts.append(v.error)
                    for text in texts:
                        if "{" not in text:
                            found.setdefault(text, f"{schema.__module__}.{schema.__name__}.{field_name}")
    return found


def _in_chinese(texts):
    import os
    import tempfile

    os.environ.setdefault("INSTANCE_PATH", tempfile.mkdtemp())
    from sharing import create_app
    from sharing.errors import translate_message

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "TESTING": True})
    with app.test_request_context("/api/v1/units"):
        return {text: translate_message(text) for text in texts}


def test_our_schema_validator_messages_are_translated():
    found = _schema_validator_messages()
    assert "Must not be blank." in found  # the check sees our schemas at all
    translated = _in_chinese(found)
    missing = sorted(f"{text!r} ({found[text]})" for text, zh in translated.items() if zh == text)
    assert not missing, (
        "validation messages our schemas produce have no Chinese; add them to "
        "sharing/i18n_messages.py (or a pattern to sharing.errors.FORMATTED_MESSAGES):\n  " + "\n  ".join(missing)
    )


def test_formatted_marshmallow_messages_are_translated_by_pattern():
    texts = ["Must be one of: university, institute.", "Longer than maximum length 200.",
             "Length must be between 1 and 5.", "Must be greater than or equal to 1.",
             "Must be greater than or equal to 0 and less than or equal to 5."]
    translated = _in_chinese(texts)
    assert all(translated[t] != t for t in texts), translated
    assert "university, institute" in translated[texts[0]] and "200" in translated[texts[1]]
