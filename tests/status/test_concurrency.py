"""Two counters moving the same application at the same moment (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection

from status.models import Application
from status.services import StatusError, change_stage
from status.stages import Stage
from tests.factories import make_office, make_service_type
from tests.status.factories import make_application, system_user


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_moves_leave_one_consistent_timeline():
    office = make_office()
    service = make_service_type(needs_biometrics=False)
    application = make_application(office=office, service_type=service, stage=Stage.VERIFIKASI)
    by = system_user()
    targets = [Stage.PEREKAMAN, Stage.BERKAS_KURANG, Stage.PROSES_PUSAT, Stage.SIAP_CETAK] * 2
    start = threading.Barrier(len(targets))
    outcomes = []

    def move(target):
        try:
            start.wait()
            change_stage(application=application, to_stage=target, by=by)
            outcomes.append("moved")
        except StatusError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=move, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Every later move was checked against the stage the earlier one left behind, so each
    # step of the timeline starts where the previous one ended.
    application = Application.objects.get(pk=application.pk)
    steps = list(application.changes.order_by("pk"))
    for before, after in zip(steps, steps[1:], strict=False):
        assert after.from_stage == before.to_stage
    assert steps[-1].to_stage == application.stage
    assert outcomes.count("moved") == len(steps) - 2  # after Diajukan and Verifikasi
    assert "refused" in outcomes
