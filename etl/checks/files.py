"""Rules about whole files and sheets: nothing is loaded from a file with an error here."""

from __future__ import annotations

from etl.checks import rule

rule(
    "file_missing",
    "error",
    "The path given does not exist",
    "data/march.xlsx does not exist",
    "file",
)
rule(
    "file_wrong_kind",
    "error",
    "The file is not a spreadsheet or CSV file",
    "notes.docx is not a spreadsheet or CSV file (expected .xlsx or .csv)",
    "file",
)
rule(
    "file_unreadable",
    "error",
    "The file cannot be opened or read (corrupt, password-protected, not really the type its "
    "name says, or a CSV line that cannot be read)",
    "march.xlsx could not be opened as a spreadsheet (is it really an .xlsx file …?)",
    "file",
)
rule(
    "file_no_sheet",
    "error",
    "No sheet of the file is recognised as any input kind",
    "budget.csv: no sheet with recognisable SEN2 headers (e.g. ReceivedDate, …)",
    "file",
)
COLUMN_MISSING = rule(
    "column_missing",
    "error",
    "A sheet or file lacks a column its kind requires, so nothing is loaded from the file; the "
    "message lists the headers found, the nearest field for each and where to add an alias",
    "cases.csv: required column 'ReceivedDate' is missing (header found on row 3)",
    "file",
)
rule(
    "sheet_not_recognised",
    "query",
    "A sheet with data was not recognised as part of the file's kind, so it was not loaded",
    "cases.xlsx [Notes]: no SEN2 column headers found in the first 30 rows",
    "file",
)
rule(
    "column_not_used",
    "query",
    "Columns the tool does not use are named (their values are not stored)",
    "cases.csv: columns not used by this tool (not stored): Surname, Team",
    "file",
)
rule(
    "file_too_large",
    "error",
    "The file passes a size limit in the settings ([limits]: cells per row, characters per "
    "cell, rows or cells per sheet, unpacked bytes), so it is refused before it is read",
    "big.xlsx was not read: sheet 'Data' reaches column 16,384, past the limit of 16,384 …",
    "file",
)
rule(
    "csv_row_unreadable",
    "error",
    "A CSV line cannot be split into cells (a double quote that does not close on its line); "
    "the line is rejected and the lines after it are still read",
    'cases.csv line 7: a double quote (") opens a cell that does not close on this line …',
    "file",
)
rule(
    "header_repeated",
    "error",
    "A row below the header repeats the header (a second export pasted below, a page header); "
    "it is not a record, so it is listed as rejected and the rows around it load",
    "cases.xlsx [Cases] row 40 repeats the header row (row 4); not loaded as a record",
    "file",
)
rule(
    "sheet_not_loaded",
    "error",
    "A row of a sheet that was not recognised (see sheet_not_recognised): counted as read and "
    "not loaded, so the load log adds up to every row of the file",
    "cases.xlsx [Notes] row 3: this sheet was not recognised, so its rows were not loaded …",
    "file",
)
