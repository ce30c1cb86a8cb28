"""The checklist of documents to bring: one value, rendered the same way everywhere.

Other apps build it with `checklist_for(service_type, office)` and show it with
`{% include "dokumen/_checklist.html" with checklist=checklist %}` (pages, HTML emails),
`checklist.as_text()` (email text bodies, the .ics DESCRIPTION) or `checklist.as_short_text()`
(SMS/WhatsApp). The texts are taken in the language active when the checklist is built
(English where staff or the seed gave it, else Indonesian, each text knowing which:
ktpportal.languages.Text), and the copy-kind labels when the text is produced: build and
render it inside the citizen's language (`translation.override(citizen.language)`).
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from dokumen.models import CopyKind, OfficeRequirementChange, Requirement
from ktpportal.languages import SOURCE, Text, localized
from ktpportal.models import Office, ServiceType

SHORT_TEXT_MAX = 100
# Lazy labels: translated when rendered, in whatever language is active then.
_COPY_KIND_LABELS = dict(CopyKind.choices)


@dataclass(frozen=True)
class ChecklistItem:
    name: str  # "Kartu Keluarga (KK)"
    help_text: str
    copy_kind: str  # human label: "asli", "fotokopi", "asli dan fotokopi"
    quantity: int
    condition: str  # "" when always needed, else e.g. "jika menikah sebelum 17 tahun"
    from_office: bool  # an office's own addition
    short_name: str = ""  # for SMS, e.g. "KK asli"; falls back to name
    key: str = ""  # stable across reordering: "n<pk>" national, "k<pk>" office addition

    @property
    def condition_note(self) -> Text:
        """ "Jika sudah menikah." for under the name, in the condition's language."""
        return Text(f"{capfirst(self.condition)}.", getattr(self.condition, "lang", SOURCE))

    @property
    def amount(self) -> str:
        """ "asli", or "fotokopi, 2 lembar" when more than one is needed."""
        if self.quantity > 1:
            return _("%(kind)s, %(count)s lembar") % {
                "kind": self.copy_kind,
                "count": self.quantity,
            }
        return str(self.copy_kind)

    def as_line(self) -> str:
        """ "Buku nikah: fotokopi, 2 lembar (jika sudah menikah)"."""
        line = f"{self.name}: {self.amount}"
        if self.condition:
            line += f" ({self.condition})"
        return line


@dataclass(frozen=True)
class Checklist:
    service_type: ServiceType
    office: Office | None
    items: tuple[ChecklistItem, ...]

    def as_text(self) -> str:
        """A numbered plain-text list, one item a line, its help text indented below it."""
        lines = []
        for number, item in enumerate(self.items, start=1):
            lines.append(f"{number}. {item.as_line()}")
            if item.help_text:
                lines.append(f"   {item.help_text}")
        return "\n".join(lines)

    def as_short_text(self) -> str:
        """One line for SMS/WhatsApp, at most 100 characters: "Bawa: KK asli; ...; dll.".

        Documents needed only in some cases ("jika bercerai") are folded into "dll.", like
        whatever does not fit: the full list is in the email and on the checklist page.
        """
        if not self.items:
            return ""
        always = [item for item in self.items if not item.condition] or self.items
        names = [item.short_name or item.name for item in always]
        text = _short_line(names, more=len(always) < len(self.items))
        if len(text) <= SHORT_TEXT_MAX:
            return text
        kept = []
        for name in names:
            if len(_short_line([*kept, name], more=True)) > SHORT_TEXT_MAX:
                break
            kept.append(name)
        if not kept:
            # Even the first name is too long: cut it on a word boundary.
            room = SHORT_TEXT_MAX - len(_short_line([""], more=True)) - 1
            kept = [names[0][:room].rsplit(" ", 1)[0] + "\u2026"]
        return _short_line(kept, more=True)


def _short_line(names: list[str], *, more: bool = False) -> str:
    listed = "; ".join(names)
    if more:
        listed += "; " + _("dll.")
    return _("Bawa: %(documents)s") % {"documents": listed}


def checklist_for(service_type: ServiceType, office: Office | None = None) -> Checklist:
    """The national list for this service, plus the office's additions, minus what it dropped.

    Two queries, however many items: one for the national list (with the office's "not
    needed" marks excluded in SQL), one for the office's additions.
    """
    national = Requirement.objects.filter(service_type=service_type, is_active=True)
    additions = []
    if office is not None:
        national = national.exclude(
            Exists(OfficeRequirementChange.objects.filter(office=office, not_needed=OuterRef("pk")))
        )
        additions = OfficeRequirementChange.objects.filter(
            office=office, service_type=service_type, not_needed__isnull=True
        )
    rows = [(r.order, 0, r.pk, _item(r, from_office=False)) for r in national.order_by()]
    rows += [(r.order, 1, r.pk, _item(r, from_office=True)) for r in additions]
    rows.sort(key=lambda row: row[:3])
    return Checklist(service_type=service_type, office=office, items=tuple(row[3] for row in rows))


def _item(row: Requirement | OfficeRequirementChange, *, from_office: bool) -> ChecklistItem:
    name = localized(row, "name")
    short_name = localized(row, "short_name")
    if short_name.lang != name.lang:
        # An English name with only an Indonesian short one: the SMS says the English name.
        short_name = Text("", name.lang)
    return ChecklistItem(
        name=name,
        help_text=localized(row, "help_text"),
        copy_kind=_COPY_KIND_LABELS.get(row.copy_kind, row.copy_kind),
        quantity=row.quantity,
        condition=localized(row, "condition"),
        from_office=from_office,
        short_name=short_name,
        key=f"{'k' if from_office else 'n'}{row.pk}",
    )
