"""Chart primitives for the modules' screens and home panels: inline SVG laid out here, so no script and no network,
mirrored for right-to-left languages."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from django.utils.translation import get_language_bidi

Number = TypeVar("Number", int, Decimal)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: str
    title: str


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "middle"
    css: str = ""


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Chart:
    """An SVG chart laid out in its own units (the template draws it with direction="ltr", so text anchors are
    absolute). `series` are (key, name) pairs for the legend."""

    key: str
    width: float
    height: float
    title: str
    description: str
    bars: Sequence[Bar]
    texts: Sequence[Text]
    gridlines: Sequence[Line]
    axis: Line
    series: Sequence[tuple[str, str]] = ()


class Canvas:
    """Takes positions measured from the start of the reading direction: in Arabic the first group is drawn on
    the right, the value axis on the right, and bars grow leftwards."""

    def __init__(self, width: float):
        self.width, self.rtl = width, get_language_bidi()

    def x(self, x: float) -> float:
        return round(self.width - x if self.rtl else x, 1)

    def bar(self, x, y, width, height, series, title) -> Bar:
        return Bar(self.x(x + width if self.rtl else x), round(y, 1), round(width, 1), round(height, 1), series,
                   title)

    def text(self, x, y, text, anchor="middle", css="") -> Text:
        if self.rtl:
            anchor = {"start": "end", "end": "start"}.get(anchor, anchor)
        return Text(self.x(x), round(y, 1), text, anchor, css)

    def line(self, x1, y1, x2, y2) -> Line:
        return Line(self.x(x1), round(y1, 1), self.x(x2), round(y2, 1))


def nice_scale(largest: Number, steps: int = 4) -> tuple[Number, Number]:
    """The top of the value axis and its step, of the type of `largest`: a round step (1, 2 or 5 times a power of
    ten), at most `steps` of them, reaching `largest`."""
    kind = type(largest)
    top = max(largest, kind(steps))
    raw = top / steps
    power = kind(10) ** math.floor(math.log10(raw))
    step = next(factor * power for factor in (1, 2, 5, 10) if factor * power >= raw)
    return step * math.ceil(top / step), step


def bar_chart(key, title, description, series, rows, *, width, label_room, value_room, bar_height, gap, top, bottom,
              longest_label, value_text: Callable[[int | Decimal], str] = str, ticks=False, css="") -> Chart:
    """Grouped horizontal bars, each value written at its bar's end: `rows` are (label, one value per series).
    `top` and `bottom` are the room above the first group and below the last. With `ticks` the value axis is
    scaled to round steps, written above the bars with a gridline each; `css` is the chart's class, whose
    `__tick` and `__value` elements style those texts."""
    band = bar_height * len(series) + gap
    height = top + band * len(rows) + bottom
    canvas = Canvas(width)
    plot = width - label_room - value_room
    largest = max((max(values) for _label, values in rows), default=0)
    axis_top = top - 4 if ticks else top
    bars, texts, gridlines = [], [], []
    if ticks:
        ceiling, step = nice_scale(largest)
        for tick in range(int(ceiling / step) + 1):
            value = step * tick
            position = label_room + plot * float(value) / float(ceiling)
            gridlines.append(canvas.line(position, axis_top, position, height - gap / 2))
            texts.append(canvas.text(position, top - 8, value_text(value), "middle", css and f"{css}__tick"))
    else:
        ceiling = largest or 1
    for index, (label, values) in enumerate(rows):
        row_top = top + index * band + gap / 2
        shown = label if len(label) <= longest_label else label[:longest_label - 1] + "…"
        texts.append(canvas.text(label_room - 8, row_top + bar_height + 4, shown, "end"))
        for position, ((series_key, name), value) in enumerate(zip(series, values, strict=True)):
            y, long = row_top + position * bar_height, plot * float(value) / float(ceiling)
            bars.append(canvas.bar(label_room, y, long, bar_height - 2, series_key,
                                   f"{label}: {name} {value_text(value)}"))
            texts.append(canvas.text(label_room + long + 4, y + bar_height - 3, value_text(value), "start",
                                     css and f"{css}__value"))
    return Chart(key, width, height, title, description, bars, texts, gridlines,
                 canvas.line(label_room, axis_top, label_room, height - gap / 2), series)
