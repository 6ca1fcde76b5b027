from django.db import migrations

LOCK = """
CREATE OR REPLACE FUNCTION civil_status_signed_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'civil-status records are never deleted (%)', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'civil-status records are never deleted (% %)', TG_TABLE_NAME, OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.status = 'signed' THEN
        RAISE EXCEPTION 'a signed civil-status record is never changed: write a marginal mention (% %)',
            TG_TABLE_NAME, OLD.id USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.status = 'abandoned' THEN
        RAISE EXCEPTION 'an abandoned draft is kept as it is (% %)', TG_TABLE_NAME, OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER civil_status_act_final BEFORE UPDATE OR DELETE ON civil_status_act
    FOR EACH ROW EXECUTE FUNCTION civil_status_signed_is_final();
CREATE TRIGGER civil_status_mention_final BEFORE UPDATE OR DELETE ON civil_status_marginalmention
    FOR EACH ROW EXECUTE FUNCTION civil_status_signed_is_final();
CREATE TRIGGER civil_status_act_no_truncate BEFORE TRUNCATE ON civil_status_act
    FOR EACH STATEMENT EXECUTE FUNCTION civil_status_signed_is_final();
"""

UNLOCK = """
DROP TRIGGER IF EXISTS civil_status_act_final ON civil_status_act;
DROP TRIGGER IF EXISTS civil_status_mention_final ON civil_status_marginalmention;
DROP TRIGGER IF EXISTS civil_status_act_no_truncate ON civil_status_act;
DROP FUNCTION IF EXISTS civil_status_signed_is_final();
"""


class Migration(migrations.Migration):
    dependencies = [("civil_status", "0001_initial")]

    operations = [migrations.RunSQL(LOCK, UNLOCK)]
