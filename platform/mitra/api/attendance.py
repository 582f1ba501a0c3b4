"""`/api/v1/activities/{id}/attendance`: the businesses an activity reached, read, replaced
as a list, or imported from a CSV or XLSX file; and the import's template."""

from __future__ import annotations

from mitra import exports
from mitra.api import listing
from mitra.api.auth import user
from mitra.api.requests import ID, ApiBlueprint, takes_upload
from mitra.api.schemas.attendance import (
    AttendanceListArgs,
    AttendanceListSchema,
    AttendanceReplacedSchema,
    AttendeeSchema,
    ImportArgs,
    ImportFileSchema,
    ImportResultSchema,
    TemplateArgs,
)
from mitra.services import attendance, attendance_files

blp = ApiBlueprint(
    "attendance",
    __name__,
    url_prefix="/api/v1",
    description="The businesses (UMKM) on an activity's attendance",
)
OF_ACTIVITY = f"/activities/<{ID}:activity_id>/attendance"
TEMPLATE_DOC = {
    "responses": {
        "200": {
            "description": "The header and one example row, to fill in",
            "content": {
                exports.CSV_TYPE: {"schema": {"type": "string"}},
                exports.XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }
}


@blp.route(OF_ACTIVITY)
@blp.arguments(AttendanceListArgs, location="query")
@blp.response(200, listing.page_of(AttendeeSchema))
def list_attendance(args, activity_id):
    """List the businesses on an activity's attendance (a partner: name, NIB, KBLI and scale only)"""
    page = listing.paginate(attendance.listed(user(), activity_id, args["sort"]), args)
    return {**page, "items": attendance.entries(user(), page["items"])}


@blp.route(OF_ACTIVITY, methods=["PUT"])
@blp.arguments(AttendanceListSchema)
@blp.response(200, AttendanceReplacedSchema)
def replace_attendance(data, activity_id):
    """Replace an activity's attendance (its centre; planned or held): a registered business by
    its NIB alone, a new one with every required field; umkm_reached follows the list"""
    return attendance.replace(user(), activity_id, data["umkm"])


@blp.route(f"{OF_ACTIVITY}/import", methods=["POST"])
@takes_upload
@blp.arguments(ImportArgs, location="query")
@blp.arguments(ImportFileSchema, location="files")
@blp.response(200, ImportResultSchema)
def import_attendance(args, files, activity_id):
    """Import businesses onto an activity's attendance from a CSV or XLSX file (its centre):
    good rows are kept, each bad one reported by row and column; dry_run=1 only checks"""
    upload = files["file"]
    sent = attendance_files.Upload(upload.filename or "", upload.stream)
    return attendance.import_file(user(), activity_id, sent, dry_run=args["dry_run"])


@blp.route("/attendance/template")
@blp.arguments(TemplateArgs, location="query")
@blp.doc(**TEMPLATE_DOC)
def attendance_template(args):
    """The import's template: its header and one example row, as CSV or XLSX"""
    header, example = attendance_files.template()
    return exports.download(args["format"], "kehadiran-umkm", "kehadiran", header, example, excel_bom=True)
