"""Loading a version file of any kind, all or nothing: what templates and criteria share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Required, TypedDict, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from qad.enums import VersionStatus
from qad.models import PublishedVersionError, VersionedDocument
from qad.version_file_reader import Problem, Source, VersionFileError, read_source
from qualification.audit import audit_record
from qualification.models import User

Spec = TypeVar("Spec")
Version = TypeVar("Version", bound=VersionedDocument)


class LoadOptions(TypedDict, total=False):
    """What a load of a version file is given (`VersionKind.load`)."""

    filename: Required[str]
    content: Required[bytes]
    publish: bool  # publish it at once (default True)
    check_only: bool  # check the file and write nothing
    loaded_by: User | None


@dataclass(frozen=True)
class VersionKind(Generic[Spec, Version]):
    """How to read, find, write and publish one kind of version file."""

    model: type[Version]
    read: Callable[[Source], Spec]
    find: Callable[[Spec], Version | None]
    write: Callable[[Spec, Source, User | None], Version]
    publish: Callable[[Version, User | None], Version]
    describe_valid: Callable[[Spec], str]
    describe_loaded: Callable[[Version], str]

    def load(
        self,
        *,
        filename: str,
        content: bytes,
        publish: bool = True,
        check_only: bool = False,
        loaded_by: User | None = None,
    ) -> VersionLoad[Spec, Version]:
        """Check a version file of this kind and load it as a new version, all or nothing."""
        return load_version(
            self,
            filename=filename,
            content=content,
            publish=publish,
            check_only=check_only,
            loaded_by=loaded_by,
        )


@dataclass(frozen=True)
class VersionLoad(Generic[Spec, Version]):
    version: Version | None
    spec: Spec | None
    created: bool
    summary: str


def draft_fields(spec: Any, source: Source, loaded_by: User | None) -> dict[str, Any]:
    """What every kind of version is created with: its number, title and date from the file,
    the draft status, who loaded it and the file itself (name, SHA-256, text)."""
    return {
        "version": spec.version,
        "title": spec.title,
        "effective_date": spec.effective_date,
        "status": VersionStatus.DRAFT,
        "loaded_by": loaded_by,
        "source_filename": source.filename,
        "source_sha256": source.sha256,
        "source_text": source.text,
    }


def load_version(
    kind: VersionKind[Spec, Version],
    *,
    filename: str,
    content: bytes,
    publish: bool,
    check_only: bool,
    loaded_by: User | None,
) -> VersionLoad[Spec, Version]:
    """Check a whole version file, then load it as a new version in one transaction.

    Raises VersionFileError listing every problem, having written nothing. The byte-identical
    file loaded a second time is a no-op; another file claiming a loaded version is refused.
    """
    source = read_source(filename=filename, content=content)
    same_file = kind.model.objects.filter(source_sha256=source.sha256).first()
    if same_file is not None and not check_only:
        return VersionLoad(
            same_file,
            None,
            False,
            f"{same_file} is already loaded from this exact file; nothing changed",
        )
    spec = kind.read(source)
    existing = kind.find(spec)
    if existing is not None:
        raise VersionFileError(filename, [_already_loaded(existing)])
    if check_only:
        return VersionLoad(None, spec, False, kind.describe_valid(spec))
    try:
        with transaction.atomic():
            version = kind.write(spec, source, loaded_by)
            audit_record(
                kind="version.loaded",
                actor=loaded_by,
                summary=f"{version} loaded from {filename}",
                target=version,
                after={"sha256": source.sha256, "status": version.status},
            )
            if publish:
                version = kind.publish(version, loaded_by)
    except IntegrityError as exc:
        # Someone loaded the same version between our check and our insert.
        existing = kind.find(spec)
        if existing is None:
            raise
        raise VersionFileError(filename, [_already_loaded(existing)]) from exc
    except PublishedVersionError as exc:
        raise VersionFileError(filename, [Problem("", str(exc))]) from exc
    return VersionLoad(version, spec, True, kind.describe_loaded(version))


def _already_loaded(existing: VersionedDocument) -> Problem:
    return Problem(
        "version",
        f"{existing} is already loaded (from {existing.source_filename}, "
        f"{existing.loaded_at:%d %b %Y}) and differs from this file; a changed file needs a "
        "new version number",
    )


def lock_draft(model: type[Version], pk: int) -> Version:
    """The version's row, locked, refusing one that is no longer a draft. Called inside the
    publishing transaction."""
    locked = model.objects.select_for_update().get(pk=pk)
    if locked.status != VersionStatus.DRAFT:
        raise PublishedVersionError(f"{locked} is already published")
    return locked


def publish_over(locked: Version, superseded: QuerySet, by: User | None) -> None:
    """Make the locked draft the published version in place of `superseded`, and record who
    did it and what it replaced. Called inside the caller's transaction, with the row locked."""
    before = [str(version) for version in superseded]
    superseded.update(status=VersionStatus.SUPERSEDED)
    locked.status = VersionStatus.PUBLISHED
    locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_at"])
    audit_record(
        kind="version.published",
        actor=by,
        summary=f"{locked} published",
        target=locked,
        before={"current": before},
        after={"current": str(locked)},
    )
