"""Participants arranged the way the portal builds them, for tests of any app."""

from qad.models import Revision, Submission
from qad.services.answers import answer_save
from qad.services.templates import qad_template_load, qad_template_publish
from qualification.enums import MembershipRole, Route
from tests.qualification.factories import OrganisationFactory, member_of, start_qualification
from tests.version_files import JOURNEY_CRITERIA, JOURNEY_TEMPLATE, as_bytes


def load_journey_template(*, criteria: bool = True):
    """The small every-answer-type QAD, published as the current QAD, with BSC and REC
    criteria bound to it."""
    from assessment.services.criteria import criteria_set_load

    template = qad_template_load(
        filename="journey.yaml", content=as_bytes(JOURNEY_TEMPLATE), publish=False
    ).version
    for code, document in JOURNEY_CRITERIA.items() if criteria else ():
        criteria_set_load(filename=f"journey-{code}.yaml", content=as_bytes(document))
    if criteria:
        return qad_template_publish(template=template)
    return qad_template_publish(
        template=template,
        accepted_gaps=("BSC", "REC", "DIP"),
        reason="A test of what a QAD without criteria does",
    )


class Participant:
    """A Supplier on the SIT route with its Initial QAD, and colleagues in each role.

    Other roles, routes and options (`places_reliance`, `sms_exemption_requested`) can be
    chosen; a route that starts with pre-qualification gets its Initial QAD started too."""

    def __init__(
        self,
        name: str = "Northwind Energy Supply Ltd",
        *,
        role_codes: tuple[str, ...] = ("SUP",),
        route: str = Route.SIT,
        **options,
    ):
        self.organisation = OrganisationFactory(legal_name=name)
        self.admin = member_of(self.organisation, MembershipRole.ORG_ADMIN, full_name="Olivia Hart")
        self.contributor = member_of(self.organisation, full_name="Ben Okafor")
        self.signatory = member_of(
            self.organisation, MembershipRole.SIGNATORY, full_name="Margaret Lowe"
        )
        self.qualification = start_qualification(
            organisation=self.organisation,
            role_codes=role_codes,
            route=route,
            created_by=self.admin,
            **options,
        )
        submission = Submission.objects.filter(qualification=self.qualification).first()
        if submission is None:
            from qad.enums import SubmissionStage
            from qad.services.submissions import submission_start
            from qad.services.templates import current_template

            submission = submission_start(
                qualification=self.qualification,
                stage=SubmissionStage.INITIAL,
                template=current_template(),
            )
        self.submission = submission

    @property
    def revision(self) -> Revision:
        return self.submission.revisions.order_by("-number").first()

    def answer(self, ref: str):
        return self.revision.answers.select_related("question").get(question__ref=ref)


def declare(submission: Submission, *, by) -> None:
    """Answer the journey template's declaration, which only the Final QAD asks."""
    answer = submission.revisions.order_by("-number").first().answers.get(question__ref="11.1")
    answer_save(answer=answer, value=True, expected_version=answer.version, by=by)
