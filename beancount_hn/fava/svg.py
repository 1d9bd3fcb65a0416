"""Small dependency-free SVG charts for the Cabinet page.

Colours come from Fava's CSS variables where Fava has one (text, axis,
warning, error), so the charts follow its light and dark themes. Every bar
and marker carries a ``<title>``: the browser shows the exact figure on hover.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from beancount_hn.core import frtypo

MONTHS_SHORT = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
                "nov.", "déc.")


@dataclass(frozen=True)
class Series:
    """One stacked part of the bars: its label, CSS class and 12 monthly amounts."""

    label: str
    css: str
    values: Sequence[Decimal]


def _nice_step(value: float, ticks: int = 4) -> float:
    """A round step (1, 2 or 5 × 10^n) for an axis from 0 to ``value`` in about ``ticks`` steps."""
    if value <= 0:
        return 1.0
    raw = value / ticks
    exponent = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 5, 10):
        if raw <= step * exponent:
            return float(step * exponent)
    return 10.0 * exponent  # pragma: no cover - the loop always returns


def axis_ticks(value: float, ticks: int = 4) -> list[float]:
    """Round ticks from 0 to at least ``value``: ``[0, 500, 1000, 1500, 2000]`` for 1 880."""
    step = _nice_step(value, ticks)
    count = max(1, math.ceil(value / step - 1e-9))
    return [step * i for i in range(count + 1)]


def _short(amount: float) -> str:
    """Axis labels: ``12 k€``, ``1,5 k€``, ``800 €`` (Babel's French digits)."""
    if amount >= 1000:
        thousands = Decimal(str(amount)) / 1000
        places = next((p for p in (0, 1, 2) if thousands == round(thousands, p)), 2)
        return f"{frtypo.number(thousands, places)}\u202fk€"
    return f"{frtypo.number(Decimal(str(amount)), 0)}\u00a0€"


def monthly_bars(series: Sequence[Series], previous: Sequence[Decimal] | None, *,
                 previous_label: str, width: int = 640, height: int = 220) -> str:
    """Stacked monthly bars, with last year's monthly total as a thin grey bar beside each."""
    left, right, top, bottom = 52, 8, 10, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum((s.values[m] for s in series), Decimal(0)) for m in range(12)]
    peak = max([float(t) for t in totals] + [float(p) for p in (previous or [])] + [0.0])
    ticks = axis_ticks(peak)
    scale_max = ticks[-1]
    slot = plot_w / 12
    bar_w = slot * 0.5
    out = [f'<svg class="hn-chart" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="Recettes encaissées par mois" xmlns="http://www.w3.org/2000/svg">']
    for value in ticks:
        y = top + plot_h - plot_h * value / scale_max
        out.append(f'<line class="hn-grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>')
        out.append(f'<text class="hn-axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
                   f"{escape(_short(value))}</text>")

    def height_of(amount: Decimal) -> float:
        return plot_h * float(amount) / scale_max if scale_max else 0.0

    for month in range(12):
        x0 = left + slot * month
        if previous is not None:
            h = height_of(previous[month])
            if h > 0:
                out.append(
                    f'<rect class="hn-previous" x="{x0 + slot * 0.08:.1f}" y="{top + plot_h - h:.1f}" '
                    f'width="{slot * 0.16:.1f}" height="{h:.1f}"><title>{escape(MONTHS_SHORT[month])} '
                    f"{escape(previous_label)} : {escape(frtypo.money(previous[month]))}</title></rect>")
        y = top + plot_h
        bx = x0 + slot * 0.3
        for part in series:
            amount = part.values[month]
            h = height_of(amount)
            if h <= 0:
                continue
            y -= h
            out.append(f'<rect class="{part.css}" x="{bx:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                       f'height="{h:.1f}"><title>{escape(MONTHS_SHORT[month])} — {escape(part.label)} : '
                       f"{escape(frtypo.money(amount))}</title></rect>")
        out.append(f'<text class="hn-axis" x="{x0 + slot / 2:.1f}" y="{height - 6}" text-anchor="middle">'
                   f"{escape(MONTHS_SHORT[month])}</text>")
    out.append(f'<line class="hn-zero" x1="{left}" x2="{width - right}" y1="{top + plot_h}" '
               f'y2="{top + plot_h}"/>')
    out.append("</svg>")
    return "".join(out)


@dataclass(frozen=True)
class Marker:
    """A threshold on the gauge."""

    label: str
    value: Decimal
    crossed: bool


def gauge(value: Decimal, markers: Sequence[Marker], *, level: str, width: int = 640) -> str:
    """A horizontal gauge: ``value`` against thresholds; ``level`` is ok, warning or danger."""
    left, right, bar_y, bar_h = 8, 8, 26, 22
    height = bar_y + bar_h + 26
    plot_w = width - left - right
    scale_max = max([float(value)] + [float(m.value) for m in markers] + [1.0]) * 1.08

    def x_of(amount: Decimal) -> float:
        return left + plot_w * max(float(amount), 0.0) / scale_max

    out = [f'<svg class="hn-gauge" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="Chiffre d\'affaires compté face aux seuils" xmlns="http://www.w3.org/2000/svg">',
           f'<rect class="hn-gauge-track" x="{left}" y="{bar_y}" width="{plot_w}" height="{bar_h}"/>',
           f'<rect class="hn-gauge-fill hn-{escape(level)}" x="{left}" y="{bar_y}" '
           f'width="{x_of(value) - left:.1f}" height="{bar_h}"><title>CA compté : '
           f"{escape(frtypo.money(value))}</title></rect>"]
    for i, marker in enumerate(markers):
        x = x_of(marker.value)
        label_y = bar_y - 8 if i % 2 == 0 else bar_y + bar_h + 16
        state = " hn-crossed" if marker.crossed else ""
        out.append(f'<line class="hn-marker{state}" x1="{x:.1f}" x2="{x:.1f}" y1="{bar_y - 4}" '
                   f'y2="{bar_y + bar_h + 4}"><title>{escape(marker.label)} : '
                   f"{escape(frtypo.money(marker.value))}</title></line>")
        anchor = "end" if x > width - 60 else ("start" if x < 60 else "middle")
        out.append(f'<text class="hn-axis" x="{x:.1f}" y="{label_y}" text-anchor="{anchor}">'
                   f"{escape(marker.label)} {escape(_short(float(marker.value)))}</text>")
    out.append("</svg>")
    return "".join(out)
