"""Geometry of the insights charts, worked out here so the template only draws (inline SVG).

Pure functions of the numbers; coordinates are in the SVG's own viewBox units.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    text_x: float
    text_y: float
    series: str = ""


FUNNEL_WIDTH = 600
FUNNEL_LABEL_WIDTH = 140
FUNNEL_ROW = 44
FUNNEL_BAR = 30


def funnel_bars(stages: list[tuple[str, int]]) -> tuple[list[Bar], int, int]:
    """Horizontal bars, one per stage, scaled to the first (largest) stage."""
    largest = max((value for _label, value in stages), default=0) or 1
    room = FUNNEL_WIDTH - FUNNEL_LABEL_WIDTH - 60
    bars = []
    for i, (label, value) in enumerate(stages):
        width = round(room * value / largest, 1)
        y = i * FUNNEL_ROW + 7
        bars.append(
            Bar(
                label=label,
                value=value,
                x=FUNNEL_LABEL_WIDTH,
                y=y,
                width=width,
                height=FUNNEL_BAR,
                text_x=FUNNEL_LABEL_WIDTH + width + 8,
                text_y=y + FUNNEL_BAR / 2 + 5,
            )
        )
    return bars, FUNNEL_WIDTH, len(stages) * FUNNEL_ROW + 7


WEEK_SLOT = 48
WEEK_BAR = 18
WEEK_CHART_HEIGHT = 160
WEEK_AXIS = 24
WEEK_TOP = 16


def week_bars(weeks: list[tuple[str, int, int]]) -> tuple[list[Bar], int, int, int]:
    """Two bars per week (applications, interviews) sharing one scale."""
    largest = max((max(a, b) for _label, a, b in weeks), default=0) or 1
    bars = []
    for i, (label, apps, interviews) in enumerate(weeks):
        for j, (series, value) in enumerate((("applications", apps), ("interviews", interviews))):
            height = round(WEEK_CHART_HEIGHT * value / largest, 1)
            x = i * WEEK_SLOT + 5 + j * (WEEK_BAR + 2)
            y = WEEK_TOP + WEEK_CHART_HEIGHT - height
            bars.append(
                Bar(
                    label=label,
                    value=value,
                    x=x,
                    y=y,
                    width=WEEK_BAR,
                    height=height,
                    text_x=x + WEEK_BAR / 2,
                    text_y=y - 3,
                    series=series,
                )
            )
    width = len(weeks) * WEEK_SLOT
    baseline = WEEK_TOP + WEEK_CHART_HEIGHT
    return bars, width, baseline + WEEK_AXIS, baseline
