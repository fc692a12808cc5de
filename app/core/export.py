"""Exports: CSV that Excel opens correctly in a Dutch locale (semicolons, UTF-8 with BOM)."""
import csv
import io

from flask import Response


def csv_response(filename, columns, headers, rows):
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return Response(buffer.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _cell(value):
    text = "" if value is None else str(value)
    # A cell starting with = + - @ would run as a formula in Excel (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
