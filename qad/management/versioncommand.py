"""What the two version-file loading commands share."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qad.version_file_reader import VersionFileError


class VersionFileCommand(BaseCommand):
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the YAML version file to load")
        parser.add_argument("--check", action="store_true", help="validate only, write nothing")
        parser.add_argument(
            "--draft", action="store_true", help="load as a draft instead of publishing it"
        )

    def load(self, *, filename: str, content: bytes, publish: bool, check_only: bool):
        raise NotImplementedError

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: cannot read the file ({exc.strerror})") from exc
        try:
            result = self.load(
                filename=str(path),
                content=content,
                publish=not options["draft"],
                check_only=options["check"],
            )
        except VersionFileError as exc:
            count = len(exc.problems)
            raise CommandError(
                f"{exc.report()}\n{path}: {count} problem{'s' if count != 1 else ''}; "
                "nothing was loaded"
            ) from exc
        self.stdout.write(self.style.SUCCESS(result.summary))
