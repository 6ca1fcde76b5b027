"""Cloning the template schema into a new commune's schema, at a cost that does not grow with the communes.

django-tenants ships pg-clone-schema's `clone_schema()` PL/pgSQL function, whose catalog queries read the
database-wide `pg_indexes`, `information_schema` and friends for every table it copies: a clone took 0.75 s with
3 schemas and 14 s with 200 (`make bench`), and the country has 1,500 communes. This module writes the clone as
one SQL script built from catalog queries restricted to the template's namespace (tables and their columns,
constraints and indexes under their original names, identity sequences and their positions, trigger functions,
triggers, rows), then runs it. A template holding a kind of object the script does not know how to copy (a view,
a type, a free-standing sequence, ...) is cloned by django-tenants' function instead, so nothing is ever lost.
"""

from __future__ import annotations

import re

from django.db import connection
from django_tenants.clone import CloneSchema


class UnsupportedTemplate(Exception):
    """The template holds objects this cloner does not copy; the stock clone is used instead."""


def _q(identifier: str) -> str:
    return connection.ops.quote_name(identifier)


def _fetch(cursor, sql: str, params) -> list[tuple]:
    cursor.execute(sql, params)
    return cursor.fetchall()


def _check_supported(cursor, namespace: int) -> None:
    others = _fetch(cursor, """
        SELECT c.relkind, c.relname FROM pg_class c
        WHERE c.relnamespace = %(ns)s AND c.relkind NOT IN ('r', 'i', 'S')
        UNION ALL
        SELECT 'S', c.relname FROM pg_class c
        WHERE c.relnamespace = %(ns)s AND c.relkind = 'S'
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'i')
        UNION ALL
        SELECT 'type', t.typname FROM pg_type t
        WHERE t.typnamespace = %(ns)s AND t.typtype <> 'c' AND t.typelem = 0
          AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.reltype = t.oid)
        UNION ALL
        SELECT 'routine', p.proname FROM pg_proc p WHERE p.pronamespace = %(ns)s AND p.prokind <> 'f'
        UNION ALL
        SELECT 'identity options', s.relname FROM pg_class s JOIN pg_sequence q ON q.seqrelid = s.oid
        WHERE s.relnamespace = %(ns)s
          AND (q.seqcache <> 1 OR q.seqcycle OR q.seqincrement <> 1 OR q.seqmin <> 1
               OR q.seqmax <> CASE q.seqtypid WHEN 'int8'::regtype THEN 9223372036854775807
                                              WHEN 'int4'::regtype THEN 2147483647 ELSE 32767 END)
    """, {"ns": namespace})
    if others:
        raise UnsupportedTemplate(", ".join(f"{kind}:{name}" for kind, name in others))


def clone_script(source: str, dest: str) -> str:
    """The SQL that makes `dest` a copy of `source` (read with search_path = pg_catalog so that every name in
    the catalog's definitions comes out schema-qualified, and the qualifier can be swapped)."""
    qualified = re.compile(rf"(?<![\w\"]){re.escape(_q(source))}\.|(?<![\w\"]){re.escape(source)}\.")
    swap = f"{_q(dest)}."

    def moved(definition: str) -> str:
        return qualified.sub(swap, definition)

    try:
        with connection.cursor() as cursor:
            cursor.execute("SET search_path = pg_catalog")
            namespace = _fetch(cursor, "SELECT oid FROM pg_namespace WHERE nspname = %s", [source])[0][0]
            _check_supported(cursor, namespace)
            # Correlated lookups by table oid use the catalogs' indexes; joins here would read every commune's rows.
            columns = _fetch(cursor, """
                SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity,
                       a.attgenerated,
                       (SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d
                        WHERE d.adrelid = c.oid AND d.adnum = a.attnum),
                       CASE WHEN a.attcollation <> t.typcollation
                            THEN (SELECT co.collname FROM pg_collation co WHERE co.oid = a.attcollation) END,
                       seq.relname, seq.seqstart, seq.seqincrement
                FROM pg_class c
                JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                JOIN pg_type t ON t.oid = a.atttypid
                LEFT JOIN LATERAL (
                    SELECT s.relname, ps.seqstart, ps.seqincrement
                    FROM pg_depend dep JOIN pg_class s ON s.oid = dep.objid JOIN pg_sequence ps ON ps.seqrelid = s.oid
                    WHERE a.attidentity <> '' AND dep.refclassid = 'pg_class'::regclass AND dep.refobjid = c.oid
                      AND dep.refobjsubid = a.attnum AND dep.deptype = 'i' AND dep.classid = 'pg_class'::regclass
                ) seq ON true
                WHERE c.relnamespace = %s AND c.relkind = 'r'
                ORDER BY c.relname, a.attnum
            """, [namespace])
            constraints = _fetch(cursor, """
                SELECT c.relname, con.conname, con.contype, pg_get_constraintdef(con.oid)
                FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
                WHERE con.connamespace = %s AND con.contype IN ('p', 'u', 'c', 'f', 'x')
                ORDER BY con.contype = 'f', c.relname, con.conname
            """, [namespace])
            indexes = _fetch(cursor, """
                SELECT pg_get_indexdef(i.indexrelid)
                FROM pg_class c JOIN pg_index i ON i.indrelid = c.oid JOIN pg_class ic ON ic.oid = i.indexrelid
                WHERE c.relnamespace = %(ns)s AND c.relkind = 'r'
                  AND i.indexrelid NOT IN (SELECT con.conindid FROM pg_constraint con
                                           WHERE con.connamespace = %(ns)s AND con.contype IN ('p', 'u', 'x'))
                ORDER BY ic.relname
            """, {"ns": namespace})
            functions = _fetch(cursor, """
                SELECT pg_get_functiondef(p.oid) FROM pg_proc p WHERE p.pronamespace = %s ORDER BY p.proname
            """, [namespace])
            triggers = _fetch(cursor, """
                SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                WHERE c.relnamespace = %s AND NOT t.tgisinternal ORDER BY t.tgname
            """, [namespace])
            sequences = sorted({row[8] for row in columns if row[8]})
            positions = _fetch(cursor, " UNION ALL ".join(
                f"SELECT %s, last_value FROM {_q(source)}.{_q(name)} WHERE is_called" for name in sequences
            ), sequences) if sequences else []
    finally:
        # django-tenants sets the commune's search path again on the next cursor.
        connection.search_path_set_schemas = None

    statements = [f"CREATE SCHEMA {_q(dest)}"]
    statements += [moved(definition) for (definition,) in functions]
    tables: dict[str, list[str]] = {}
    copied: dict[str, list[str]] = {}
    for table, name, kind, not_null, identity, generated, default, collation, sequence, start, step in columns:
        column = f"{_q(name)} {kind}"
        if collation:
            column += f" COLLATE {_q(collation)}"
        if generated == "s":
            column += f" GENERATED ALWAYS AS ({moved(default)}) STORED"
        elif identity:
            mode = "ALWAYS" if identity == "a" else "BY DEFAULT"
            column += (f" GENERATED {mode} AS IDENTITY (SEQUENCE NAME {_q(dest)}.{_q(sequence)}"
                       f" START WITH {start} INCREMENT BY {step})")
        elif default is not None:
            column += f" DEFAULT {moved(default)}"
        if not_null:
            column += " NOT NULL"
        tables.setdefault(table, []).append(column)
        if generated != "s":
            copied.setdefault(table, []).append(_q(name))
    for table, definitions in tables.items():
        statements.append(f"CREATE TABLE {_q(dest)}.{_q(table)} ({', '.join(definitions)})")
    for table, names in copied.items():
        column_list = ", ".join(names)
        statements.append(
            f"INSERT INTO {_q(dest)}.{_q(table)} ({column_list}) OVERRIDING SYSTEM VALUE "
            f"SELECT {column_list} FROM {_q(source)}.{_q(table)}"
        )
    for sequence, position in positions:
        statements.append(f"SELECT setval('{_q(dest)}.{_q(sequence)}', {int(position)})")
    for table, name, _kind, definition in constraints:
        statements.append(f"ALTER TABLE {_q(dest)}.{_q(table)} ADD CONSTRAINT {_q(name)} {moved(definition)}")
    statements += [moved(definition) for (definition,) in indexes]
    statements += [moved(definition) for (definition,) in triggers]
    return ";\n".join(statements) + ";"


def clone_template(template_schema: str, new_schema: str) -> None:
    """Create `new_schema` as a copy of the template's tables, rows, constraints, indexes, identity sequences,
    functions and triggers (its migration records included, so its migrations count as applied). Runs in the
    caller's transaction, so a failure later in provisioning takes the schema away with it."""
    try:
        script = clone_script(template_schema, new_schema)
    except UnsupportedTemplate:
        CloneSchema().clone_schema(template_schema, new_schema, "DATA", set_connection=False)
        return
    with connection.cursor() as cursor:
        cursor.execute(script)
