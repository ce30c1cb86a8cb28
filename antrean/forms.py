"""The citizen's forms: booking a slot and finding a booking again (code + NIK)."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from antrean.services import validate_full_name
from ktpportal.codes import CodeFormField
from ktpportal.nik import NIKFormField
from ktpportal.phones import normalize_phone


class BookingForm(forms.Form):
    nik = NIKFormField()
    full_name = forms.CharField(
        label=_("Nama lengkap"),
        max_length=100,
        help_text=_("Sesuai KK."),
        error_messages={"required": _("Nama lengkap wajib diisi.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Nomor HP"),
        max_length=25,
        required=False,
        help_text=_("Isi nomor HP atau email (salah satu wajib), untuk konfirmasi dan pengingat."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        required=False,
        error_messages={"invalid": _("Alamat email tidak valid, contoh: nama@contoh.id.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    sms_consent = forms.BooleanField(
        label=_("Kirim pengingat lewat SMS/WhatsApp ke nomor HP saya"),
        required=False,
        help_text=_("Boleh tidak dicentang. Konfirmasi tetap dikirim ke email jika diisi."),
    )
    # Made when the form is first shown; the service turns a second submission of the same
    # form (double click, reload after a slow answer) into the booking the first one made.
    submission_token = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Formulir tidak lengkap. Muat ulang halaman lalu coba lagi."),
            "invalid": _("Formulir tidak lengkap. Muat ulang halaman lalu coba lagi."),
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission_token", uuid.uuid4())
        super().__init__(*args, **kwargs)

    def clean_full_name(self):
        return validate_full_name(self.cleaned_data["full_name"])

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        return normalize_phone(phone) if phone else ""

    def clean(self):
        cleaned = super().clean()
        # Only when both fields were themselves valid: a bad phone has its own message.
        both_valid = "phone" in cleaned and "email" in cleaned
        if both_valid and not cleaned["phone"] and not cleaned["email"]:
            self.add_error("phone", _("Isi nomor HP atau email, agar kami bisa menghubungi Anda."))
        if "submission_token" in self.errors:
            # A fresh one for the page shown again, or the corrected form would fail too.
            self.data = self.data.copy()
            self.data["submission_token"] = str(uuid.uuid4())
        if cleaned.get("sms_consent") and "phone" in cleaned and not cleaned["phone"]:
            self.add_error(
                "sms_consent", _("Untuk pengingat lewat SMS/WhatsApp, isi juga nomor HP.")
            )
        return cleaned


class ManageForm(forms.Form):
    code = CodeFormField(
        label=_("Kode booking"),
        max_length=30,
        help_text=_("12 huruf/angka, contoh: 7KQ2-M9XD-4HTP."),
        error_messages={"required": _("Kode booking wajib diisi.")},
        format_message=_("Kode booking terdiri dari 12 huruf/angka, contoh: 7KQ2-M9XD-4HTP."),
    )
    nik = NIKFormField(help_text=_("NIK yang dipakai saat mengambil antrean."))
