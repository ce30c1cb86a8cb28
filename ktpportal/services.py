"""Writes to the shared model that more than one app makes."""

from django.db import IntegrityError, transaction

from ktpportal.models import Citizen


def register_citizen(
    *,
    nik: str,
    full_name: str,
    phone: str = "",
    email: str = "",
    language: str = "id",
    verified: bool,
) -> Citizen:
    """The citizen with this NIK, created if new.

    A NIK is printed on many documents, so whoever types one into a web form must not be able
    to change that person's record: with `verified=False` (the public booking form) an
    existing citizen is left exactly as it is, and the booking keeps the contact details that
    were typed for it. Counter staff have the person and their KK in front of them
    (`verified=True`): their entry replaces the name, and the contact details they fill in.
    """
    citizen = Citizen.objects.filter(nik=nik).first()
    if citizen is not None and not verified:
        return citizen
    if citizen is None:
        citizen = Citizen(nik=nik, language=language)
    citizen.full_name = full_name
    citizen.phone = phone or citizen.phone
    citizen.email = email or citizen.email
    citizen.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            citizen.save()
    except IntegrityError:
        # The same NIK registered in the same instant (two bookings, a booking and a counter).
        existing = Citizen.objects.get(nik=nik)
        if not verified:
            return existing
        citizen.pk, citizen.created_at = existing.pk, existing.created_at
        citizen._state.adding = False
        citizen.save()
    return citizen
