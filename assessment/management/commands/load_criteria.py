from assessment.services.criteria import criteria_set_load
from qad.management.versioncommand import VersionFileCommand


class Command(VersionFileCommand):
    help = (
        "Load a Code Body's assessment criteria version from a YAML file (docs/version-files.md)."
    )

    def load(self, **kwargs):
        return criteria_set_load(**kwargs)
