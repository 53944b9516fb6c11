import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ASN builder's submission claim (docs/asn-builder.md, "Sending"): while a revision of a ship
 * notice draft is being sent, the draft row says which (`sending_revision`, `sending_kind`) and holds
 * the exact JSON document handed to the archive (`sending_document`). A cancel or a change meanwhile is
 * refused; a submit (or, for a cancellation, a cancel) repeated after an interruption sends the same
 * bytes under the same Idempotency-Key and completes it; the claim is cleared when the revision is
 * recorded as sent.
 */
export class AsnBuilderSending1764230400030 implements MigrationInterface {
  name = 'AsnBuilderSending1764230400030';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE ship_notice_draft
        ADD COLUMN sending_revision integer,
        ADD COLUMN sending_kind     text,
        ADD COLUMN sending_document text,
        ADD CONSTRAINT ck_ship_notice_draft_sending CHECK (
          (sending_revision IS NULL AND sending_kind IS NULL AND sending_document IS NULL)
          OR (sending_revision IS NOT NULL AND sending_document IS NOT NULL AND sending_kind IS NOT NULL
              AND sending_kind IN ('original', 'replacement', 'cancellation')))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE ship_notice_draft
        DROP CONSTRAINT ck_ship_notice_draft_sending,
        DROP COLUMN sending_document,
        DROP COLUMN sending_kind,
        DROP COLUMN sending_revision`);
  }
}
