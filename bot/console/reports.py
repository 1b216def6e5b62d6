"""The supervisor's report page: the activity figures of their centre for a period
(an administrator picks the centre or all), with the CSV tables and the HTML brief to
download. Every download is written to the audit log."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from flask import Response, abort, g, render_template, request

from bot.console import auth
from bot.console.models import ADMIN, EXPORTED
from bot.console.routes import bp
from bot.reports import export, figures
from bot.services import current

BRIEF_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _period() -> tuple[str | None, date, date]:
    today = date.today()
    try:
        start = date.fromisoformat(request.args.get("from") or today.replace(day=1).isoformat())
        end = date.fromisoformat(request.args.get("to") or today.isoformat())
    except ValueError:
        abort(400, "dates are YYYY-MM-DD")
    if end < start or (end - start).days > 731:
        abort(400, "the period must run forwards and last at most two years")
    if g.counsellor.role == ADMIN:
        centre = request.args.get("centre") or None
        if centre and current().centres.get(centre) is None:
            abort(400, "unknown centre")
    else:
        centre = g.counsellor.centre
    return centre, start, end


def _build():
    centre, start, end = _period()
    with current().db.session() as s:
        return figures.build(s, centre, start, end)


def _name(report) -> str:
    return f"{report.centre or 'all'}_{report.start.isoformat()}_{report.end.isoformat()}"


def _audited(report) -> None:
    with current().db.session() as s:
        auth.audit(s, EXPORTED, f"report:{_name(report)}", g.counsellor.id)


@bp.get("/reports")
@auth.supervisor_required
def reports():
    report = _build()
    return render_template("console/reports.html", report=report,
                           charts={t.name: export.bar_chart(t) for t in report.tables
                                   if len(t.rows) > 1},
                           trend_chart=export.trend_chart(report),
                           centres=list(current().centres), query=request.query_string.decode())


@bp.get("/reports/brief.html")
@auth.supervisor_required
def report_brief():
    report = _build()
    _audited(report)
    response = Response(export.html_brief(report), mimetype="text/html")
    response.headers["Content-Disposition"] = f'attachment; filename="mrc_{_name(report)}.html"'
    response.headers["Content-Security-Policy"] = BRIEF_POLICY
    return response


@bp.get("/reports/tables.zip")
@auth.supervisor_required
def report_tables():
    report = _build()
    _audited(report)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in report.tables:
            archive.writestr(f"{table.name}.csv", export.table_csv(table))
        archive.writestr("theme_trend_by_week.csv", export.trend_csv(report))
    response = Response(buffer.getvalue(), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="mrc_{_name(report)}.zip"'
    return response
