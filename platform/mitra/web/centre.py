"""The centre manager's dashboard: partnerships, proposals awaiting an answer, this month's
activities and outcomes still to report, and the year's businesses assisted and what they got
(the centre's compiled statistics)."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import lazy_gettext as _l

from mitra.models import Role
from mitra.services import activities, pages
from mitra.web import labels
from mitra.web.ministry import current_year, outcome_type_table
from mitra.web.session import login_required, viewer
from mitra.web.tables import Column, Link, Moment, Table, maybe_export

bp = Blueprint("centre", __name__)


def _activity_rows(items, with_report: bool):
    return [
        {
            "date": a.date,
            "type": a.type,
            "title": a.title,
            "status": a.status,
            "collaboration": Link(
                a.collaboration.title, url_for("web.collaborations.detail", ident=a.collaboration_id)
            ),
            "partner": a.collaboration.partner.name,
            "report": Link(str(_l("Report outcome")), url_for("web.activities.report", ident=a.id))
            if with_report and "report" in activities.steps(viewer(), a)
            else None,
        }
        for a in items
    ]


def _activity_columns(with_report: bool) -> list[Column]:
    columns = [
        Column("date", _l("Date"), "day"),
        Column("type", _l("Kind"), "label", labels.ACTIVITY_TYPE),
        Column("title", _l("Title")),
        Column("status", _l("Status"), "badge", labels.ACTIVITY_STATUS),
        Column("collaboration", _l("Collaboration"), "link"),
        Column("partner", _l("Partner")),
    ]
    if with_report:
        columns.append(Column("report", _l("Outcome"), "link"))
    return columns


def dashboard_tables(data: pages.CentreDashboard, figures: dict) -> list[Table]:
    return [
        Table(
            "partnerships",
            _l("Partnerships by status"),
            [
                Column("status", _l("Status"), "badge", labels.PARTNERSHIP_STATUS),
                Column("count", _l("Partners"), "number"),
            ],
            [{"status": code, "count": data.partnerships.get(code, 0)} for code in labels.PARTNERSHIP_STATUS],
        ),
        Table(
            "waiting",
            _l("Proposals waiting for an answer"),
            [
                Column("title", _l("Title"), "link"),
                Column("partner", _l("Partner")),
                Column("status", _l("Status"), "badge", labels.COLLABORATION_STATUS),
                Column("proposed_at", _l("Proposed"), "moment"),
                Column("days", _l("Days waiting"), "number"),
                Column("respond_by", _l("Answer wanted by"), "day"),
            ],
            [
                {
                    "title": Link(
                        w.collaboration.title, url_for("web.collaborations.detail", ident=w.collaboration.id)
                    ),
                    "partner": w.collaboration.partner.name,
                    "status": w.collaboration.status,
                    "proposed_at": Moment(w.collaboration.proposed_at, w.collaboration.centre.zone),
                    "days": w.days,
                    "respond_by": w.collaboration.respond_by,
                }
                for w in data.waiting
            ],
            empty=_l("No proposal is waiting for an answer."),
        ),
        Table(
            "month",
            _l("Activities this month"),
            _activity_columns(False),
            _activity_rows(data.this_month, False),
            empty=_l("No activity this month."),
        ),
        Table(
            "overdue",
            _l("Outcomes overdue"),
            _activity_columns(True),
            _activity_rows(data.overdue, True),
            empty=_l("Every past activity has its outcome."),
        ),
        outcome_type_table(figures),
    ]


@bp.get("/centre")
@login_required(Role.CENTRE_MANAGER)
def dashboard():
    user = viewer()
    data = pages.centre_dashboard(user)
    year = current_year()
    figures, _parts = pages.national_figures(user, year, ())  # within the centre's scope
    tables = dashboard_tables(data, figures)
    if (download := maybe_export(tables)) is not None:
        return download
    return render_template(
        "web/centre/dashboard.html",
        data=data,
        figures=figures,
        year=year,
        tables=dict((t.name, t) for t in tables),
        centre=user.centre,
    )
