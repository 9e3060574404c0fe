"""``s``: how far along each file is, as bars to look at rather than numbers to read; and
reviewing: a calendar of reviews (26 weeks), retention, the next 14 days' due questions and
the current streak."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from notesui.core.document import Counts
from notesui.core.notebook import Notebook, count
from notesui.core.reviews import HEATMAP_WEEKS, Activity
from notesui.core.text import visible

BAR_WIDTH = 30


def bar(counts: Counts, width: int = BAR_WIDTH) -> Text:
    """Mastered (green), answered but not mastered (yellow), unanswered (dim), in proportion."""
    total = max(counts.questions, 1)
    mastered = round(width * counts.mastered / total)
    answered = max(0, round(width * max(counts.answered, counts.mastered) / total) - mastered)
    rest = max(0, width - mastered - answered)
    return Text.assemble(("█" * mastered, "green"), ("▓" * answered, "yellow"), ("░" * rest, "bright_black"))


class Bar:
    """A file's bar and share as wide as its column allows (``BAR_WIDTH`` at most)."""

    def __init__(self, counts: Counts) -> None:
        self.counts = counts

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        counts = self.counts
        share = f" {100 * counts.mastered / counts.questions:3.0f}%" if counts.questions else "   –"
        yield bar(counts, max(4, min(BAR_WIDTH, options.max_width - len(share)))) + Text(share)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(4 + 5, BAR_WIDTH + 5)


def stats_table(notebook: Notebook) -> Table:
    # the name keeps room to be read (cut with … when it must be), the bars give way first
    table = Table(expand=True, box=None, pad_edge=False, header_style="bold")
    table.add_column("file", ratio=3, min_width=16, no_wrap=True, overflow="ellipsis")
    table.add_column("questions", justify="right", no_wrap=True)
    table.add_column("answered", justify="right", no_wrap=True)
    table.add_column("mastered", justify="right", no_wrap=True)
    table.add_column("progress", ratio=2, no_wrap=True)
    total = Counts()
    for rel, doc in notebook.documents.items():
        counts = count(doc)
        total += counts
        table.add_row(*_row(rel, counts))
    table.add_section()
    table.add_row(*_row("total", total), style="bold")
    return table


def _row(name: str, counts: Counts) -> tuple[Text | str | Bar, ...]:
    return (Text(visible(name)), str(counts.questions), str(counts.answered), str(counts.mastered), Bar(counts))


SHADES = ("bright_black", "green4", "green3", "green1")
SPARKS = "▁▂▃▄▅▆▇█"


def heatmap(activity: Activity) -> Text:
    """Reviews per day, a column per week (oldest left), a row per weekday, darker for fewer."""
    start = activity.today - timedelta(days=activity.today.weekday(), weeks=HEATMAP_WEEKS - 1)
    most = max(activity.per_day.values(), default=0)
    rows = []
    for weekday, name in enumerate(("Mon", "", "Wed", "", "Fri", "", "Sun")):
        row = Text(f"{name:<4}", style="dim")
        for week in range(HEATMAP_WEEKS):
            day = start + timedelta(weeks=week, days=weekday)
            if day > activity.today:
                row.append("  ")
                continue
            n = activity.per_day.get(day, 0)
            shade = 0 if not n else 1 + min(2, (3 * n - 1) // max(most, 1))
            row.append("■ " if n else "· ", style=SHADES[shade])
        rows.append(row)
    return Text("\n").join(rows)


def forecast(activity: Activity) -> Text:
    most = max(activity.forecast, default=0)
    sparks = "".join(SPARKS[min(7, (8 * n - 1) // most)] if n else " " for n in activity.forecast) if most else ""
    return Text.assemble(
        ("due, next 14 days  ", "dim"),
        (sparks.ljust(len(activity.forecast)), "yellow"),
        f"  {activity.forecast[0]} today, {sum(activity.forecast)} in all",
    )


def review_summary(activity: Activity) -> Text:
    retention = f"{100 * activity.retention:.0f}%" if activity.retention is not None else "–"
    days = "day" if activity.streak == 1 else "days"
    return Text.assemble(
        ("Reviews", "bold"),
        f"   retention {retention} (last 30 days: {activity.recent} reviews, not rated again)",
        f" · streak {activity.streak} {days}",
    )


class StatsScreen(ModalScreen[None]):
    """Per file: questions, answered and mastered, with a bar each."""

    DEFAULT_CSS = """
    StatsScreen { align: center middle; }
    StatsScreen > VerticalScroll {
        width: 110; max-width: 98%; height: auto; max-height: 90%;
        background: $surface; border: round $primary; padding: 1 2;
    }
    StatsScreen #stats-legend { color: $text-muted; margin-top: 1; }
    StatsScreen #stats-reviews { margin-top: 1; }
    StatsScreen #stats-heatmap { margin-top: 1; }
    StatsScreen #stats-forecast { margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,s,q", "dismiss", "Close")]

    def __init__(self, notebook: Notebook, activity: Activity | None = None) -> None:
        super().__init__()
        self.notebook = notebook
        self.activity = activity

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text("Statistics", style="bold"))
            yield Static(stats_table(self.notebook), id="stats-table")
            yield Static(
                Text.assemble(
                    ("█", "green"),
                    " mastered  ",
                    ("▓", "yellow"),
                    " answered  ",
                    ("░", "bright_black"),
                    " no answer yet · escape closes",
                ),
                id="stats-legend",
            )
            if self.activity is not None:
                yield Static(review_summary(self.activity), id="stats-reviews")
                yield Static(heatmap(self.activity), id="stats-heatmap")
                yield Static(forecast(self.activity), id="stats-forecast")
