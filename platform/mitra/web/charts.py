"""Charts drawn on the server as inline SVG: no script, nothing fetched, readable without CSS.

The SVGs have no viewBox: widths are percentages of the page and text keeps its size,
so a chart is as legible at 360 px as at 1280 px. Each chart has a title for screen
readers and sits beside the table holding the same numbers.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from mitra.i18n import format_number

PALETTE = ("#0b6e8a", "#b4501a", "#5b4a9e", "#2f7d32")  # each >= 4.5:1 against white
_ids = itertools.count(1)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]


def _open(height: int, title: str) -> tuple[str, Markup]:
    ident = f"chart-{next(_ids)}"
    head = Markup(
        '<svg class="chart" width="100%" height="{h}" role="img" aria-labelledby="{i}" '
        'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="13">'
        '<title id="{i}">{t}</title>'
    ).format(h=height, i=ident, t=title)
    return ident, head


def bars(title: str, items: Sequence[tuple[str, float]], colour: str = PALETTE[0]) -> Markup:
    """Horizontal bars, one per item: its label on a line, then the bar and its value."""
    row = 40
    height = max(row * len(items), row) + 4
    _ident, svg = _open(height, title)
    top = max((value for _label, value in items), default=0) or 1
    parts = [svg]
    for index, (name, value) in enumerate(items):
        y = index * row
        share = 88 * value / top  # leave room on the right for the value
        parts.append(Markup('<text x="0" y="{y}" fill="#1f2933">{n}</text>').format(y=y + 14, n=name))
        parts.append(
            Markup('<rect x="0" y="{y}" width="{w:.2f}%" height="14" rx="2" fill="{c}"></rect>').format(
                y=y + 20, w=max(share, 0.4), c=colour
            )
        )
        parts.append(
            Markup('<text x="{x:.2f}%" y="{y}" fill="#1f2933">{v}</text>').format(
                x=share + 1.5, y=y + 32, v=format_number(value)
            )
        )
    if not items:
        parts.append(Markup('<text x="0" y="20" fill="#1f2933">–</text>'))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def columns(title: str, labels: Sequence[str], series: Sequence[Series]) -> Markup:
    """Grouped vertical columns (one group per label, e.g. a month), with a legend."""
    plot, legend = 160, 20 * len(series) + 4
    height = legend + plot + 40
    _ident, svg = _open(height, title)
    parts = [svg]
    for index, s in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            Markup(
                '<rect x="0" y="{y}" width="12" height="12" fill="{c}"></rect>'
                '<text x="18" y="{ty}" fill="#1f2933">{n}</text>'
            ).format(y=4 + index * 20, ty=15 + index * 20, c=colour, n=s.name)
        )
    top = max((v for s in series for v in s.values), default=0) or 1
    slot = 100 / max(len(labels), 1)
    width = slot * 0.8 / max(len(series), 1)
    baseline = legend + plot + 6
    axis = Markup('<line x1="0" x2="100%" y1="{y}" y2="{y}" stroke="#52606d"></line>')
    parts.append(axis.format(y=baseline))
    for i, name in enumerate(labels):
        left = i * slot + slot * 0.1
        for j, s in enumerate(series):
            value = s.values[i]
            h = plot * value / top
            x = left + j * width
            parts.append(
                Markup(
                    '<rect x="{x:.3f}%" y="{y:.1f}" width="{w:.3f}%" height="{h:.1f}" fill="{c}">'
                    "<title>{label}: {v}</title></rect>"
                ).format(
                    x=x,
                    y=baseline - h,
                    w=width * 0.92,
                    h=h,
                    c=PALETTE[j % len(PALETTE)],
                    label=f"{name} · {s.name}",
                    v=format_number(value),
                )
            )
            if value:
                parts.append(
                    Markup(
                        '<text x="{x:.3f}%" y="{y:.1f}" font-size="10" text-anchor="middle" fill="#1f2933">'
                        "{v}</text>"
                    ).format(x=x + width * 0.46, y=baseline - h - 3, v=format_number(value))
                )
        parts.append(
            Markup(
                '<text x="{x:.3f}%" y="{y}" font-size="11" text-anchor="middle" fill="#1f2933">{n}</text>'
            ).format(x=i * slot + slot / 2, y=baseline + 16, n=name)
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
