"""The template clone copies everything a commune schema holds, under the same names, in one script."""

import pytest
from django.db import connection

from tenants.services.clone import UnsupportedTemplate, clone_script, clone_template

CATALOG = {
    "columns": """SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity,
                         pg_get_expr(d.adbin, d.adrelid)
                  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                  LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
                  WHERE c.relnamespace = %(schema)s::regnamespace AND c.relkind = 'r'""",
    "constraints": """SELECT c.relname, con.conname, pg_get_constraintdef(con.oid) FROM pg_constraint con
                      JOIN pg_class c ON c.oid = con.conrelid
                      WHERE con.connamespace = %(schema)s::regnamespace AND con.contype <> 'n'""",
    "indexes": """SELECT indexname, tablename, split_part(indexdef, ' WHERE ', 1) FROM pg_indexes
                  WHERE schemaname = %(schema)s""",
    "triggers": """SELECT t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                   WHERE c.relnamespace = %(schema)s::regnamespace AND NOT t.tgisinternal""",
    "functions": "SELECT proname, prosrc FROM pg_proc WHERE pronamespace = %(schema)s::regnamespace",
    "sequences": "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = %(schema)s",
}


def catalog(schema: str) -> dict[str, set]:
    described = {}
    with connection.cursor() as cursor:
        for name, sql in CATALOG.items():
            cursor.execute(sql, {"schema": schema})
            described[name] = {
                tuple(str(value).replace(f"{schema}.", "<schema>.") for value in row) for row in cursor.fetchall()
            }
        rows = set()
        for table in {row[0] for row in described["columns"]}:
            cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')
            rows.add((table, cursor.fetchone()[0]))
        described["rows"] = rows
    return described


def test_a_clone_is_the_template_under_another_name(db):
    connection.set_schema_to_public()
    clone_template("template", "clone_check")
    template, clone = catalog("template"), catalog("clone_check")
    for part in CATALOG:
        assert clone[part] == template[part], part
    assert clone["rows"] == template["rows"]
    assert any(name == "audit_auditentry" for name, _ in clone["rows"])


def test_the_cloned_triggers_guard_the_clone(db):
    connection.set_schema_to_public()
    clone_template("template", "clone_guard")
    with connection.cursor() as cursor:
        cursor.execute("SAVEPOINT before_forbidden")
        with pytest.raises(Exception, match="append-only"):
            cursor.execute("TRUNCATE clone_guard.audit_auditentry")
        cursor.execute("ROLLBACK TO SAVEPOINT before_forbidden")


def test_a_template_with_objects_it_cannot_copy_falls_back_to_the_stock_clone(db):
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA odd_template; CREATE TABLE odd_template.t (id int); "
                       "CREATE VIEW odd_template.v AS SELECT id FROM odd_template.t")
    with pytest.raises(UnsupportedTemplate, match="v"):
        clone_script("odd_template", "odd_clone")
    connection.set_schema_to_public()
    clone_template("odd_template", "odd_clone")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM information_schema.views WHERE table_schema = 'odd_clone'")
        assert cursor.fetchone()[0] == 1
