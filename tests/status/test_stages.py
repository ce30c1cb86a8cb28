"""The moves table: every allowed move goes through, refused ones are refused everywhere."""

import pytest
from django.db import IntegrityError, transaction

from ktpportal.notifications.models import Notification
from status.models import StatusChange
from status.services import StatusError, change_stage
from status.stages import BIOMETRIC_SKIPS, FINAL, MOVES, NOTIFY, TEXTS, Stage, refusal
from tests.factories import make_service_type
from tests.status.factories import make_application, path_to, system_user

ALLOWED = sorted((source, target) for source, targets in MOVES.items() for target in targets)


def test_every_stage_has_a_row_and_a_citizen_text():
    assert set(MOVES) == set(Stage)
    assert set(TEXTS) == set(Stage)
    assert all(TEXTS[stage].explanation for stage in Stage)
    assert {Stage.DISERAHKAN, Stage.DITOLAK, Stage.DIBATALKAN} == FINAL


def test_every_stage_is_reachable_and_can_finish():
    for stage in Stage:
        assert stage == Stage.DIAJUKAN or path_to(stage)
        if stage not in FINAL:
            # No dead ends: from anywhere the application can still end somehow.
            reachable, frontier = {stage}, [stage]
            while frontier:
                for target in MOVES[frontier.pop()]:
                    if target not in reachable:
                        reachable.add(target)
                        frontier.append(target)
            assert reachable & FINAL


def test_refusal_matches_the_table_for_every_pair():
    for source in Stage:
        for target in Stage:
            allowed = target in MOVES[source] and (source, target) not in BIOMETRIC_SKIPS
            assert (refusal(source, target, needs_biometrics=True) is None) == allowed
            assert (refusal(source, target, needs_biometrics=False) is None) == (
                target in MOVES[source]
            )


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), ALLOWED, ids=lambda s: str(s))
def test_every_allowed_move_goes_through(source, target, office_a):
    service = make_service_type(needs_biometrics=(source, target) not in BIOMETRIC_SKIPS)
    application = make_application(office=office_a, service_type=service, stage=source)
    before = application.changes.count()

    change = change_stage(
        application=application, to_stage=target, by=system_user(), public_note="Catatan."
    )

    application.refresh_from_db()
    assert application.stage == target
    assert application.public_note == "Catatan."
    assert (change.from_stage, change.to_stage) == (source, target)
    assert application.changes.count() == before + 1
    notified = Notification.objects.filter(
        key__startswith=f"application:{application.pk}:stage:{change.pk}:"
    )
    assert notified.exists() == (target in NOTIFY)


REFUSED = [
    (Stage.DIAJUKAN, Stage.SIAP_DIAMBIL, "tidak bisa langsung"),
    (Stage.DIAJUKAN, Stage.DIAJUKAN, "sudah berada"),
    (Stage.PEREKAMAN, Stage.SIAP_CETAK, "tidak bisa langsung"),
    (Stage.DICETAK, Stage.DIBATALKAN, "tidak bisa langsung"),
    (Stage.MENUNGGU_BLANGKO, Stage.SIAP_DIAMBIL, "tidak bisa langsung"),
    (Stage.DISERAHKAN, Stage.SIAP_CETAK, "sudah selesai"),
    (Stage.DIBATALKAN, Stage.VERIFIKASI, "sudah selesai"),
    (Stage.VERIFIKASI, Stage.SIAP_CETAK, "perekaman biometrik"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target", "says"), REFUSED, ids=lambda s: str(s))
def test_refused_moves_change_nothing(source, target, says, office_a, service):
    application = make_application(office=office_a, service_type=service, stage=source)
    changes, outbox = StatusChange.objects.count(), Notification.objects.count()

    with pytest.raises(StatusError) as refused:
        change_stage(application=application, to_stage=target, by=system_user())

    assert says in refused.value.message
    application.refresh_from_db()
    assert application.stage == source
    assert StatusChange.objects.count() == changes
    assert Notification.objects.count() == outbox


@pytest.mark.django_db
def test_the_database_refuses_a_move_outside_the_table(office_a, service):
    application = make_application(office=office_a, service_type=service)
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusChange.objects.create(
            application=application, from_stage=Stage.DIAJUKAN, to_stage=Stage.DISERAHKAN
        )
