#!/usr/bin/env python3
"""Fill a QAD's answers from a CSV file through the portal's API, reporting each answer.

    export QAD_API_TOKEN=qad_…            # a read and write token from the API tokens page
    scripts/fill_answers.py https://qad.example.org 9d8c7b6a-… answers.csv

The CSV has a header row `question_ref,value`. Values are written as a person types them:
yes/no, a number, a date as 31/12/2026 or 2026-12-31, a choice's value, text; a table answer
as JSON (a list of rows). Each answer is read first and written over the version read: an
answer someone changed in the meantime is reported as a conflict and left as it is.

Needs nothing but Python 3.9 or later. Exits 0 when every answer was saved or already held
the value, 1 otherwise.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request


class Portal:
    def __init__(self, base: str, token: str):
        self.base = base.rstrip("/") + "/api/v1/"
        self.token = token

    def call(self, method: str, path: str, body=None, headers=None):
        request = urllib.request.Request(
            urllib.parse.urljoin(self.base, path),
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={
                "Authorization": f"Bearer {self.token}",
                "Accept": "application/json",
                "Content-Type": "application/json",
                **(headers or {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, dict(response.headers), json.load(response)
        except urllib.error.HTTPError as error:
            payload = error.read()
            try:
                problem = json.loads(payload)
            except ValueError:
                problem = {"detail": payload.decode(errors="replace")[:200]}
            return error.code, dict(error.headers), problem


def typed(answer_type: str, text: str):
    """The JSON value of what a person typed, for an answer of this type."""
    text = text.strip()
    if text == "":
        return None
    if answer_type == "yes_no":
        lowered = text.lower()
        if lowered in ("yes", "y", "true"):
            return True
        if lowered in ("no", "n", "false"):
            return False
        raise ValueError(f"“{text}” is not yes or no")
    if answer_type == "number":
        number = float(text.replace(",", ""))
        return int(number) if number.is_integer() else number
    if answer_type == "date":
        for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                return dt.datetime.strptime(text, pattern).date().isoformat()
            except ValueError:
                continue
        raise ValueError(f"“{text}” is not a date like 31/12/2026")
    if answer_type == "table":
        return json.loads(text)
    return text


def fill(portal: Portal, submission: str, rows) -> int:
    problems = 0
    for number, row in enumerate(rows, start=2):
        ref = (row.get("question_ref") or "").strip()
        path = f"submissions/{submission}/answers/{urllib.parse.quote(ref, safe='')}/"
        status, headers, current = portal.call("GET", path)
        if status != 200:
            print(f"line {number}, {ref}: not found ({current.get('detail', status)})")
            problems += 1
            continue
        try:
            value = typed(current["answer_type"], row.get("value") or "")
        except ValueError as error:
            print(f"line {number}, {ref}: not sent: {error}")
            problems += 1
            continue
        if value == current["value"]:
            print(f"line {number}, {ref}: unchanged")
            continue
        status, _, answer = portal.call(
            "PUT", path, {"value": value}, {"If-Match": headers.get("ETag", "")}
        )
        if status == 200:
            print(f"line {number}, {ref}: saved (version {answer['version']})")
        elif status in (409, 412):
            print(f"line {number}, {ref}: CONFLICT: {answer['detail']}")
            problems += 1
        else:
            print(f"line {number}, {ref}: refused ({status}): {answer.get('detail', '')}")
            problems += 1
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("portal", help="the portal's address, e.g. https://qad.example.org")
    parser.add_argument("submission", help="the QAD's id (its address on the portal holds it)")
    parser.add_argument("csv_file", help="question_ref,value rows")
    args = parser.parse_args(argv)
    token = os.environ.get("QAD_API_TOKEN", "")
    if not token:
        print("Set QAD_API_TOKEN to a read and write token from the API tokens page.")
        return 2
    with open(args.csv_file, newline="", encoding="utf-8-sig") as source:
        problems = fill(Portal(args.portal, token), args.submission, csv.DictReader(source))
    print("Every answer was saved." if not problems else f"{problems} answer(s) need a look.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
