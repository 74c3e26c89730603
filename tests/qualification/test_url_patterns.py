"""Links filled in from a pattern resolved once give what `reverse` gives, link by link."""

import uuid

import pytest
from django.urls import reverse

from qualification.url_patterns import reverse_each


@pytest.mark.parametrize("ref", ["4.1.2", "9", "a b"])
def test_a_text_slot_is_filled_as_reverse_fills_it(ref):
    qad = uuid.uuid4()
    link = reverse_each("answer-autosave", "question_ref", public_id=qad)
    assert link(ref) == reverse("answer-autosave", kwargs={"public_id": qad, "question_ref": ref})


def test_a_uuid_slot_is_filled_as_reverse_fills_it():
    item = uuid.uuid4()
    assert reverse_each("evidence-download", "public_id")(item) == reverse(
        "evidence-download", args=[item]
    )
