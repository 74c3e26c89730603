from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from qad.models import (
    Answer,
    AnswerConflict,
    EvidenceType,
    OrphanedAnswer,
    QadTemplate,
    Question,
    Revision,
    Section,
    Signature,
    Submission,
    SubmissionTransition,
    TemplateMove,
)
from qualification.admin_mixins import RecordAdmin


class VersionContentAdmin(admin.ModelAdmin):
    """Published versions are read-only: a correction is a new version, loaded from a file."""

    def version_of(self, obj):
        return obj.owning_version() if obj is not None else None

    def has_change_permission(self, request, obj=None) -> bool:
        version = self.version_of(obj)
        if version is not None and version.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        version = self.version_of(obj)
        if version is not None and version.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def has_add_permission(self, request) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class SectionInline(ReadOnlyInline):
    model = Section
    fields = ["ref", "title", "applies_roles", "applies_routes", "applies_when"]


class EvidenceTypeInline(ReadOnlyInline):
    model = EvidenceType
    fields = ["code", "name"]


@admin.register(QadTemplate)
class QadTemplateAdmin(admin.ModelAdmin):
    list_display = ["__str__", "title", "status", "published_at", "loaded_at", "question_count"]
    list_filter = ["document_code", "status"]
    search_fields = ["version", "title"]
    inlines = [EvidenceTypeInline, SectionInline]
    readonly_fields = [f.name for f in QadTemplate._meta.concrete_fields]

    @admin.display(description=_("Questions"))
    def question_count(self, template: QadTemplate) -> int:
        return template.questions.count()

    def has_add_permission(self, request) -> bool:
        # Versions come from files (manage.py load_qad_template), checked as a whole.
        return False


@admin.register(Section)
class SectionAdmin(VersionContentAdmin):
    list_display = ["ref", "title", "template"]
    list_filter = ["template"]
    search_fields = ["ref", "title"]


@admin.register(Question)
class QuestionAdmin(VersionContentAdmin):
    list_display = ["ref", "short_prompt", "answer_type", "required", "assessed_by", "template"]
    list_filter = ["template", "answer_type", "required", "section"]
    search_fields = ["ref", "prompt", "guidance"]

    @admin.display(description=_("Prompt"))
    def short_prompt(self, question: Question) -> str:
        return question.prompt[:90]


@admin.register(EvidenceType)
class EvidenceTypeAdmin(VersionContentAdmin):
    list_display = ["code", "name", "template"]
    list_filter = ["template"]


class RevisionInline(admin.TabularInline):
    model = Revision
    extra = 0
    can_delete = False
    fields = ["number", "submitted_at", "submitted_by", "answered_count", "required_count"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["qualification", "stage", "state", "template", "updated_at"]
    list_filter = ["stage", "state", "template"]
    search_fields = ["qualification__organisation__legal_name"]
    readonly_fields = ["public_id", "qualification", "template", "created_at", "updated_at"]
    inlines = [RevisionInline]


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["submission", "number", "submitted_at", "answered_count", "required_count"]
    list_filter = ["submission__stage"]
    search_fields = ["submission__qualification__organisation__legal_name"]
    readonly_fields = [f.name for f in Revision._meta.concrete_fields]


@admin.register(Answer)
class AnswerAdmin(RecordAdmin):
    """Answers are the participant's words: visible to admins, changed only by participants."""

    list_display = ["question", "revision", "version", "updated_by", "updated_at"]
    search_fields = [
        "question__ref",
        "revision__submission__qualification__organisation__legal_name",
    ]


@admin.register(SubmissionTransition)
class SubmissionTransitionAdmin(RecordAdmin):
    list_display = ["submission", "from_state", "to_state", "actor", "at"]
    list_filter = ["to_state"]
    search_fields = ["submission__qualification__organisation__legal_name", "actor__email"]


@admin.register(AnswerConflict)
class AnswerConflictAdmin(RecordAdmin):
    list_display = ["answer", "written_by", "written_at", "resolved_at", "resolution"]
    list_filter = ["resolution"]


@admin.register(Signature)
class SignatureAdmin(RecordAdmin):
    list_display = ["submission", "signatory_name", "capacity", "signed_at", "content_hash"]
    search_fields = ["signatory_name", "submission__qualification__organisation__legal_name"]


@admin.register(OrphanedAnswer)
class OrphanedAnswerAdmin(RecordAdmin):
    list_display = ["question_ref", "revision", "from_template", "moved_at"]
    search_fields = ["question_ref", "prompt"]


@admin.register(TemplateMove)
class TemplateMoveAdmin(RecordAdmin):
    list_display = [
        "qualification",
        "from_template",
        "to_template",
        "moved_by",
        "moved_at",
        "carried",
        "reworded",
        "orphaned",
        "added",
    ]
