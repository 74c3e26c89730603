"""Published templates and criteria are read from a cache, and a newly loaded or published
version is what the very next read sees."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from assessment.published import criteria_outline
from assessment.services.criteria import criteria_set_load
from qad.models import QadTemplate, Section
from qad.published import GENERATION_KEY, template_outline
from qad.services.templates import qad_template_load
from qualification.models import CodeBody
from tests.version_files import as_bytes, template_doc, template_published

BSC_CRITERIA = settings.BASE_DIR / "data" / "criteria" / "bsc-v5.0.yaml"


def _shipped_template() -> QadTemplate:
    return QadTemplate.objects.get(document_code="QAD", version="3.01")


def test_a_published_template_is_read_from_the_database_once(
    shipped_versions, django_assert_num_queries
):
    template = _shipped_template()
    first = template_outline(template)

    with django_assert_num_queries(0):
        again = template_outline(template)

    assert again.section("3").title == first.section("3").title
    assert len(again.questions) == template.questions.count()


def test_publishing_new_criteria_shows_them_on_the_next_read(
    shipped_versions, django_assert_num_queries
):
    template = _shipped_template()
    bsc = CodeBody.objects.get(code="BSC")
    before = criteria_outline(code_body_id=bsc.pk, template_id=template.pk)
    with django_assert_num_queries(0):
        criteria_outline(code_body_id=bsc.pk, template_id=template.pk)
    text = BSC_CRITERIA.read_text()
    newer = text.replace('version: "5.0"', 'version: "5.1"', 1).replace(
        "title: Applicant identified and reachable", "title: Applicant identified, reachable", 1
    )

    criteria_set_load(filename="bsc-v5.1.yaml", content=newer.encode())

    after = criteria_outline(code_body_id=bsc.pk, template_id=template.pk)
    assert before.criteria_set.version == "5.0"
    assert after.criteria_set.version == "5.1"
    assert after.criteria[0].title == "Applicant identified, reachable"
    assert [c.ref for c in after.criteria] == [c.ref for c in before.criteria]


def test_a_draft_template_is_never_cached(shipped_versions):
    loaded = qad_template_load(
        filename="tst-v1.0.yaml", content=as_bytes(template_doc()), publish=False
    ).version
    assert template_outline(loaded).section("3").title == "Participant details"

    Section.objects.filter(template=loaded, ref="3").update(title="Who you are")

    assert template_outline(loaded).section("3").title == "Who you are"


def test_loading_a_version_tells_every_web_process(shipped_versions):
    template_outline(_shipped_template())
    generation = cache.get(GENERATION_KEY)

    template_published("tst-v1.0.yaml", template_doc())

    # Other processes compare their copies with this shared value before using them.
    assert cache.get(GENERATION_KEY) != generation
