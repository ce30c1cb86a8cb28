"""Messages as template files: `emails/<kind>-subject.txt`, `emails/<kind>-body.txt`,
`emails/<kind>-body.html`, and `sms/<kind>.txt` (also used for WhatsApp)."""

from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation


def render_email(kind: str, context: dict, language: str) -> tuple[str, str, str]:
    with translation.override(language):
        subject = " ".join(render_to_string(f"emails/{kind}-subject.txt", context).split())
        text = render_to_string(f"emails/{kind}-body.txt", context).strip() + "\n"
        try:
            html = render_to_string(f"emails/{kind}-body.html", context)
        except TemplateDoesNotExist:
            html = ""
    return subject, text, html


def render_short(kind: str, context: dict, language: str) -> str:
    """SMS/WhatsApp text: one paragraph, whitespace folded (aim for about 160 characters)."""
    with translation.override(language):
        return " ".join(render_to_string(f"sms/{kind}.txt", context).split())
