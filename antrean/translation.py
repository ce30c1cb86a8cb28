"""A closure's reason in English too, when staff give one (django-modeltranslation; see
ktpportal/translation.py); without it, citizens reading English see the Indonesian reason."""

from modeltranslation.translator import TranslationOptions, register

from antrean.models import Closure


@register(Closure)
class ClosureTranslation(TranslationOptions):
    fields = ("reason",)
    required_languages = ("id",)
