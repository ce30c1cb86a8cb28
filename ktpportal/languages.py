"""Which language a text is in, so that a page can say so.

Citizen-facing data has an English translation managed in admin (each app's translation.py,
django-modeltranslation): on an English page `service.name` reads the English, and the
Indonesian where staff gave none. Text staff write for citizens (a closure's reason without
an English one, a disruption notice, a note on an application) stays in Indonesian. On an
English page such text needs `lang="id"` around it, or a screen reader reads it with English
sounds.

`Text` is a str that knows its language: as a str it is the plain text (emails' text part,
SMS, .ics, a truncated line); rendered in a template it is wrapped in `<span lang="id">` when
the page is in another language. `Sentence` is a sentence in the page's language with such
texts in it ("Kantor tutup: <span lang="id">Rapat pegawai</span>").
"""

from django.conf import settings
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from modeltranslation.utils import build_localized_fieldname

SOURCE = "id"  # the language staff write in, and every translation falls back to


def page_language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


def language_of(obj, field: str) -> str:
    """The language `obj.<field>` reads in now: the page's, when it has a translation in it;
    else Indonesian, the fallback."""
    language = page_language()
    if language != SOURCE and getattr(obj, build_localized_fieldname(field, language), None):
        return language
    return SOURCE


def localized(obj, field: str) -> "Text":
    """`obj.<field>` in the active language (or its Indonesian fallback), knowing which."""
    return Text(getattr(obj, field) or "", language_of(obj, field))


class Text(str):
    """A text in one language: plain as a str, marked with lang in a template when that is
    not the page's language."""

    def __new__(cls, value: str = "", lang: str = SOURCE):
        text = super().__new__(cls, value)
        text.lang = lang
        return text

    def __reduce__(self):
        return (Text, (str(self), self.lang))

    def __html__(self) -> str:
        if not self or self.lang == page_language():
            return escape(str(self))
        return format_html('<span lang="{}">{}</span>', self.lang, str(self))


def indonesian(value: str) -> Text:
    """Free text staff wrote for citizens, in Indonesian (notices, notes)."""
    return Text(value or "", SOURCE)


class Sentence(str):
    """`template % parts` in the page's language, its parts (Text) marked in a template."""

    def __new__(cls, template: str, **parts):
        sentence = super().__new__(cls, template % parts)
        sentence.template = template
        sentence.parts = parts
        return sentence

    def __reduce__(self):
        return (_sentence, (self.template, self.parts))

    def __html__(self) -> str:
        parts = {name: conditional_escape(value) for name, value in self.parts.items()}
        return mark_safe(conditional_escape(self.template) % parts)  # noqa: S308 - escaped


def _sentence(template: str, parts: dict) -> Sentence:
    return Sentence(template, **parts)
