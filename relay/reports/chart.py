"""The report's chart: items relayed by theme and month, drawn to be read on a phone.

A tall 1080 x 1350 picture, large type, at most five themes by name (the others grouped), a
colour-blind-safe palette (Okabe-Ito), the number of items over each month. Drawn with
matplotlib's object API and the Agg canvas: no display, no global pyplot state.

Drawn in a short-lived process (`draw` runs `python -m relay.reports.chart`, the figures as
JSON on its input, the PNG on its output): matplotlib, numpy and Pillow take some 50 MB that a
long-running relay, sending one report a month, would otherwise keep for good.
"""

import asyncio
import io
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple, Protocol

from relay import children
from relay.themes import ALL_THEMES, ThemeCatalogue

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

NAMED_THEMES = 5
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
OTHERS_COLOUR = "#BBBBBB"
SHORT_MONTHS = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)
TITLE = "Informations relayées par thème"
SUBTITLE_TEXT = "{first} – {last}"
OTHERS = "Autres thèmes"
EVERYTHING = "Tous les thèmes"
EMPTY = "Aucune information relayée sur la période"
NOTE = (
    "Une information sur plusieurs thèmes est partagée entre eux\n"
    "(pour moitié dans chacun, si elle en a deux)."
)
Y_LABEL = "informations"
DRAW_SECONDS = 120.0  # the drawing process is stopped after this long


class MonthLike(Protocol):
    @property
    def year(self) -> int: ...

    @property
    def month(self) -> int: ...


def _month_label(month: MonthLike, first: bool) -> str:
    name = SHORT_MONTHS[month.month - 1]
    return f"{name}\n{month.year}" if first or month.month == 1 else name


class _Month(NamedTuple):
    year: int
    month: int


async def draw(
    months: Sequence[MonthLike],
    per_theme: dict[tuple[int, str], float],
    totals: dict[int, int],
    catalogue: ThemeCatalogue,
) -> bytes:
    """PNG bytes, drawn by `render` in a process of its own. `per_theme` maps (month index,
    theme slug) to items (shared between the themes of an item); `totals`, month index to
    items."""
    labels = {theme: _label(theme, catalogue) for _, theme in per_theme}
    figures = {
        "months": [[m.year, m.month] for m in months],
        "per_theme": [[i, theme, n] for (i, theme), n in per_theme.items()],
        "totals": [[i, n] for i, n in totals.items()],
        "labels": labels,
    }
    process = await children.start(__name__, asyncio.subprocess.PIPE)
    try:
        png, errors = await asyncio.wait_for(
            process.communicate(json.dumps(figures).encode()), DRAW_SECONDS
        )
    except BaseException:
        if process.returncode is None:
            process.kill()
            await process.wait()
        raise
    if process.returncode != 0 or not png:
        reason = errors.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"the report's chart could not be drawn: {reason[0]}")
    return png


def _label(theme: str, catalogue: ThemeCatalogue) -> str:
    return EVERYTHING if theme == ALL_THEMES else catalogue.label(theme)


def main() -> None:
    """`python -m relay.reports.chart`: the figures (JSON, as `draw` writes them) on standard
    input, the PNG on standard output."""
    figures = json.load(sys.stdin)
    months = [_Month(year, month) for year, month in figures["months"]]
    per_theme = {(i, theme): float(n) for i, theme, n in figures["per_theme"]}
    totals = {int(i): int(n) for i, n in figures["totals"]}
    png = render(months, per_theme, totals, figures["labels"])
    sys.stdout.buffer.write(png)
    sys.stdout.buffer.flush()


def render(
    months: Sequence[MonthLike],
    per_theme: dict[tuple[int, str], float],
    totals: dict[int, int],
    labels: dict[str, str],
) -> bytes:
    """PNG bytes, drawn in this process; `labels` names each theme of `per_theme`."""
    # Imported here: matplotlib takes half a second and 50 MB to load.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7.2, 9.0), dpi=150)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.11, 0.40, 0.85, 0.47))
    _titles(figure, months)
    tops = _bars(axes, len(months), per_theme, labels)
    _month_axis(axes, months, tops, totals)
    if per_theme:
        _legend(figure, axes)
    else:
        axes.text(
            0.5,
            0.5,
            EMPTY,
            transform=axes.transAxes,
            ha="center",
            va="center",
            fontsize=15,
            color="#666666",
        )
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=150, facecolor="white")
    return out.getvalue()


def _titles(figure: "Figure", months: Sequence[MonthLike]) -> None:
    figure.text(0.5, 0.965, TITLE, ha="center", va="top", fontsize=19, weight="bold")
    subtitle = SUBTITLE_TEXT.format(
        first=f"{SHORT_MONTHS[months[0].month - 1]} {months[0].year}",
        last=f"{SHORT_MONTHS[months[-1].month - 1]} {months[-1].year}",
    )
    figure.text(0.5, 0.925, subtitle, ha="center", va="top", fontsize=14, color="#444444")


def _bars(
    axes: "Axes", count: int, per_theme: dict[tuple[int, str], float], labels: dict[str, str]
) -> list[float]:
    """Stacked bars: the five most frequent themes by name, the others together. Returns the
    height of each month's bar."""
    by_theme: dict[str, float] = {}
    for (_, theme), n in per_theme.items():
        by_theme[theme] = by_theme.get(theme, 0.0) + n
    named = sorted(by_theme, key=lambda theme: (-by_theme[theme], theme))[:NAMED_THEMES]
    positions = list(range(count))
    bottoms = [0.0] * count
    series = [(theme, COLOURS[i % len(COLOURS)]) for i, theme in enumerate(named)]
    if len(by_theme) > len(named):
        series.append(("", OTHERS_COLOUR))
    for theme, colour in series:
        if theme:
            values = [per_theme.get((i, theme), 0.0) for i in positions]
            label = labels[theme]
        else:
            values = [
                sum(n for (m, t), n in per_theme.items() if m == i and t not in named)
                for i in positions
            ]
            label = OTHERS
        axes.bar(positions, values, bottom=bottoms, color=colour, width=0.72, label=label)
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    return bottoms


def _month_axis(
    axes: "Axes", months: Sequence[MonthLike], tops: list[float], totals: dict[int, int]
) -> None:
    from matplotlib.ticker import MaxNLocator

    top = max(tops, default=0)
    positions = list(range(len(months)))
    for i in positions:
        if totals.get(i):
            axes.text(
                i, tops[i] + top * 0.015, str(totals[i]), ha="center", va="bottom", fontsize=12
            )
    axes.set_xticks(positions, [_month_label(m, i == 0) for i, m in enumerate(months)])
    axes.tick_params(axis="x", labelsize=11, length=0)
    axes.tick_params(axis="y", labelsize=12)
    axes.set_ylabel(Y_LABEL, fontsize=13)
    axes.set_ylim(0, max(1, top) * 1.12)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="y", color="#DDDDDD", linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.set_xlim(-0.6, len(months) - 0.4)


def _legend(figure: "Figure", axes: "Axes") -> None:
    handles, labels = axes.get_legend_handles_labels()
    figure.legend(
        handles[::-1],
        labels[::-1],
        loc="upper left",
        bbox_to_anchor=(0.08, 0.30),
        fontsize=13,
        frameon=False,
        handlelength=1.4,
        handleheight=1.2,
    )
    figure.text(0.5, 0.015, NOTE, ha="center", va="bottom", fontsize=10.5, color="#555555")


if __name__ == "__main__":
    main()
