"""Importing an activity's attendance from a CSV or XLSX file."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SubmitField

from mitra.web.forms import Form


class AttendanceImportForm(Form):
    file = FileField(
        _l("CSV or XLSX file"),
        validators=[FileRequired(_l("Choose the file to import."))],
        description=_l(
            "The first row is the header nib,nama_usaha,nama_pemilik,kbli,skala,kode_wilayah "
            "(telepon and email may follow)."
        ),
    )
    dry_run = BooleanField(_l("Only check the file (store nothing)"))
    submit = SubmitField(_l("Import"))
