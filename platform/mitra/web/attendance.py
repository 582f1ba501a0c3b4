"""An activity's attendance on the pages: the list that `templates/web/_attendance.html`
shows on the activity's page (`for_activity` builds what it reads), and the import page,
where the centre sends a CSV or XLSX file and sees the counts and each refused row. The
rules are `services.attendance`'; the page only shows what it answered."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from mitra import exports
from mitra.models import Activity, Role
from mitra.services import activities, attendance, attendance_files, paging, unit_of_work
from mitra.services.errors import ServiceError
from mitra.web.forms.attendance import AttendanceImportForm
from mitra.web.session import login_required, viewer
from mitra.web.tables import Column, Table

bp = Blueprint("attendance", __name__)
SHOWN = 200  # businesses listed on the activity's page; the API pages through all of them


@dataclass
class AttendancePanel:
    """What `_attendance.html` shows: the list, how many are on it, and the import link."""

    table: Table
    total: int
    import_url: str | None = None


def for_activity(activity: Activity) -> AttendancePanel:
    user = viewer()
    found = paging.page(attendance.listed(user, activity.id), 1, SHOWN)
    entries: list[Mapping[str, Any]] = list(attendance.entries(user, found.items))
    personal = any("owner_name" in entry for entry in entries)
    if personal:  # a row the viewer may not read keeps its owner cell empty
        entries = [{"owner_name": "", **entry} for entry in entries]
    columns = [
        Column("business_name", _l("Business")),
        Column("nib", _l("NIB")),
        Column("kbli", _l("KBLI")),
        Column("scale", _l("Scale")),
        *([Column("owner_name", _l("Owner"))] if personal else []),
    ]
    table = Table(
        name="attendance",
        caption=_l("Attendance"),
        columns=columns,
        rows=list(entries),
        empty=_l("No business is on the attendance yet."),
    )
    link = (
        url_for("web.attendance.import_page", ident=activity.id)
        if attendance.may_write(user, activity)
        else None
    )
    return AttendancePanel(table, found.total, link)


def error_table(errors) -> Table:
    return Table(
        name="import-errors",
        caption=_l("Rows not imported"),
        columns=[
            Column("row", _l("Row"), "number"),
            Column("column", _l("Column")),
            Column("message", _l("Problem")),
        ],
        rows=errors,
        empty=_l("Every row could be read."),
    )


def _refusal(exc: ServiceError) -> str:
    if exc.status == 415:
        return _("This is not a CSV or XLSX file. Save the sheet as CSV (UTF-8) or XLSX and send it again.")
    if exc.status == 413:
        return _("The file is too large.")
    if exc.status == 422:
        return _(
            "The first row must be the header nib,nama_usaha,nama_pemilik,kbli,skala,kode_wilayah; "
            "use the template."
        )
    if exc.status == 409:
        return _("A cancelled activity takes no attendance.")
    return _("The file could not be imported.")


@bp.route("/activities/<int:ident>/attendance/import", methods=["GET", "POST"])
@login_required(Role.CENTRE_MANAGER)
def import_page(ident: int):
    user = viewer()
    activity = activities.get(user, ident)  # 404 first
    form = AttendanceImportForm()
    result, status = None, 200
    if form.validate_on_submit():
        sent = form.file.data
        try:
            with unit_of_work.step():  # a refused file leaves nothing behind
                result = attendance.import_file(
                    user,
                    ident,
                    attendance_files.Upload(sent.filename or "", sent.stream),
                    dry_run=bool(form.dry_run.data),
                )
        except ServiceError as exc:
            if exc.status == 404:
                raise
            form.file.errors = [*form.file.errors, _refusal(exc)]
            status = exc.status
    elif form.is_submitted():
        status = 422
    return render_template(
        "web/activities/attendance_import.html",
        form=form,
        activity=activity,
        result=result,
        errors=error_table(result.errors) if result is not None else None,
        template_csv=url_for("web.attendance.template", fmt="csv"),
        template_xlsx=url_for("web.attendance.template", fmt="xlsx"),
    ), status


@bp.get("/attendance/template.<fmt>")
@login_required(Role.CENTRE_MANAGER)
def template(fmt: str):
    """The import's template (its header and one example row), as the API gives it."""
    if fmt not in exports.FORMATS:
        abort(404)
    header, example = attendance_files.template()
    return exports.download(fmt, "kehadiran-umkm", "kehadiran", header, example, excel_bom=True)
