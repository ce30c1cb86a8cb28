from django import forms
from django.utils.translation import gettext_lazy as _

from ktpportal.codes import CodeFormField
from ktpportal.nik import NIKFormField


class NoEchoTextInput(forms.TextInput):
    """A text box that never writes the submitted value back into the page: a NIK typed
    on a shared phone or a kiosk should not be there for the next person to read."""

    def format_value(self, value):
        return None


class ReceiptLookupForm(forms.Form):
    receipt_number = CodeFormField(
        label=_("Nomor tanda terima"),
        help_text=_("12 huruf dan angka dari tanda terima loket, misalnya 7KQ2-M9XD-4HTP."),
        error_messages={"required": _("Nomor tanda terima wajib diisi.")},
        format_message=_(
            "Format nomor tanda terima salah: 12 huruf dan angka, misalnya "
            "7KQ2-M9XD-4HTP (tanda hubung boleh tidak ditulis)."
        ),
    )
    nik = NIKFormField(widget=NoEchoTextInput)


class NIKLinkForm(forms.Form):
    nik = NIKFormField(widget=NoEchoTextInput)
