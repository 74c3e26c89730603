"""A Code Body's review of a QAD as a Word document, for the Code Body's own papers: each
criterion with its outcome, comment, automated checks and clarifications, then the work-off
plan and the approvals; the same content as the assessment report's PDF
(`assessment_context`), in a document the Code Body can annotate."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.formats import date_format

from assessment.reports.documents.assessment_report import assessment_context


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "j M Y H:i") if moment else ""


def review_document(review_id: int) -> bytes:
    # Loaded with the first document, not when a web process starts.
    from docx import Document

    context = assessment_context(review_id)
    review, organisation = context["review"], context["organisation"]
    document = Document()
    document.core_properties.title = context["title"]
    document.add_heading(context["title"], 0)
    facts = document.add_table(rows=0, cols=2)
    facts.style = "Table Grid"
    revision = context["revision"]
    for label, value in (
        ("Organisation", organisation.legal_name),
        (
            "Market roles",
            "; ".join(
                f"{line.name} ({line.mpid})" if line.mpid else line.name
                for line in context["roles"]
            ),
        ),
        (
            "QAD",
            f"{context['submission'].get_stage_display()}, revision {revision.number}"
            if revision
            else context["submission"].get_stage_display(),
        ),
        ("Criteria", str(context["criteria_set"] or "")),
        ("Review", review.get_state_display()),
        ("Prepared", _when(context["prepared_at"])),
    ):
        cells = facts.add_row().cells
        cells[0].paragraphs[0].add_run(label).bold = True
        cells[1].text = value
    document.add_paragraph(
        "Outcomes: "
        + ", ".join(f"{count.label} {count.value}" for count in context["outcome_counts"])
    )

    for entry in context["criteria"]:
        document.add_heading(f"{entry.ref} {entry.title}", 1)
        document.add_paragraph(f"Looks for: {entry.looks_for}")
        if entry.questions:
            document.add_paragraph("Questions: " + ", ".join(entry.questions))
        outcome = entry.outcome
        line = document.add_paragraph()
        line.add_run("Outcome: ").bold = True
        line.add_run(outcome.get_outcome_display() if outcome else "No outcome yet")
        if outcome is not None:
            line.add_run(
                f" (recorded by {outcome.recorded_by.full_name}, {_when(outcome.recorded_at)})"
            )
        if entry.comment:
            document.add_paragraph(f"Comment: {entry.comment}")
        for check in entry.checks:
            document.add_paragraph(
                f"{check.get_status_display()}: {check.message}", style="List Bullet"
            )
        _clarifications(document, entry.clarifications)
    if context["other_clarifications"]:
        document.add_heading("Other clarifications", 1)
        _clarifications(document, context["other_clarifications"])

    document.add_heading("Work-off plan", 1)
    if not context["work_off"]:
        document.add_paragraph("No work-off items.")
    for item in context["work_off"]:
        document.add_paragraph(
            f"{item.reference}: {item.description} ({item.owner}, due "
            f"{item.due_date.strftime('%d/%m/%Y')}; {item.status_label})",
            style="List Bullet",
        )
    if context["approvals"]:
        document.add_heading("Approvals", 1)
        for approval in context["approvals"]:
            document.add_paragraph(
                f"{approval.qualification_role.market_role.name}: {approval.get_outcome_display()}",
                style="List Bullet",
            )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _clarifications(document, entries) -> None:
    for clarification in entries:
        heading = document.add_paragraph()
        heading.add_run(
            f"Clarification on {clarification.question_ref} ({clarification.state_label})"
        ).bold = True
        for message in clarification.messages:
            document.add_paragraph(
                f"{message.author}, {_when(message.written_at)}: {message.text}",
                style="List Bullet 2",
            )
