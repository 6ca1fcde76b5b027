"""What the database itself keeps, whatever code or SQL runs: a complaint is never deleted, keeps its number, key,
reception date and channel, is reopened once at most; its timeline is written once."""

from django.db import migrations

RULES = """
CREATE OR REPLACE FUNCTION complaints_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'complaints are kept, never deleted (%)', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE OR REPLACE FUNCTION complaints_written_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the timeline of a complaint is written once (% %)', TG_TABLE_NAME, OLD.id
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE OR REPLACE FUNCTION complaints_identity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.number, NEW.access_key_digest, NEW.received_at, NEW.channel)
       IS DISTINCT FROM (OLD.number, OLD.access_key_digest, OLD.received_at, OLD.channel) THEN
        RAISE EXCEPTION 'a complaint keeps its number, key, date and channel (complaint %)', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.reopened_at IS NOT NULL AND NEW.reopened_at IS DISTINCT FROM OLD.reopened_at THEN
        RAISE EXCEPTION 'a complaint is reopened once at most (complaint %)', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER complaints_complaint_never_deleted BEFORE DELETE ON complaints_complaint
    FOR EACH ROW EXECUTE FUNCTION complaints_never_deleted();
CREATE TRIGGER complaints_event_written_once BEFORE UPDATE OR DELETE ON complaints_complaintevent
    FOR EACH ROW EXECUTE FUNCTION complaints_written_once();
CREATE TRIGGER complaints_identity BEFORE UPDATE ON complaints_complaint
    FOR EACH ROW EXECUTE FUNCTION complaints_identity();
"""

UNDO = """
DROP TRIGGER IF EXISTS complaints_identity ON complaints_complaint;
DROP TRIGGER IF EXISTS complaints_event_written_once ON complaints_complaintevent;
DROP TRIGGER IF EXISTS complaints_complaint_never_deleted ON complaints_complaint;
DROP FUNCTION IF EXISTS complaints_identity();
DROP FUNCTION IF EXISTS complaints_written_once();
DROP FUNCTION IF EXISTS complaints_never_deleted();
"""


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunSQL(RULES, UNDO)]
