from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ktpportal.codes import normalize_code
from ktpportal.nik import NIKFormField


class NoEchoTextInput(forms.TextInput):
    """A text box that never writes the submitted value back into the page: a NIK typed
    on a shared phone or a kiosk should not be there for the next person to read."""

    def format_value(self, value):
        return None


class ReceiptLookupForm(forms.Form):
    receipt_number = forms.CharField(
        label=_("Nomor tanda terima"),
        max_length=40,
        help_text=_("12 huruf dan angka dari tanda terima loket, misalnya 7KQ2-M9XD-4HTP."),
        error_messages={"required": _("Nomor tanda terima wajib diisi.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    nik = NIKFormField(widget=NoEchoTextInput)

    def clean_receipt_number(self):
        code = normalize_code(self.cleaned_data["receipt_number"])
        if code is None:
            raise ValidationError(
                _(
                    "Format nomor tanda terima salah: 12 huruf dan angka, misalnya "
                    "7KQ2-M9XD-4HTP (tanda hubung boleh tidak ditulis)."
                ),
                code="format",
            )
        return code


class NIKLinkForm(forms.Form):
    nik = NIKFormField(widget=NoEchoTextInput)
