"""Writing applications: create them, move them through their stages, send status links.

`change_stage` and `change_stage_bulk` are the only code that changes a stage. Each move is
checked against the moves table, written as a StatusChange and, for the stages that need the
citizen, queued as a notification: all in one transaction, so a failure leaves nothing half
done.
"""

import datetime

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from antrean.models import Booking
from antrean.services import check_in_booking
from dokumen.checklist import checklist_for
from ktpportal.codes import new_code, normalize_code
from ktpportal.models import Citizen, Office, ServiceType
from ktpportal.notifications.services import notify_citizen
from ktpportal.scoping import offices_for
from ktpportal.services import register_citizen
from status.models import Application, StatusChange
from status.stages import NOTIFY, TEXTS, Stage, refusal

LINK_SALT = "status.application-link"
LINK_MAX_AGE = datetime.timedelta(minutes=30)
# Stages whose page and message list the documents: what to bring, or what was missing.
SHOWS_CHECKLIST = frozenset({Stage.SIAP_DIAMBIL, Stage.BERKAS_KURANG})


class StatusError(Exception):
    """A refused action, with a message staff (or a citizen) can act on."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def get_or_create_citizen(*, nik: str, full_name: str, phone: str, email: str) -> Citizen:
    """The citizen with this NIK, registered now if new. Staff at the counter have the
    person and their KK in front of them, so what they type replaces the details on file."""
    return register_citizen(nik=nik, full_name=full_name, phone=phone, email=email, verified=True)


def create_application(
    *,
    citizen: Citizen,
    office: Office,
    service_type: ServiceType,
    by,
    booking: Booking | None = None,
    public_note: str = "",
) -> Application:
    """Open an application at the counter; its timeline starts with "Diajukan".

    With `booking` (the visit the citizen booked), the booking is linked and, if still
    active, checked in: the person is at the counter.
    """
    _check_office(by, office)
    if booking is not None:
        if booking.office_id != office.pk:
            raise StatusError(_("Booking ini untuk kantor lain."))
        if booking.citizen_id != citizen.pk:
            raise StatusError(_("Booking ini atas NIK lain."))
        if Application.objects.filter(booking=booking).exists():
            raise StatusError(_("Sudah ada permohonan dari booking ini."))
    now = timezone.now()
    for _attempt in range(3):
        try:
            with transaction.atomic():
                application = Application(
                    receipt_number=new_code(),
                    citizen=citizen,
                    service_type=service_type,
                    office=office,
                    booking=booking,
                    stage=Stage.DIAJUKAN,
                    stage_changed_at=now,
                    promised_at=now + service_type.promised_duration,
                    public_note=public_note,
                )
                # The receipt number's uniqueness is left to the index: a clash is retried.
                application.full_clean(exclude=["receipt_number"])
                application.save()
                StatusChange.objects.create(
                    application=application,
                    from_stage="",
                    to_stage=Stage.DIAJUKAN,
                    changed_by=by,
                    public_note=public_note,
                )
                if booking is not None and booking.status == Booking.Status.ACTIVE:
                    check_in_booking(booking=booking)
                return application
        except IntegrityError:
            if booking is not None and Application.objects.filter(booking=booking).exists():
                raise StatusError(_("Sudah ada permohonan dari booking ini.")) from None
            # 60 random bits make a clash all but impossible; a retry makes it harmless.
            if not Application.objects.filter(receipt_number=application.receipt_number).exists():
                raise
    raise StatusError(_("Nomor tanda terima tidak dapat dibuat. Coba lagi."))


def change_stage(
    *,
    application: Application,
    to_stage: Stage | str,
    by,
    public_note: str = "",
    internal_note: str = "",
) -> StatusChange:
    """Move one application to `to_stage`, or raise StatusError saying why not."""
    with transaction.atomic():
        # The row lock makes two staff moving the same application at once take turns, so
        # the second is checked against the stage the first left, not a stale one.
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("citizen", "office", "service_type")
            .get(pk=application.pk)
        )
        _check_office(by, locked.office)
        reason = refusal(
            locked.stage, to_stage, needs_biometrics=locked.service_type.needs_biometrics
        )
        if reason:
            raise StatusError(reason)
        change = _move(locked, Stage(to_stage), by, public_note, internal_note, {})
    for field in ("stage", "stage_changed_at", "public_note", "updated_at"):
        setattr(application, field, getattr(locked, field))
    return change


def change_stage_bulk(
    *, applications, to_stage: Stage | str, by, public_note: str = ""
) -> tuple[list[Application], list[tuple[Application, str]]]:
    """Move many applications in one transaction; the ones that cannot move are skipped.

    Returns (moved, skipped), skipped as (application, reason) pairs.
    """
    to_stage = Stage(to_stage)
    ids = [a.pk for a in applications]
    moved, skipped = [], []
    allowed_offices = set(offices_for(by).values_list("pk", flat=True))
    checklists = {}
    with transaction.atomic():
        # Locked in id order, so two bulk moves over overlapping rows cannot deadlock.
        locked_rows = (
            Application.objects.select_for_update(of=("self",))
            .select_related("citizen", "office", "service_type")
            .filter(pk__in=ids)
            .order_by("pk")
        )
        for locked in locked_rows:
            if locked.office_id not in allowed_offices:
                skipped.append((locked, _("Anda tidak bertugas di kantor permohonan ini.")))
                continue
            reason = refusal(
                locked.stage, to_stage, needs_biometrics=locked.service_type.needs_biometrics
            )
            if reason:
                skipped.append((locked, reason))
                continue
            _move(locked, to_stage, by, public_note, "", checklists)
            moved.append(locked)
    return moved, skipped


def _check_office(by, office: Office) -> None:
    if not offices_for(by).filter(pk=office.pk).exists():
        raise StatusError(_("Anda tidak bertugas di kantor permohonan ini."))


def _move(
    application: Application,
    to_stage: Stage,
    by,
    public_note: str,
    internal_note: str,
    checklists: dict,
) -> StatusChange:
    change = StatusChange(
        application=application,
        from_stage=application.stage,
        to_stage=to_stage,
        changed_by=by,
        public_note=public_note,
        internal_note=internal_note,
    )
    change.full_clean()
    change.save()
    application.stage = to_stage
    application.stage_changed_at = change.changed_at
    application.public_note = public_note
    application.save(update_fields=["stage", "stage_changed_at", "public_note", "updated_at"])
    if to_stage in NOTIFY:
        # The checklist's texts are taken in the language it is built in: the citizen's.
        language = application.citizen.language or "id"
        key = (application.service_type_id, application.office_id, language)
        if to_stage in SHOWS_CHECKLIST and key not in checklists:
            with translation.override(language):
                checklists[key] = checklist_for(application.service_type, application.office)
        notify_citizen(
            citizen=application.citizen,
            kind="status_changed",
            event_key=f"application:{application.pk}:stage:{change.pk}",
            about=application,
            office=application.office,
            context={
                "application": application,
                "stage": to_stage,
                "text": TEXTS[to_stage],
                "public_note": public_note,
                "checklist": checklists.get(key) if to_stage in SHOWS_CHECKLIST else None,
            },
            short_messages=True,
        )
    return change


def find_booking_for_staff(*, code: str, by) -> Booking | None:
    """A booking of one of this staff member's offices, by its exact code."""
    code = normalize_code(code)
    if code is None:
        return None
    return (
        Booking.objects.select_related("citizen", "office", "service_type")
        .filter(code=code, office__in=offices_for(by))
        .first()
    )


def find_application(*, receipt_number: str, nik: str) -> Application | None:
    """The application with this receipt number AND this NIK; None for any other case, so a
    caller cannot tell "no such receipt" from "someone else's receipt"."""
    # Receipt numbers are unique: no ORDER BY (the model's default) to plan or sort.
    found = (
        Application.objects.select_related("citizen", "office", "service_type")
        .filter(receipt_number=receipt_number, citizen__nik=nik)
        .order_by()[:1]
    )
    return next(iter(found), None)


def application_from_link(token: str) -> Application | None:
    """The application a signed link points to. Raises signing.SignatureExpired when the
    link is older than LINK_MAX_AGE, signing.BadSignature when it was altered."""
    pk = signing.TimestampSigner(salt=LINK_SALT).unsign(token, max_age=LINK_MAX_AGE)
    return (
        Application.objects.select_related("citizen", "office", "service_type")
        .filter(pk=pk)
        .first()
    )


def send_status_link(*, nik: str, link_for) -> None:
    """If the NIK has an application, send a 30-minute link to its timeline to the phone or
    email on file. Says nothing either way: the caller shows the same page regardless.

    `link_for(token)` turns a token into the absolute URL the message carries.
    """
    application = (
        Application.objects.select_related("citizen", "office")
        .filter(citizen__nik=nik)
        .order_by("-created_at", "-pk")
        .first()
    )
    if application is None:
        return
    # The token carries the application's id, signed with a time: never the NIK.
    token = signing.TimestampSigner(salt=LINK_SALT).sign(str(application.pk))
    with transaction.atomic():
        notify_citizen(
            citizen=application.citizen,
            kind="status_link",
            # The signature differs per request, so each request is its own event.
            event_key=f"application:{application.pk}:link:{token.rsplit(':', 1)[1]}",
            about=application,
            office=application.office,
            context={
                "application": application,
                "url": link_for(token),
                "minutes": int(LINK_MAX_AGE.total_seconds() // 60),
            },
            short_messages=True,
        )
