from django.core.management.base import BaseCommand, CommandError, CommandParser

from qad.models import PublishedVersionError, QadTemplate
from qad.services.templates import qad_template_publish


class Command(BaseCommand):
    help = (
        "Publish a loaded draft QAD template version. Every Code Body assessing its questions "
        "needs published criteria for it first, unless --without-criteria names it and "
        "--reason says why (recorded)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("version", help="the version to publish, e.g. 3.02")
        parser.add_argument("--document", default="QAD", help="the document code (QAD)")
        parser.add_argument(
            "--without-criteria",
            nargs="+",
            default=[],
            metavar="CODE",
            help="Code Bodies accepted to have no criteria for it yet",
        )
        parser.add_argument("--reason", default="", help="why it is published without them")

    def handle(self, *args, **options) -> None:
        template = QadTemplate.objects.filter(
            document_code=options["document"], version=options["version"]
        ).first()
        if template is None:
            raise CommandError(f"{options['document']} v{options['version']} is not loaded")
        if template.is_published:
            self.stdout.write(f"{template} is already published; nothing changed")
            return
        try:
            qad_template_publish(
                template=template,
                accepted_gaps=options["without_criteria"],
                reason=options["reason"],
            )
        except PublishedVersionError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"{template} is published"))
