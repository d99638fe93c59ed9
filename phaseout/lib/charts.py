"""Charts as data. One `Chart` holds the figures a page draws and shows again as a table:
`payload()` goes into a `json_script` block that `static/phaseout/charts.js` draws with the
vendored ECharts (`static/vendor/echarts/`), and `rows` fills the table under the chart
(`templates/_chart.html`) for those who cannot see it, so the two never disagree.

A chart is a grid: categories (a city, a month, an industry) by series (a path, a deadline
kind, a domain), one number per cell. `Chart.build` makes one from (category, series, value)
triples, keeping the given order and dropping series that hold nothing."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

BAR = "bar"
LINE = "line"


@dataclass(frozen=True)
class Series:
    key: str
    name: str
    values: tuple[float, ...]
    slot: int = 0  # the series' place among all the chart could show: its colour


@dataclass(frozen=True)
class Cell:
    value: float
    href: str = ""


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    cells: tuple[Cell, ...]
    total: float


@dataclass(frozen=True)
class Chart:
    id: str  # the container's DOM id; the data block is `<id>-data`
    title: str
    category_heading: str  # heading of the table's first column
    keys: tuple[str, ...]  # category keys (division codes, months, industry codes)
    categories: tuple[str, ...]  # category labels, in the same order
    series: tuple[Series, ...]
    unit: str = ""  # what the numbers count, shown on the value axis
    kind: str = BAR
    stacked: bool = True
    horizontal: bool = False  # categories down the side: long lists of place names
    decimals: int = 0
    # A link for a cell: "{category}" and "{series}" are replaced by the keys.
    href: str = ""
    extra: dict = field(default_factory=dict)

    @classmethod
    def build(cls, *, categories: Sequence[tuple[str, str]], series: Sequence[tuple[str, str]],
              values: Iterable[tuple[str, str, float]], keep_empty_series: bool = False,
              **options) -> "Chart":
        """A chart of the given (key, label) categories and series, in that order, from
        (category key, series key, value) triples; values of unknown keys are dropped, and
        values for the same cell add up."""
        column = {key: i for i, (key, _label) in enumerate(categories)}
        grid: dict[str, list[float]] = {key: [0] * len(categories) for key, _label in series}
        for category, name, value in values:
            if category in column and name in grid:
                grid[name][column[category]] += value
        return cls(
            keys=tuple(key for key, _label in categories),
            categories=tuple(str(label) for _key, label in categories),
            series=tuple(Series(key, str(label), tuple(grid[key]), slot)
                         for slot, (key, label) in enumerate(series)
                         if keep_empty_series or any(grid[key])),
            **options,
        )

    @property
    def data_id(self) -> str:
        return f"{self.id}-data"

    @property
    def totals(self) -> tuple[float, ...]:
        return tuple(sum(s.values[i] for s in self.series) for i in range(len(self.keys)))

    @property
    def total(self) -> float:
        return sum(self.totals)

    @property
    def empty(self) -> bool:
        return not any(any(s.values) for s in self.series)

    def link(self, category: str, series: str = "") -> str:
        if not self.href:
            return ""
        return self.href.replace("{category}", category).replace("{series}", series)

    @property
    def rows(self) -> list[Row]:
        """The table under the chart: one row per category, one cell per series."""
        return [
            Row(key, label,
                tuple(Cell(s.values[i], self.link(key, s.key) if s.values[i] else "")
                      for s in self.series),
                self.totals[i])
            for i, (key, label) in enumerate(zip(self.keys, self.categories, strict=True))
        ]

    def payload(self) -> dict:
        """What charts.js draws: plain JSON, no markup."""
        return {
            "kind": self.kind,
            "stacked": self.stacked,
            "horizontal": self.horizontal,
            "unit": self.unit,
            "decimals": self.decimals,
            "keys": list(self.keys),
            "categories": list(self.categories),
            "series": [{"key": s.key, "name": s.name, "slot": s.slot, "data": list(s.values)}
                       for s in self.series],
            "href": self.href,
            **self.extra,
        }
