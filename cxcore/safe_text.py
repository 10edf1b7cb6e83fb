"""The formula-injection guard every export uses (workbooks and CSV files).

A spreadsheet reads a cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return as a formula
(OWASP, "CSV Injection"). Text typed in the workshop (a barrier, an owner's name) or loaded from a client's file
(a customer id) could start so. The guard, as OWASP advises: such text gets a single quote in front, so the
spreadsheet shows it as text. In a workbook written with openpyxl the cell's data type is set to string as well
(`guard_cell`): openpyxl itself turns any string starting with `=` into a formula.

Only the first character counts: "−5" with a Unicode minus, "5-3" or "Привет" are left alone. Numbers, dates
and None are not text and pass through unchanged.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    import pandas as pd

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def is_dangerous(text: Any) -> bool:
    """Text that a spreadsheet would read as a formula."""
    return isinstance(text, str) and text.startswith(DANGEROUS)


def neutralise(text: str) -> str:
    """The text as a spreadsheet must show it: a single quote in front when it is dangerous."""
    return QUOTE + text if is_dangerous(text) else text


def cell_text(value: Any) -> Any:
    """Any value about to be written to a cell: text neutralised, everything else unchanged."""
    return neutralise(value) if isinstance(value, str) else value


def safe_frame(frame: "pd.DataFrame", columns: Iterable[str] | None = None) -> "pd.DataFrame":
    """A copy of `frame` with the text of `columns` (default: every column holding objects or strings)
    neutralised: what a CSV export writes."""
    import pandas as pd

    out = frame.copy()
    names = list(columns) if columns is not None else [
        c for c in out.columns if out[c].dtype == object or isinstance(out[c].dtype, pd.StringDtype)]
    for name in names:
        out[name] = out[name].map(cell_text, na_action="ignore")
    return out


def guard_cell(cell: Any) -> Any:
    """An openpyxl cell whose value is dangerous text is made a string cell (not a formula); returns the cell."""
    if is_dangerous(cell.value):
        cell.data_type = "s"
    return cell
