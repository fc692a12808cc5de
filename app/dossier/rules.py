"""Rules of the dossier records, tested without HTTP."""
import datetime as dt

from flask_babel import gettext as _

from app.core.datamodel import DomainError
from app.dossier.models import REPORT_OPEN, REPORT_STATES


def record_resolution(report, actor):
    """Staff close an error report with an outcome the reporter can read; reopening clears it."""
    if report.status not in REPORT_STATES:
        raise DomainError(_("Kies een geldige status."), {"status": _("Kies een geldige status.")})
    if report.status == REPORT_OPEN:
        report.resolved_by_id = None
        report.resolved_at = None
        return
    if not (report.resolution or "").strip():
        raise DomainError(_("Schrijf de uitkomst op: de melder leest die."),
                          {"resolution": _("Schrijf de uitkomst op: de melder leest die.")})
    report.resolved_by_id = getattr(actor, "id", None)
    report.resolved_at = dt.datetime.now()
