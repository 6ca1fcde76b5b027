"""Public-accounting rules kept by the database itself, whatever code or SQL runs on the application's connection:
receipts, cash days, assessments, remittance slips and the book ledger are never deleted; a receipt only ever
changes from valid to voided (its number, amount and payer stay); nothing changes on a closed cash day."""

from django.db import migrations

RULES = """
CREATE OR REPLACE FUNCTION regie_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'public-accounting records are never deleted (%)', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE OR REPLACE FUNCTION regie_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'public-accounting records are written once (% %)', TG_TABLE_NAME, OLD.id
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE OR REPLACE FUNCTION regie_receipt_rules() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    day_status text;
BEGIN
    SELECT status INTO day_status FROM regie_cashday WHERE id = NEW.cash_day_id;
    IF day_status = 'closed' THEN
        RAISE EXCEPTION 'the cash day % is closed: no receipt is added or changed', NEW.cash_day_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF OLD.status <> 'valid' OR NEW.status <> 'voided' THEN
            RAISE EXCEPTION 'a receipt only changes from valid to voided (receipt %)', OLD.id
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF (NEW.book_id, NEW.number, NEW.cash_day_id, NEW.cashier_id, NEW.issued_at, NEW.collected_at,
            NEW.taxpayer_id, NEW.payer_name, NEW.assessment_id, NEW.item_id, NEW.tariff_version_id, NEW.base_values,
            NEW.principal, NEW.penalty, NEW.amount, NEW.method, NEW.method_reference, NEW.device_block_id,
            NEW.idempotency_key)
           IS DISTINCT FROM
           (OLD.book_id, OLD.number, OLD.cash_day_id, OLD.cashier_id, OLD.issued_at, OLD.collected_at,
            OLD.taxpayer_id, OLD.payer_name, OLD.assessment_id, OLD.item_id, OLD.tariff_version_id, OLD.base_values,
            OLD.principal, OLD.penalty, OLD.amount, OLD.method, OLD.method_reference, OLD.device_block_id,
            OLD.idempotency_key) THEN
            RAISE EXCEPTION 'voiding a receipt keeps its number, payer and amounts (receipt %)', OLD.id
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION regie_closed_day_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'closed' THEN
        RAISE EXCEPTION 'the cash day % is closed', OLD.id USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION regie_cancelled_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'cancelled' THEN
        RAISE EXCEPTION 'a cancelled assessment is kept as it is (%)', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER regie_receipt_rules BEFORE INSERT OR UPDATE ON regie_receipt
    FOR EACH ROW EXECUTE FUNCTION regie_receipt_rules();
CREATE TRIGGER regie_cashday_final BEFORE UPDATE ON regie_cashday
    FOR EACH ROW EXECUTE FUNCTION regie_closed_day_is_final();
CREATE TRIGGER regie_assessment_final BEFORE UPDATE ON regie_assessment
    FOR EACH ROW EXECUTE FUNCTION regie_cancelled_is_final();
CREATE TRIGGER regie_movement_written_once BEFORE UPDATE ON regie_bookmovement
    FOR EACH ROW EXECUTE FUNCTION regie_append_only();
CREATE TRIGGER regie_remittance_written_once BEFORE UPDATE ON regie_remittance
    FOR EACH ROW EXECUTE FUNCTION regie_append_only();
"""

TABLES = ("receipt", "cashday", "assessment", "bookmovement", "remittance", "receiptbook", "deviceblock",
          "annualcheck", "bookcheck")
for table in TABLES:
    RULES += (f"CREATE TRIGGER regie_{table}_kept BEFORE DELETE ON regie_{table} "
              "FOR EACH ROW EXECUTE FUNCTION regie_never_deleted();\n"
              f"CREATE TRIGGER regie_{table}_not_truncated BEFORE TRUNCATE ON regie_{table} "
              "FOR EACH STATEMENT EXECUTE FUNCTION regie_never_deleted();\n")

UNDO = "".join(f"DROP TRIGGER IF EXISTS regie_{table}_kept ON regie_{table};\n"
               f"DROP TRIGGER IF EXISTS regie_{table}_not_truncated ON regie_{table};\n" for table in TABLES) + """
DROP TRIGGER IF EXISTS regie_receipt_rules ON regie_receipt;
DROP TRIGGER IF EXISTS regie_cashday_final ON regie_cashday;
DROP TRIGGER IF EXISTS regie_assessment_final ON regie_assessment;
DROP TRIGGER IF EXISTS regie_movement_written_once ON regie_bookmovement;
DROP TRIGGER IF EXISTS regie_remittance_written_once ON regie_remittance;
DROP FUNCTION IF EXISTS regie_receipt_rules();
DROP FUNCTION IF EXISTS regie_closed_day_is_final();
DROP FUNCTION IF EXISTS regie_cancelled_is_final();
DROP FUNCTION IF EXISTS regie_append_only();
DROP FUNCTION IF EXISTS regie_never_deleted();
"""


class Migration(migrations.Migration):
    dependencies = [("regie", "0001_initial")]

    operations = [migrations.RunSQL(RULES, UNDO)]
