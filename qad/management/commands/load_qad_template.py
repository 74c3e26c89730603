from qad.management.versioncommand import VersionFileCommand
from qad.services.templates import qad_template_load


class Command(VersionFileCommand):
    help = "Load a QAD template version from a YAML file (docs/version-files.md)."

    def load(self, **kwargs):
        return qad_template_load(**kwargs)
