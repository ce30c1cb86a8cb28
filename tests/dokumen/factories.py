"""Factories for dokumen rows: plain functions with overridable fields."""

import itertools

from dokumen.models import CopyKind, OfficeRequirementChange, Requirement

_seq = itertools.count(1)


def make_requirement(service_type, **fields) -> Requirement:
    n = next(_seq)
    fields.setdefault("name", f"Dokumen {n}")
    fields.setdefault("order", n)
    fields.setdefault("copy_kind", CopyKind.ORIGINAL)
    return Requirement.objects.create(service_type=service_type, **fields)


def add_office_requirement(office, service_type, **fields) -> OfficeRequirementChange:
    n = next(_seq)
    fields.setdefault("name", f"Dokumen kantor {n}")
    fields.setdefault("order", n)
    return OfficeRequirementChange.objects.create(
        office=office, service_type=service_type, **fields
    )


def mark_not_needed(office, requirement) -> OfficeRequirementChange:
    return OfficeRequirementChange.objects.create(
        office=office, service_type=requirement.service_type, not_needed=requirement
    )
