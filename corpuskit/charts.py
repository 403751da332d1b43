"""SVG charts as strings: horizontal bars, histograms and line charts, self-contained (styles are attributes,
no external fonts or scripts), for the run report's HTML page and the trainer's loss.svg alike."""

from __future__ import annotations

import html

FONT = 'font-family="system-ui, -apple-system, Segoe UI, Noto Sans, Noto Sans CJK SC, sans-serif" font-size="12"'
SMALL = 'font-size="10.5" fill="#495057"'
TITLE = 'font-size="13" font-weight="600"'
AXIS = 'stroke="#868e96"'
KEPT, REJECTED = "#2b8a3e", "#c92a2a"


def escape_html(x) -> str:
    """``x`` as text, escaped for HTML content and attribute values."""
    return html.escape(str(x), quote=True)


def format_number(x) -> str:
    """A count with thousands separators, a float to 4 decimals (whole when 100 or more), None as a dash."""
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:,.4f}" if abs(x) < 100 else f"{x:,.0f}"
    return f"{x:,}"


def _svg_open(title: str, width: int, height: int) -> str:
    """The opening tag every chart shares (its title as the accessible name)."""
    return (f'<svg class="chart" role="img" aria-label="{escape_html(title)}" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg" {FONT}>')


def _legend(entries: list[tuple[str, str]], left: float, y: float, step: int = 150) -> list[str]:
    """A swatch and a name per (name, colour), in a row from ``left`` on the baseline ``y``."""
    return [f'<rect x="{left + j * step}" y="{y - 9}" width="10" height="10" fill="{color}"/>'
            f'<text x="{left + j * step + 14}" y="{y}" {SMALL}>{escape_html(name)}</text>'
            for j, (name, color) in enumerate(entries)]


def svg_hbars(title: str, labels: list[str], series: list[tuple[str, list[float], str]],
              value_fmt=format_number) -> str:
    """Horizontal bars, one group per label, one bar per series (name, values, colour)."""
    row_h, bar_gap, width = 8 + 14 * len(series), 6, 760
    left = int(min(330, 24 + 6.8 * max([len(str(x)) for x in labels] + [8])))
    top = 28
    height = top + len(labels) * (row_h + bar_gap) + 24
    vmax = max([v for _, vals, _ in series for v in vals if v is not None] + [1])
    plot_w = width - left - 90
    parts = [_svg_open(title, width, height),
             f'<text x="4" y="16" {TITLE}>{escape_html(title)}</text>']
    for i, label in enumerate(labels):
        y0 = top + i * (row_h + bar_gap)
        parts.append(f'<text x="{left - 8}" y="{y0 + row_h / 2 + 4}" text-anchor="end">{escape_html(label)}</text>')
        for j, (name, vals, color) in enumerate(series):
            v = vals[i] or 0
            w = max(0.0, plot_w * v / vmax)
            y = y0 + 4 + j * 14
            parts.append(f'<rect class="bar" x="{left}" y="{y}" width="{w:.1f}" height="12" fill="{color}">'
                         f'<title>{escape_html(name)}: {escape_html(value_fmt(vals[i]))}</title></rect>')
            parts.append(f'<text x="{left + w + 4:.1f}" y="{y + 10}" {SMALL}>{escape_html(value_fmt(vals[i]))}</text>')
    parts += _legend([(name, color) for name, _, color in series], left, height - 8)
    parts.append("</svg>")
    return "".join(parts)


def svg_histogram(title: str, edges_labels: list[str], kept: list[int], rejected: list[int]) -> str:
    """Kept and rejected counts per bin, side by side."""
    width, height, left, bottom, top = 760, 230, 50, 40, 28
    n = len(kept)
    plot_w, plot_h = width - left - 10, height - top - bottom
    vmax = max(kept + rejected + [1])
    bw = plot_w / n
    parts = [_svg_open(title, width, height),
             f'<text x="4" y="16" {TITLE}>{escape_html(title)}</text>',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" {AXIS}/>',
             f'<text x="{left - 6}" y="{top + 8}" text-anchor="end" {SMALL}>{vmax:,}</text>']
    for i in range(n):
        x = left + i * bw
        for j, (vals, color, name) in enumerate(((kept, KEPT, "kept"),
                                                 (rejected, REJECTED, "rejected"))):
            h = plot_h * vals[i] / vmax
            parts.append(f'<rect class="bar" x="{x + 1 + j * (bw - 2) / 2:.1f}" y="{top + plot_h - h:.1f}" '
                         f'width="{max(1.0, (bw - 2) / 2):.1f}" height="{h:.1f}" fill="{color}">'
                         f'<title>{escape_html(edges_labels[i])}: {vals[i]:,} {name}</title></rect>')
        if n <= 12 or i % 2 == 0:
            parts.append(f'<text x="{x + bw / 2:.1f}" y="{top + plot_h + 14}" text-anchor="middle" '
                         f'{SMALL}>{escape_html(edges_labels[i])}</text>')
    parts.append(f'<rect x="{left}" y="{height - 14}" width="10" height="10" fill="{KEPT}"/>'
                 f'<text x="{left + 14}" y="{height - 5}" {SMALL}>kept</text>'
                 f'<rect x="{left + 70}" y="{height - 14}" width="10" height="10" fill="{REJECTED}"/>'
                 f'<text x="{left + 84}" y="{height - 5}" {SMALL}>rejected</text></svg>')
    return "".join(parts)


def svg_lines(title: str, series: list[tuple[str, list[tuple[float, float]], str]], x_label: str = "step",
              background: str | None = None, last_values: bool = False) -> str:
    """Line chart of (x, y) series (name, points, colour); ``background`` fills it (for a standalone file);
    ``last_values`` writes each series' last value in its legend."""
    width, height, left, bottom, top = 760, 280, 56, 44, 28
    pts = [p for _, s, _ in series for p in s]
    if not pts:
        return ""
    x0, x1 = min(p[0] for p in pts), max(p[0] for p in pts)
    y0, y1 = min(p[1] for p in pts), max(p[1] for p in pts)
    x1, y1 = (x1 if x1 > x0 else x0 + 1), (y1 if y1 > y0 else y0 + 1)
    plot_w, plot_h = width - left - 24, height - top - bottom

    def sx(x):
        return left + plot_w * (x - x0) / (x1 - x0)

    def sy(y):
        return top + plot_h * (1 - (y - y0) / (y1 - y0))

    parts = [_svg_open(title, width, height),
             f'<rect width="100%" height="100%" fill="{background}"/>' if background else "",
             f'<text x="4" y="16" {TITLE}>{escape_html(title)}</text>',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" {AXIS}/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" {AXIS}/>']
    for k in range(5):
        y = y0 + (y1 - y0) * k / 4
        parts.append(f'<text x="{left - 6}" y="{sy(y) + 4:.1f}" text-anchor="end" {SMALL}>{y:.2f}</text>')
        x = x0 + (x1 - x0) * k / 4
        parts.append(f'<text x="{sx(x):.1f}" y="{top + plot_h + 14}" text-anchor="middle" {SMALL}>'
                     f'{x:,.0f}</text>')
    parts.append(f'<text x="{left + plot_w / 2}" y="{height - 16}" text-anchor="middle" {SMALL}>'
                 f'{escape_html(x_label)}</text>')
    for j, (name, s, color) in enumerate(series):
        if not s:
            continue
        d = " ".join(f"{'M' if i == 0 else 'L'}{sx(x):.1f},{sy(y):.1f}" for i, (x, y) in enumerate(s))
        parts.append(f'<path class="line" d="{d}" fill="none" stroke="{color}" stroke-width="1.6">'
                     f'<title>{escape_html(name)}</title></path>')
        if len(s) <= 40:
            parts += [f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="2.5" fill="{color}"/>' for x, y in s]
        parts.append(f'<rect x="{left + j * 170}" y="{height - 12}" width="10" height="10" fill="{color}"/>'
                     f'<text x="{left + j * 170 + 14}" y="{height - 3}" {SMALL}>{escape_html(name)}'
                     f'{f" {s[-1][1]:.4f}" if last_values else ""}</text>')
    parts.append("</svg>")
    return "".join(parts)


def svg_diffs(title: str, labels: list[str], series: list[tuple[str, list[float], list[float], str]],
              unit: str = "") -> str:
    """Differences from a baseline around a zero line, one group per label, one bar per series (name, values,
    spreads, colour): a bar to the left is below the baseline; the whisker is +/- the spread."""
    row_h, bar_gap, width = 8 + 14 * len(series), 6, 760
    left = int(min(330, 24 + 6.8 * max([len(str(x)) for x in labels] + [8])))
    top = 28
    height = top + len(labels) * (row_h + bar_gap) + 40
    vmax = max([abs(v) + abs(sd) for _, vals, sds, _ in series for v, sd in zip(vals, sds)] + [1e-9])
    plot_w = width - left - 20
    zero = left + plot_w / 2
    scale = (plot_w / 2 - 50) / vmax
    parts = [_svg_open(title, width, height),
             f'<text x="4" y="16" {TITLE}>{escape_html(title)}</text>',
             f'<line x1="{zero:.1f}" y1="{top - 4}" x2="{zero:.1f}" y2="{height - 30}" {AXIS}/>']
    for i, label in enumerate(labels):
        y0 = top + i * (row_h + bar_gap)
        parts.append(f'<text x="{left - 8}" y="{y0 + row_h / 2 + 4}" text-anchor="end">{escape_html(label)}</text>')
        for j, (name, vals, sds, color) in enumerate(series):
            v, sd = vals[i], sds[i]
            x0, x1 = sorted((zero, zero + v * scale))
            y = y0 + 4 + j * 14
            text = f"{v:+.4f}{unit} (spread {sd:.4f})"
            parts.append(f'<rect class="bar" x="{x0:.1f}" y="{y}" width="{max(x1 - x0, 0.5):.1f}" height="12" '
                         f'fill="{color}"><title>{escape_html(name)}: {escape_html(text)}</title></rect>')
            lo, hi = zero + (v - sd) * scale, zero + (v + sd) * scale
            parts.append(f'<line x1="{lo:.1f}" y1="{y + 6}" x2="{hi:.1f}" y2="{y + 6}" stroke="#212529"/>')
            tx = (x1 + 4) if v >= 0 else (x0 - 4)
            anchor = "start" if v >= 0 else "end"
            parts.append(f'<text x="{tx:.1f}" y="{y + 10}" text-anchor="{anchor}" {SMALL}>{v:+.3f}</text>')
    parts.append(f'<text x="{zero:.1f}" y="{height - 18}" text-anchor="middle" {SMALL}>'
                 f'0 = the baseline; left: lower (better) than the baseline</text>')
    parts += _legend([(name, color) for name, _, _, color in series], left, height - 4)
    parts.append("</svg>")
    return "".join(parts)
