"""What a report may fetch (our own static files, nothing else), and hostile answers."""

import io

import pytest
from pypdf import PdfReader

from assessment.models import Report
from assessment.reports.documents import report_html
from assessment.reports.rendering import (
    REPORT_ORIGIN,
    FetchRefused,
    render_pdf,
    static_only_fetcher,
)
from tests.assessment.report_data import pdf_text, request_report, stored_pdf, submit_with_evidence
from tests.qad.test_submit_and_sign import COMPLETE

OUR_CSS = f"{REPORT_ORIGIN}/static/reports/print.css"
REFUSED = [
    "file:///etc/passwd",
    "http://169.254.169.254/latest/meta-data/",
    "https://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "data:text/css,body{background:url(file:///etc/passwd)}",
    "ftp://example.org/file.css",
    "https://evil.example/static/reports/print.css",
    f"{REPORT_ORIGIN}/etc/passwd",
    f"{REPORT_ORIGIN}/static/../../../../etc/passwd",
    f"{REPORT_ORIGIN}/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    f"{REPORT_ORIGIN}/static/reports/../../portal/settings.py",
    f"{REPORT_ORIGIN}/static/js/qad.js",  # ours, but not a type a report loads
    f"{REPORT_ORIGIN}/static/favicon.svg",  # SVG can name URLs of its own
    f"{REPORT_ORIGIN}/static/reports/missing.css",
]
HOSTILE = (
    '<img src="file:///etc/passwd"> '
    '<a href="http://169.254.169.254/latest/meta-data">metadata</a> '
    '<link rel="stylesheet" href="file:///etc/passwd">'
    "<style>@import url(http://169.254.169.254/);</style><script>alert(1)</script>"
)


def test_the_fetcher_serves_our_print_stylesheet():
    fetcher = static_only_fetcher()

    response = fetcher(OUR_CSS)

    assert response.content_type == "text/css"
    assert b"@page" in response.read()
    assert fetcher.served == [OUR_CSS] and fetcher.refused == []


@pytest.mark.parametrize("url", REFUSED)
def test_the_fetcher_refuses_everything_else(url):
    fetcher = static_only_fetcher()

    with pytest.raises(FetchRefused):
        fetcher(url)

    assert fetcher.refused == [url] and fetcher.served == []


def test_markup_in_html_given_to_the_renderer_fetches_nothing():
    html = (
        '<!doctype html><html lang="en-GB"><head><title>Hostile</title>'
        '<link rel="stylesheet" href="file:///etc/passwd">'
        '<link rel="stylesheet" href="http://169.254.169.254/latest/meta-data">'
        "<style>@import url(data:text/css,p{color:red});"
        "body { background: url(https://169.254.169.254/x.png) }</style></head>"
        '<body><p>Report</p><img src="file:///etc/passwd" alt="">'
        '<img src="../../../../etc/passwd" alt=""></body></html>'
    )

    pdf = render_pdf(html)

    assert pdf.served == []
    assert sorted(pdf.refused) == sorted(
        [
            "file:///etc/passwd",
            "file:///etc/passwd",
            "http://169.254.169.254/latest/meta-data",
            "data:text/css,p{color:red}",
            "https://169.254.169.254/x.png",
            f"{REPORT_ORIGIN}/etc/passwd",
        ]
    )
    text = pdf_text(pdf.content)
    assert "Report" in text and "root:" not in text


@pytest.mark.django_db
def test_an_answer_with_markup_is_printed_as_text_and_fetches_nothing(client, northwind):
    submit_with_evidence(northwind, {**COMPLETE, "3.1": HOSTILE})
    client.force_login(northwind.admin)
    request_report(client, northwind)
    report = Report.objects.get()

    html = report_html(report).html
    pdf = render_pdf(html)

    assert pdf.served == [OUR_CSS], "the report loads our stylesheet and nothing else"
    assert pdf.refused == [], "the answer never became markup, so nothing was even asked for"
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html
    assert "<script>" not in html
    for content in (pdf.content, stored_pdf(report)):
        text = pdf_text(content)
        assert '<img src="file:///etc/passwd">' in text
        assert '<a href="http://169.254.169.254/latest/meta-data">metadata</a>' in text
        assert "<script>alert(1)</script>" in text
        assert "root:x:0:0" not in text
        links = [
            annotation.get_object().get("/A", {}).get("/URI")
            for page in PdfReader(io.BytesIO(content)).pages
            for annotation in page.get("/Annots") or []
        ]
        assert not [uri for uri in links if uri], "no link to anywhere outside the report"
