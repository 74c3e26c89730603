"""Cells of the CSV files the portal writes, which a spreadsheet cannot turn into formulas."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """A cell that starts like a formula gets a leading apostrophe (CSV injection)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text
