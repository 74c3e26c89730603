from django.db import migrations

from qualification.reference_data import ensure_reference_data


def load(apps, schema_editor):
    ensure_reference_data(
        apps.get_model("qualification", "CodeBody"), apps.get_model("qualification", "MarketRole")
    )


def unload(apps, schema_editor):
    apps.get_model("qualification", "MarketRole").objects.all().delete()
    apps.get_model("qualification", "CodeBody").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("qualification", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
