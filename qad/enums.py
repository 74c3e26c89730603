from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


class AnswerType(models.TextChoices):
    FREE_TEXT = "free_text", _("Free text")
    YES_NO = "yes_no", _("Yes / no")
    DATE = "date", _("Date")
    SINGLE_CHOICE = "single_choice", _("Single choice")
    NUMBER = "number", _("Number")
    TABLE = "table", _("Table of rows")
    EVIDENCE_ONLY = "evidence_only", _("Evidence only")


class TableColumnType(models.TextChoices):
    TEXT = "text", _("Text")
    DATE = "date", _("Date")
    NUMBER = "number", _("Number")
    YES_NO = "yes_no", _("Yes / no")


class SubmissionStage(models.TextChoices):
    INITIAL = "initial", _("Initial QAD")
    FINAL = "final", _("Final QAD")


class SubmissionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    CLARIFICATION_REQUESTED = "clarification_requested", _("Clarification requested")
    AGREED_COMPLETE = "agreed_complete", _("Agreed complete")
    SIGNED = "signed", _("Signed")


class OrphanReason(models.TextChoices):
    """Why a move to a new version kept an answer read-only instead of carrying it."""

    REMOVED = "removed", _("the question was removed")
    NOT_FOR_ROLES = "roles", _("the question no longer applies to this role")
    NOT_FOR_ROUTE = "route", _("the question no longer applies to this route")
    NOT_FOR_STAGE = "stage", _("the question is no longer asked in this QAD")
    NOT_WHEN = "conditions", _("the question no longer applies in this participant's case")
    # Kept before the portal told these apart.
    NOT_APPLICABLE = "not_applicable", _("the question no longer applies to this participant")
    RETYPED = "retyped", _("the question now takes a different kind of answer")
    MERGED = "merged", _("the question was merged with others into one")
