from django.conf import settings


def agency(request):
    """The deploying agency's name, shown in the header of every page (AGENCY_NAME)."""
    return {"AGENCY_NAME": settings.AGENCY_NAME}
