"""Stage notices list the documents to bring in each citizen's own language, however many
citizens one bulk move tells at once."""

import pytest

from dokumen.seed import seed_requirements
from ktpportal.models import ServiceType
from ktpportal.notifications.models import Notification
from ktpportal.seed import seed_service_types
from status.services import change_stage_bulk
from status.stages import Stage
from tests.factories import make_citizen, make_office
from tests.status.factories import make_application, system_user

pytestmark = pytest.mark.django_db


def test_a_bulk_move_tells_each_citizen_in_their_language(db):
    seed_service_types()
    seed_requirements()
    service = ServiceType.objects.get(code="hilang")
    office = make_office()
    english = make_citizen(phone="081111111111", language="en")
    indonesian = make_citizen(phone="082222222222", language="id")
    applications = [
        make_application(office=office, service_type=service, citizen=citizen, stage=Stage.DICETAK)
        for citizen in (english, indonesian)
    ]
    Notification.objects.all().delete()

    moved, skipped = change_stage_bulk(
        applications=applications, to_stage=Stage.SIAP_DIAMBIL, by=system_user()
    )

    assert len(moved) == 2 and not skipped
    to_english = Notification.objects.get(recipient="081111111111")
    to_indonesian = Notification.objects.get(recipient="082222222222")
    assert "Bring: original KK; police loss report" in to_english.body_text
    assert "Bawa: KK asli; surat kehilangan polisi" in to_indonesian.body_text
