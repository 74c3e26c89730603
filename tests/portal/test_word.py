"""A QAD taken out as a Word document, filled in as a person does in Word, and brought back:
every change shown first, the chosen ones saved through the autosave's service, an answer
changed online meanwhile kept as a conflict, a dangerous or broken file refused with nothing
saved."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn
from docx.table import Table

from qad.models import Answer, AnswerConflict
from qad.services.answers import answer_save
from qualification.models import AuditEvent
from tests.evidence.scanning.test_filetypes import UTF16_LAUGHS
from tests.qad.test_submit_and_sign import fill
from tests.qad.test_word_import import _box, _saved, _type

pytestmark = pytest.mark.django_db

# What the document of `filled_in_word` does to each answer, as the preview says.
WHAT_WORD_CHANGED = {
    "3.1": "change",
    "3.2": "unchanged",
    "3.3": "change",
    "4.1": "refused",
    "4.2": "unchanged",
    "4.3": "change",
    "4.4": "change",
}
# A row of the preview: what happens to the answer, and its question's ref.
ROW = re.compile(r'<tr class="word-(\w+)">\s*<th scope="row"[^>]*>(?:<a[^>]*>)?([\d.]+)')


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _exported(client, participant) -> Document:
    response = client.get(reverse("submission-word", args=[participant.submission.public_id]))
    assert response.status_code == 200
    return Document(io.BytesIO(response.content))


def _bring_back(client, participant, content: bytes, name: str = "qad-filled.docx"):
    return client.post(
        reverse("submission-word-import", args=[participant.submission.public_id]),
        {"document": SimpleUploadedFile(name, content)},
    )


def _apply(client, participant, refs):
    return client.post(
        reverse("submission-word-apply", args=[participant.submission.public_id]),
        {"apply": refs},
        follow=True,
    )


@pytest.fixture
def filled_in_word(client, northwind):
    """Northwind's answers, exported; in Word, three answers changed, a defect added to the
    table and a date broken."""
    fill(northwind)
    # Saved a while before the document was made, as they would be.
    Answer.objects.filter(revision__submission=northwind.submission).update(
        updated_at=timezone.now() - dt.timedelta(minutes=5)
    )
    client.force_login(northwind.contributor)
    document = _exported(client, northwind)
    _type(document, "3.1", "We run MHHS with GridSoft as our agent.")
    _type(document, "3.3", "With our provider")
    _type(document, "4.3", "1,200")
    _type(document, "4.1", "31/02/2026")
    cells = Table(_box(document, "4.4").find(qn("w:tbl")), document._body).add_row().cells
    cells[0].text, cells[1].text = "DEF-2", "15/01/2027"
    return _saved(document)


def test_the_preview_lists_exactly_the_changes_and_the_refused_date(
    client, northwind, filled_in_word
):
    preview = _bring_back(client, northwind, filled_in_word)

    assert preview.status_code == 200
    statuses = {
        ref: status
        for status, ref in re.findall(
            r'<tr class="word-(\w+)">\s*<th scope="row"[^>]*>(?:<a[^>]*>)?([\d.]+)',
            preview.content.decode(),
        )
    }
    assert statuses == WHAT_WORD_CHANGED
    page = _text(preview)
    assert "would change 4 answers" in page
    assert "“31/02/2026” is not a date: write it as 31/12/2026" in page
    assert "DEF-1 · 31/12/2026; DEF-2 · 15/01/2027" in page
    assert northwind.answer("3.1").value == "We operate MHHS in house.", "nothing saved yet"


def test_applying_saves_the_chosen_changes_as_an_import(client, northwind, filled_in_word):
    _bring_back(client, northwind, filled_in_word, name="qad-from-finance.docx")

    done = _apply(client, northwind, ["3.1", "3.3", "4.4"])  # 4.3 left unticked

    assert "Saved from the document: 3.1, 3.3, 4.4." in _text(done)
    assert northwind.answer("3.1").value == "We run MHHS with GridSoft as our agent."
    assert northwind.answer("3.3").value == "provider"
    assert northwind.answer("4.4").value[-1] == {"reference": "DEF-2", "due": "2027-01-15"}
    assert northwind.answer("4.3").value == 412, "not ticked, not saved"
    assert northwind.answer("4.1").value == "2025-03-01", "refused, not saved"
    events = AuditEvent.objects.filter(kind="answer.saved", via__startswith="Word document")
    assert events.count() == 3
    assert events.first().via == "Word document “qad-from-finance.docx”"
    assert events.first().actor == northwind.contributor


def test_an_answer_changed_online_after_the_export_becomes_a_conflict(
    client, northwind, filled_in_word
):
    answer = northwind.answer("3.1")
    answer_save(
        answer=answer,
        value="Olivia's newer wording.",
        expected_version=answer.version,
        by=northwind.admin,
    )

    preview = _bring_back(client, northwind, filled_in_word)
    assert '<tr class="word-conflict">' in preview.content.decode()
    assert "Changed online by Olivia Hart" in _text(preview)
    done = _apply(client, northwind, ["3.1"])

    assert "not overwritten: 3.1" in _text(done)
    assert northwind.answer("3.1").value == "Olivia's newer wording."
    kept = AnswerConflict.objects.get(resolved_at__isnull=True)
    assert (kept.value, kept.written_by) == (
        "We run MHHS with GridSoft as our agent.",
        northwind.contributor,
    )


def _tampered(
    content: bytes, name: str, data: bytes | None = None, add: dict | None = None
) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    members = {info.filename: source.read(info) for info in source.infolist()}
    if data is not None:
        members[name] = data
    members.update(add or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, value in members.items():
            archive.writestr(member, value)
    return out.getvalue()


def _macro_enabled(content: bytes) -> bytes:
    types = zipfile.ZipFile(io.BytesIO(content)).read("[Content_Types].xml")
    return _tampered(
        content,
        "[Content_Types].xml",
        types.replace(
            b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
            b"application/vnd.ms-word.document.macroEnabled.main+xml",
        ),
    )


def _zip_bomb(content: bytes) -> bytes:
    return _tampered(content, "", add={"word/media/zeros.bin": bytes(200 * 1024 * 1024)})


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_macro_enabled, "macro-enabled Word document (.docm)"),
        (lambda content: _tampered(content, "[Content_Types].xml", UTF16_LAUGHS), "declares a DTD"),
        (_zip_bomb, "refused as a possible zip bomb"),
        (lambda content: b"PK\x03\x04 not a real archive", "not a readable zip archive"),
    ],
    ids=["docm renamed docx", "utf-16 DTD", "zip bomb", "broken file"],
)
def test_a_dangerous_or_broken_file_is_refused_with_nothing_saved(
    client, northwind, filled_in_word, make, reason
):
    before = {ref: northwind.answer(ref).version for ref in ("3.1", "3.3", "4.3")}

    refused = _bring_back(client, northwind, make(filled_in_word))

    assert refused.status_code == 400
    assert "nothing was saved" in _text(refused)
    assert reason in _text(refused), re.findall(r"error-summary.*?</ul>", _text(refused))
    assert {ref: northwind.answer(ref).version for ref in before} == before
    assert _apply(client, northwind, ["3.1"]).status_code == 200
    assert northwind.answer("3.1").version == before["3.1"], "nothing waiting to be applied"


def test_only_people_who_may_change_the_qad_bring_a_document_back(client, northwind, meterline):
    client.force_login(meterline.contributor)
    url = reverse("submission-word-import", args=[northwind.submission.public_id])
    assert client.get(url).status_code == 404


def _boxes_removed(content: bytes) -> bytes:
    """What Word's "Remove content control" does to every box: the text stays, the tag goes."""
    document = Document(io.BytesIO(content))
    for box in list(document.element.body.iter(qn("w:sdt"))):
        for element in list(box.find(qn("w:sdtContent"))):
            box.addprevious(element)
        box.getparent().remove(box)
    return _saved(document)


def test_a_document_whose_boxes_were_removed_is_read_by_question_number(
    client, northwind, filled_in_word
):
    preview = _bring_back(client, northwind, _boxes_removed(filled_in_word))

    page = preview.content.decode()
    statuses = {ref: status for status, ref in ROW.findall(page)}
    assert statuses == WHAT_WORD_CHANGED
    assert page.count("Found by its number: its box was removed") == 7
    done = _apply(client, northwind, ["3.1", "4.4"])
    assert "Saved from the document: 3.1, 4.4." in _text(done)
    assert northwind.answer("3.1").value == "We run MHHS with GridSoft as our agent."


def test_without_its_boxes_an_answer_changed_after_the_export_is_a_conflict(
    client, northwind, filled_in_word
):
    import datetime as dt

    from django.utils import timezone

    from qad.models import Answer

    answer = northwind.answer("3.1")
    answer_save(
        answer=answer, value="Newer online.", expected_version=answer.version, by=northwind.admin
    )
    # Saved a minute after the document was made.
    Answer.objects.filter(pk=answer.pk).update(updated_at=timezone.now() + dt.timedelta(minutes=2))

    preview = _bring_back(client, northwind, _boxes_removed(filled_in_word))
    assert {ref: status for status, ref in ROW.findall(preview.content.decode())}["3.1"] == (
        "conflict"
    )
    _apply(client, northwind, ["3.1"])

    assert northwind.answer("3.1").value == "Newer online."
    assert AnswerConflict.objects.get().value == "We run MHHS with GridSoft as our agent."
