"""Applications in any stage, reached the real way: through the moves table and
change_stage, so every factory-made application has a timeline that could have happened."""

from collections import deque

from django.contrib.auth import get_user_model

from status.models import Application
from status.services import change_stage, create_application
from status.stages import Stage, refusal
from tests.factories import make_citizen


def path_to(target: Stage, *, needs_biometrics: bool = True) -> list[Stage]:
    """The shortest list of moves from Diajukan to `target`."""
    previous = {Stage.DIAJUKAN: None}
    queue = deque([Stage.DIAJUKAN])
    while queue:
        stage = queue.popleft()
        if stage == target:
            break
        for candidate in Stage:
            if candidate not in previous and not refusal(
                stage, candidate, needs_biometrics=needs_biometrics
            ):
                previous[candidate] = stage
                queue.append(candidate)
    path = []
    stage = target
    while stage != Stage.DIAJUKAN:
        path.append(stage)
        stage = previous[stage]
    return path[::-1]


def system_user():
    user, _ = get_user_model().objects.get_or_create(
        username="sistem-uji", defaults={"is_staff": True, "is_superuser": True}
    )
    return user


def make_application(
    *, office, service_type, citizen=None, stage: Stage = Stage.DIAJUKAN, note: str = ""
) -> Application:
    by = system_user()
    application = create_application(
        citizen=citizen or make_citizen(),
        office=office,
        service_type=service_type,
        by=by,
    )
    path = path_to(stage, needs_biometrics=service_type.needs_biometrics)
    for step in path:
        change_stage(
            application=application,
            to_stage=step,
            by=by,
            public_note=note if step == stage else "",
        )
    return application


def make_applications_at(n: int, *, office, service_type, stage: Stage) -> list[Application]:
    """`n` applications already at `stage`, written in two queries: set-up for the bulk
    tests, where walking each one through change_stage would only cost time."""
    from django.utils import timezone

    from ktpportal.codes import new_code
    from ktpportal.models import Citizen
    from tests.factories import make_nik

    now = timezone.now()
    citizens = Citizen.objects.bulk_create(
        Citizen(nik=make_nik(), full_name=f"Pemohon {i}", phone="081234567890") for i in range(n)
    )
    return Application.objects.bulk_create(
        Application(
            receipt_number=new_code(),
            citizen=citizen,
            office=office,
            service_type=service_type,
            stage=stage,
            stage_changed_at=now,
            promised_at=now,
        )
        for citizen in citizens
    )
