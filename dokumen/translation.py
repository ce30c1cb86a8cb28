"""Requirement texts in English too (django-modeltranslation; see ktpportal/translation.py).
The national list is seeded in both languages; an office's own additions have English when
its staff write one."""

from modeltranslation.translator import TranslationOptions, register

from dokumen.models import OfficeRequirementChange, Requirement

TEXTS = ("name", "short_name", "help_text", "condition")


@register(Requirement)
class RequirementTranslation(TranslationOptions):
    fields = TEXTS
    required_languages = {"id": ("name",)}


@register(OfficeRequirementChange)
class OfficeRequirementChangeTranslation(TranslationOptions):
    fields = TEXTS
