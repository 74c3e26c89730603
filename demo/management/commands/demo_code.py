from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.world import demo_code


class Command(BaseCommand):
    help = (
        "Print the current sign-in code of a demo user's authenticator (assessors, "
        "signatories and portal admins are asked for one after their password)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="the demo user's e-mail address")

    def handle(self, *args, **options) -> None:
        try:
            self.stdout.write(demo_code(options["email"]))
        except LookupError as error:
            raise CommandError(str(error)) from error
