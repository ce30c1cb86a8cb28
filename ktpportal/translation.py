"""Fields with an English translation (django-modeltranslation): `name` reads `name_en` on an
English page or message and falls back to `name_id` where no English was given."""

from modeltranslation.translator import TranslationOptions, register

from ktpportal.models import ServiceType


@register(ServiceType)
class ServiceTypeTranslation(TranslationOptions):
    fields = ("name", "description", "when_applies")
    required_languages = ("id",)
