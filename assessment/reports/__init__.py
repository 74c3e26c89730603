"""PDF reports, all on the same machinery: the QAD submission report (a submitted revision),
the assessment report (one Code Body's review of a submission), the board summary (the pack
for a board meeting) and the approval letter (a role's Qualification).

- `documents`: what each kind of report shows, read with a fixed number of queries, and the
  fingerprint of it (a new fingerprint means a new render);
- `rendering`: HTML to a tagged PDF with WeasyPrint, fetching only our own static files;
- `models.Report`: one rendered (or preparing) PDF, unique per kind, subject and fingerprint;
- `services`: requesting a report and rendering it (called by the `qad.reports.render` task
  on the `reports` queue);
- `views`, `urls`: request, follow and download a report, with the authorisation of what it
  reports on.
"""
