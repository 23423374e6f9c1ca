"""Charts for the HTML report, drawn as inline SVG (no script, no network, prints on A4).

One kind of chart serves all three: grouped vertical bars with a value over each bar.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from iro_desk.services.report.figures import AnnualReport

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 44, 60
# Two series' colours that stay apart in greyscale print.
COLOURS = ("#1f4e79", "#9dc3e6")


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    unit: str = "",
    top: float | None = None,
) -> str:
    """An SVG chart: one group of bars per label, one bar per series (None: no bar)."""
    values = [v for _, vs in series for v in vs if v is not None]
    # Headroom over the tallest bar for its value label.
    peak = (top if top is not None else max([1.0, *values])) * 1.1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group_w = plot_w / max(1, len(labels))
    bar_w = group_w * 0.8 / max(1, len(series))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f'<text x="{LEFT}" y="18" class="chart-title">{escape(title)}</text>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        'stroke="#444"/>',
    ]
    long = any(len(label) * 6 > group_w for label in labels)
    for g, label in enumerate(labels):
        x0 = LEFT + g * group_w + group_w * 0.1
        for s, (_name, vs) in enumerate(series):
            v = vs[g]
            if v is None:
                continue
            h = plot_h * v / peak if peak else 0
            x, y = x0 + s * bar_w, TOP + plot_h - h
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w * 0.9:.1f}" height="{h:.1f}" '
                f'fill="{COLOURS[s % len(COLOURS)]}"/>'
            )
            out.append(
                f'<text x="{x + bar_w * 0.45:.1f}" y="{y - 3:.1f}" class="v">'
                f"{_num(v, whole=bool(unit))}{escape(unit)}</text>"
            )
        # Many or long labels are slanted so that they do not run into each other.
        lx, ly = LEFT + g * group_w + group_w / 2, TOP + plot_h + 14
        slant = f' transform="rotate(-20 {lx:.1f} {ly})" text-anchor="end"' if long else ""
        out.append(f'<text x="{lx:.1f}" y="{ly}" class="l"{slant}>{escape(label)}</text>')
    for s, (name, _vs) in enumerate(series):
        if len(series) > 1:  # the key, under the title
            x = LEFT + s * 180
            out.append(
                f'<rect x="{x}" y="24" width="10" height="10" '
                f'fill="{COLOURS[s % len(COLOURS)]}"/>'
                f'<text x="{x + 14}" y="33" class="k">{escape(name)}</text>'
            )
    out.append("</svg>")
    return "\n".join(out)


def _num(v: float, *, whole: bool = False) -> str:
    """A bar's value; percentages in whole numbers so that labels over narrow bars fit."""
    if whole:
        return f"{round(v)}"
    return f"{v:g}" if isinstance(v, int) or v == int(v) else f"{v:.1f}"


def report_charts(r: AnnualReport) -> list[str]:
    """The trend of children looked after, placement groups, participation by month."""
    trend = bar_chart(
        "Children looked after at 31 March",
        [t.label for t in r.cla_trend],
        [("Looked after", [t.cla for t in r.cla_trend])],
    )
    placements = bar_chart(
        "Placements at the year end",
        [p.group for p in r.placements],
        [
            (f"At {r.previous_year_end.isoformat()}", [p.previous for p in r.placements]),
            (f"At {r.end.isoformat()}", [p.current for p in r.placements]),
        ],
    )
    i, c = r.icpc_participation, r.rcpc_participation
    participation = bar_chart(
        "Children aged 4+ who took part in CP conferences, by month (%)",
        [m.month.split()[0][:3] for m in i.months],
        [
            ("Initial conferences", [m.percent for m in i.months]),
            ("Review conferences", [m.percent for m in c.months]),
        ],
        unit="%",
        top=100.0,
    )
    return [trend, placements, participation]
