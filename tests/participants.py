"""Participants arranged the way the portal builds them, for tests of any app."""

from qad.models import Revision, Submission
from qad.services.templates import qad_template_load
from qualification.enums import MembershipRole, Route
from tests.factories import OrganisationFactory, member_of, start_qualification
from tests.version_files import JOURNEY_CRITERIA, JOURNEY_TEMPLATE, as_bytes


def load_journey_template():
    """The small every-answer-type QAD, published as the current QAD, with BSC and REC
    criteria bound to it."""
    from assessment.services.criteria import criteria_set_load

    template = qad_template_load(
        filename="journey.yaml", content=as_bytes(JOURNEY_TEMPLATE)
    ).version
    for code, document in JOURNEY_CRITERIA.items():
        criteria_set_load(filename=f"journey-{code}.yaml", content=as_bytes(document))
    return template


class Participant:
    """A Supplier on the SIT route with its Initial QAD, and colleagues in each role."""

    def __init__(self, name: str = "Northwind Energy Supply Ltd"):
        self.organisation = OrganisationFactory(legal_name=name)
        self.admin = member_of(self.organisation, MembershipRole.ORG_ADMIN, full_name="Olivia Hart")
        self.contributor = member_of(self.organisation, full_name="Ben Okafor")
        self.signatory = member_of(
            self.organisation, MembershipRole.SIGNATORY, full_name="Margaret Lowe"
        )
        self.qualification = start_qualification(
            organisation=self.organisation,
            role_codes=("SUP",),
            route=Route.SIT,
            created_by=self.admin,
        )
        self.submission = Submission.objects.get(qualification=self.qualification)

    @property
    def revision(self) -> Revision:
        return self.submission.revisions.order_by("-number").first()

    def answer(self, ref: str):
        return self.revision.answers.select_related("question").get(question__ref=ref)
