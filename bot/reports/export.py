"""A report as CSV files (one per table) and one self-contained HTML brief whose
charts are SVG drawn here (no script, no external file; prints in black and grey)."""

from __future__ import annotations

import csv
import io
from html import escape
from pathlib import Path

from bot.reports.figures import Report, Table
from bot.reports.suppression import HIDDEN

BAR_WIDTH, BAR_HEIGHT = 360, 18


def write(report: Report, folder: Path) -> list[Path]:
    """The CSV files and brief.html in folder (created); returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in report.tables:
        path = folder / f"{table.name}.csv"
        path.write_text(table_csv(table), encoding="utf-8")
        written.append(path)
    trend = folder / "theme_trend_by_week.csv"
    trend.write_text(trend_csv(report), encoding="utf-8")
    brief = folder / "brief.html"
    brief.write_text(html_brief(report), encoding="utf-8")
    return [*written, trend, brief]


def table_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.header)
    writer.writerows(table.rows)
    if table.total is not None:
        writer.writerow(("Total", table.total))
    return out.getvalue()


def trend_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["theme", *(w.isoformat() for w in report.trend.weeks)])
    for theme, counts in report.trend.counts.items():
        writer.writerow([theme, *counts])
    return out.getvalue()


def _label(text: str) -> str:
    return escape(text.replace("_", " "))


def bar_chart(table: Table) -> str:
    """Horizontal bars for the visible counts; suppressed cells drawn as a hatch."""
    numbers = [v for _, v in table.rows if v != HIDDEN]
    top = max(numbers, default=0) or 1
    height = BAR_HEIGHT * len(table.rows) + 4
    parts = [f'<svg class="chart" role="img" aria-label="{escape(table.title)}" '
             f'width="{BAR_WIDTH + 260}" height="{height}" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value) in enumerate(table.rows):
        y = i * BAR_HEIGHT + 2
        parts.append(f'<text x="0" y="{y + 13}" font-size="12">{_label(str(label))[:34]}</text>')
        if value == HIDDEN:
            parts.append(f'<rect x="200" y="{y + 3}" width="24" height="12" fill="none" '
                         f'stroke="#555" stroke-dasharray="2,2"/><text x="230" y="{y + 13}" '
                         f'font-size="12">{HIDDEN}</text>')
            continue
        width = max(1, round(BAR_WIDTH * value / top))
        parts.append(f'<rect x="200" y="{y + 3}" width="{width}" height="12" fill="#444"/>'
                     f'<text x="{206 + width}" y="{y + 13}" font-size="12">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)


def trend_chart(report: Report) -> str:
    """Small multiples: one row of weekly columns per theme."""
    weeks = report.trend.weeks
    cell, row_height = max(6, min(24, 480 // max(len(weeks), 1))), 34
    numbers = [v for counts in report.trend.counts.values() for v in counts if v != HIDDEN]
    top = max(numbers, default=0) or 1
    rises = set(report.trend.rises)
    width = 200 + cell * len(weeks)
    parts = [f'<svg class="chart" role="img" aria-label="Themes week by week" width="{width}" '
             f'height="{row_height * len(report.trend.counts) + 16}" '
             'xmlns="http://www.w3.org/2000/svg">']
    for r, (theme, counts) in enumerate(report.trend.counts.items()):
        base = r * row_height + row_height
        parts.append(f'<text x="0" y="{base - 8}" font-size="12">{_label(theme)}</text>')
        for i, value in enumerate(counts):
            x = 200 + i * cell
            if value == HIDDEN:
                parts.append(f'<rect x="{x + 1}" y="{base - 6}" width="{cell - 2}" height="4" '
                             'fill="none" stroke="#888" stroke-dasharray="1,1"/>')
                continue
            h = round(26 * value / top)
            marked = (theme, weeks[i]) in rises
            parts.append(f'<rect x="{x + 1}" y="{base - 2 - h}" width="{cell - 2}" height="{h}" '
                         f'fill="{"#000" if marked else "#888"}"/>')
    parts.append("</svg>")
    return "".join(parts)


STYLE = """
body{font:14px/1.4 system-ui,"Noto Sans",sans-serif;color:#111;max-width:60rem;
  margin:1rem auto;padding:0 1rem}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.6rem;border-bottom:1px solid #999}
table{border-collapse:collapse;margin:.4rem 0}
td,th{border:1px solid #999;padding:.2rem .6rem;text-align:left}
td.n{text-align:right}.note{color:#444;font-size:.9rem}section{break-inside:avoid}
@media print{body{margin:0}a{color:#000}}
"""


def html_brief(report: Report) -> str:
    where = report.centre or "all centres"
    out = [f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
           f"<title>MRC activities in data — {escape(where)}</title><style>{STYLE}</style>"
           "</head><body>",
           f"<h1>MRC activities in data — {escape(where)}</h1>",
           f"<p>{report.start.isoformat()} to {report.end.isoformat()}. Counts of people "
           "and conversations; any figure under 5 is shown as &lt;5, and where a total would "
           "reveal it a second figure is hidden too.</p>"]
    for table in report.tables:
        out.append(f'<section id="{table.name}"><h2>{escape(table.title)}</h2><table><tr>'
                   f"<th>{escape(table.header[0])}</th><th>{escape(table.header[1])}</th></tr>")
        for label, value in table.rows:
            out.append(f'<tr><td>{_label(str(label))}</td>'
                       f'<td class="n">{escape(str(value))}</td></tr>')
        if table.total is not None:
            out.append('<tr><th>Total</th>'
                       f'<td class="n">{escape(str(table.total))}</td></tr>')
        out.append("</table>")
        if len(table.rows) > 1:
            out.append(bar_chart(table))
        if table.note:
            out.append(f'<p class="note">{escape(table.note)}</p>')
        out.append("</section>")
    out.append('<section id="times"><h2>Waiting and handling</h2><table>')
    for label, value in report.medians.items():
        out.append(f"<tr><td>{escape(label)}</td><td class=\"n\">{escape(value)}</td></tr>")
    out.append("</table></section>")
    out.append('<section id="trend"><h2>Themes week by week</h2>')
    out.append(trend_chart(report))
    if report.trend.rises:
        out.append("<p><strong>Notable rises</strong> (a week with at least 5 conversations and "
                   "at least twice the average of the four weeks before; black columns):</p><ul>")
        for theme, week in report.trend.rises:
            out.append(f"<li>{_label(theme)}: week of {week.isoformat()}</li>")
        out.append("</ul>")
    else:
        out.append("<p>No notable rise in any theme.</p>")
    out.append("</section></body></html>")
    return "".join(out)
