"""What the database itself keeps, whatever code or SQL runs: online requests and their attached papers are
never deleted (a withdrawn or refused request stays, marked), a request keeps its number and service, and the
timeline of a request is written once."""

from django.db import migrations

RULES = """
CREATE OR REPLACE FUNCTION eservices_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'online requests are kept, never deleted (%)', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE OR REPLACE FUNCTION eservices_written_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the timeline of a request is written once (% %)', TG_TABLE_NAME, OLD.id
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE OR REPLACE FUNCTION eservices_request_identity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.tracking_number, NEW.service_code, NEW.access_key_digest, NEW.submitted_at)
       IS DISTINCT FROM (OLD.tracking_number, OLD.service_code, OLD.access_key_digest, OLD.submitted_at) THEN
        RAISE EXCEPTION 'a request keeps its number, service, key and date (request %)', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER eservices_request_never_deleted BEFORE DELETE ON eservices_servicerequest
    FOR EACH ROW EXECUTE FUNCTION eservices_never_deleted();
CREATE TRIGGER eservices_attachment_never_deleted BEFORE DELETE ON eservices_requestattachment
    FOR EACH ROW EXECUTE FUNCTION eservices_never_deleted();
CREATE TRIGGER eservices_event_written_once BEFORE UPDATE OR DELETE ON eservices_requestevent
    FOR EACH ROW EXECUTE FUNCTION eservices_written_once();
CREATE TRIGGER eservices_request_identity BEFORE UPDATE ON eservices_servicerequest
    FOR EACH ROW EXECUTE FUNCTION eservices_request_identity();
"""

UNDO = """
DROP TRIGGER IF EXISTS eservices_request_identity ON eservices_servicerequest;
DROP TRIGGER IF EXISTS eservices_event_written_once ON eservices_requestevent;
DROP TRIGGER IF EXISTS eservices_attachment_never_deleted ON eservices_requestattachment;
DROP TRIGGER IF EXISTS eservices_request_never_deleted ON eservices_servicerequest;
DROP FUNCTION IF EXISTS eservices_request_identity();
DROP FUNCTION IF EXISTS eservices_written_once();
DROP FUNCTION IF EXISTS eservices_never_deleted();
"""


class Migration(migrations.Migration):
    dependencies = [("eservices", "0001_initial")]
    operations = [migrations.RunSQL(RULES, UNDO)]
