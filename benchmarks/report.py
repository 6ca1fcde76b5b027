"""Figures, their table and benchmarks/results.json.

A figure is always measured beside its baseline in the same run: on a noisy two-core machine a ratio holds,
an absolute time does not. `ratio` says how many times better than the baseline, so bigger is better.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

RESULTS_PATH = Path(__file__).resolve().parent / "results.json"


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    baseline: float
    ratio: float
    detail: str
    # Fields an issue asks for beside the standard ones (e.g. `acts` for the civil-status search figure).
    extra: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        fields = asdict(self)
        return {**{key: value for key, value in fields.items() if key != "extra"}, **fields["extra"]}


def time_figure(name: str, value: float, baseline: float, detail: str, unit: str = "s", **extra) -> Figure:
    """A duration: the ratio is the speed-up, baseline time over time."""
    return Figure(name, round(value, 4), unit, round(baseline, 4), round(baseline / value, 3), detail, extra)


def throughput_figure(name: str, value: float, baseline: float, unit: str, detail: str, **extra) -> Figure:
    """A rate: the ratio is the share of the baseline's rate, value over baseline."""
    return Figure(name, round(value, 2), unit, round(baseline, 2), round(value / baseline, 3), detail, extra)


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def samples_text(samples: list[float], digits: int = 2) -> str:
    return "[" + ", ".join(f"{sample:.{digits}f}" for sample in samples) + "]"


def print_table(console: Console, figures: list[Figure]) -> None:
    table = Table(title="Jamaa benchmarks (each baseline measured in this run)")
    table.add_column("figure", style="bold", no_wrap=True)
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("baseline", justify="right", no_wrap=True)
    table.add_column("ratio ×", justify="right", no_wrap=True)
    for figure in figures:
        table.add_row(figure.name, f"{figure.value:g} {figure.unit}", f"{figure.baseline:g} {figure.unit}",
                      f"{figure.ratio:.2f}")
    console.print(table)
    # The details are long sentences; below the table they stay readable on a narrow terminal.
    for figure in figures:
        console.print(Text.assemble((figure.name, "bold"), ": ", figure.detail))


def write_results(figures: list[Figure], path: Path = RESULTS_PATH) -> None:
    path.write_text(json.dumps([figure.as_json() for figure in figures], indent=2, ensure_ascii=False) + "\n")
