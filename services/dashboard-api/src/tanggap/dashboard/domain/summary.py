"""The mayor's daily summary: per kecamatan, what came in, what was done, what
is left and how punctual the units were — as JSON and as a CSV export.

* opened / resolved: incidents opened / resolved on the WIB day;
* open at end of day: opened before midnight and neither resolved nor closed
  by then (rejected incidents are never counted as open);
* overdue now: opened by the end of the day, open and past their next
  deadline at the time of the summary;
* on time: the verdicts (domain.stats) of the incidents opened in the 30 days
  ending with that day, judged at the time of the summary.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from tanggap.dashboard.domain.stats import on_time_pct


@dataclass(frozen=True, slots=True)
class SummaryRow:
    kecamatan_kode: str
    kecamatan_name: str
    opened: int
    resolved: int
    open_at_end: int
    overdue_now: int
    on_time: int
    late: int

    @property
    def on_time_pct(self) -> float | None:
        return on_time_pct(self.on_time, self.late)


@dataclass(frozen=True, slots=True)
class DailySummary:
    day: date
    generated_at: datetime
    rows: tuple[SummaryRow, ...]
    top_categories: tuple[tuple[str, int], ...]

    @property
    def total(self) -> SummaryRow:
        return SummaryRow(
            kecamatan_kode="36.72",
            kecamatan_name="Kota Cilegon",
            opened=sum(r.opened for r in self.rows),
            resolved=sum(r.resolved for r in self.rows),
            open_at_end=sum(r.open_at_end for r in self.rows),
            overdue_now=sum(r.overdue_now for r in self.rows),
            on_time=sum(r.on_time for r in self.rows),
            late=sum(r.late for r in self.rows),
        )


CSV_COLUMNS = (
    "tanggal",
    "kode_kecamatan",
    "kecamatan",
    "laporan_masuk",
    "selesai",
    "belum_selesai_akhir_hari",
    "terlambat_saat_ini",
    "tepat_waktu_persen_30_hari",
)


def summary_csv(summary: DailySummary) -> str:
    """One row per kecamatan and a city total; column names in Bahasa Indonesia
    for the people who open it in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in (*summary.rows, summary.total):
        pct = row.on_time_pct
        writer.writerow(
            (
                summary.day.isoformat(),
                row.kecamatan_kode,
                row.kecamatan_name,
                row.opened,
                row.resolved,
                row.open_at_end,
                row.overdue_now,
                "" if pct is None else f"{pct:.1f}",
            )
        )
    return buffer.getvalue()
