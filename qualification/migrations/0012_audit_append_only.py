"""The audit table refuses UPDATE and DELETE in PostgreSQL itself, whatever code path or
person asks (the models refuse them too; on SQLite that is the only guard)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION qualification_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit records are written once: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER qualification_auditevent_append_only
    BEFORE UPDATE OR DELETE ON qualification_auditevent
    FOR EACH ROW EXECUTE FUNCTION qualification_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS qualification_auditevent_append_only ON qualification_auditevent;
DROP FUNCTION IF EXISTS qualification_audit_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)  # its % are PL/pgSQL's, not parameters


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("qualification", "0011_qualificationrole_activated_on")]

    operations = [migrations.RunPython(create, drop)]
