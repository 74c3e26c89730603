"""The shipped QAD v3.01 asks for the declaration and sign-off (section 11) in the Final QAD
only, for the work-off plan upload (4.8.5) only while a work-off item is open, and gives the
identifiers table (3.4) its cells' formats. A database that loaded the file before it said
so is brought to the file as it is now: section 11 and its questions apply to the Final QAD,
4.8.5 applies when work-off is open (and is then required), 3.4's cells have their formats,
the version's recorded source is the corrected file, and each QAD still being
written loses the answers it no longer asks and has not given (an answer or a file someone
gave is kept: nothing a participant wrote is lost)."""

import hashlib
from pathlib import Path

from django.db import migrations
from django.db.models import Exists, OuterRef, Q

BEFORE_SHA256 = "2714bf9df46fa352cfbfbf6b6a41f7724fc2d3ce17da474fa56ac972bd937430"
SHIPPED = Path(__file__).resolve().parents[2] / "data" / "qad" / "qad-v3.01.yaml"
FINAL_ONLY = ("11", "11.1", "11.2", "11.3")
WORK_OFF_PLAN = "4.8.5"
IDENTIFIERS = "3.4"
CELL_FORMATS = {
    "mpid": (
        "^[A-Z0-9]{4}$",
        "an MPID, 4 upper-case letters or digits as held in Market Domain Data",
    ),
    "market_role_code": (
        "^[A-Z0-9]{1,2}$",
        "a market role code, 1 or 2 upper-case letters or digits",
    ),
    "dip_participant_id": (
        "^([0-9]{10}|pending)$",
        'a DIP participant ID, 10 digits (or "pending" until it is issued)',
    ),
}


def declaration_in_the_final_qad(apps, schema_editor):
    QadTemplate = apps.get_model("qad", "QadTemplate")
    template = QadTemplate.objects.filter(source_sha256=BEFORE_SHA256).first()
    if template is None:
        return  # a new database, or one that never loaded the earlier file
    sections = template.sections.filter(ref__in=FINAL_ONLY)
    sections.update(applies_stages=["final"])
    questions = template.questions.filter(section__in=sections)
    questions.update(applies_stages=["final"])
    template.questions.filter(ref=WORK_OFF_PLAN).update(
        applies_when=["work_off_open"], required=True
    )
    for question in template.questions.filter(ref=IDENTIFIERS):
        for column in question.options.get("columns", []):
            if column["key"] in CELL_FORMATS:
                column["pattern"], column["pattern_hint"] = CELL_FORMATS[column["key"]]
        question.save(update_fields=["options"])
    content = SHIPPED.read_bytes() if SHIPPED.exists() else b""
    if content:
        QadTemplate.objects.filter(pk=template.pk).update(
            source_text=content.decode("utf-8"),
            source_sha256=hashlib.sha256(content).hexdigest(),
        )
    Answer = apps.get_model("qad", "Answer")
    Revision = apps.get_model("qad", "Revision")
    EvidenceLink = apps.get_model("evidence", "EvidenceLink")
    drafts = Revision.objects.filter(submission__template=template, submitted_at__isnull=True)
    no_longer_asked = Q(revision__submission__stage="initial", question__in=questions) | Q(
        question__ref=WORK_OFF_PLAN,
        revision__submission__qualification__work_off_open=False,
    )
    unanswered = (
        Answer.objects.filter(revision__in=drafts)
        .filter(no_longer_asked)
        .filter(Q(value__isnull=True) | Q(value="") | Q(value=[]))
        .exclude(
            Exists(
                EvidenceLink.objects.filter(
                    revision=OuterRef("revision"), question=OuterRef("question")
                )
            )
        )
    )
    touched = set(unanswered.values_list("revision_id", flat=True))
    Answer.objects.filter(pk__in=list(unanswered.values_list("pk", flat=True))).delete()
    Revision.objects.filter(pk__in=touched).update(completeness_stale=True)


class Migration(migrations.Migration):
    dependencies = [
        ("qad", "0004_question_stages"),
        ("evidence", "0001_initial"),
        ("assessment", "0012_qualification_work_off_open"),
    ]

    operations = [
        migrations.RunPython(declaration_in_the_final_qad, migrations.RunPython.noop),
    ]
