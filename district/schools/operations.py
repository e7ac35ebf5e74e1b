"""The writes of the schools' pages and the report: only the audit entry of an export (every
export is recorded, DESIGN.md section 2)."""

from ..audit import record
from ..db import database
from .formats import report_xlsx


def export_report(actor, data):
    """The periodic report as XLSX bytes, with its audit entry."""
    body = report_xlsx(data)
    with database.atomic():
        record("report.export", target_type="report", actor=actor,
               details={"format": "xlsx", "period": data["period"]["label"],
                        "exact": data["exact"]})
    return body
