import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Message tracking (issue #20, docs/tracking.md): indexes so that any document is found by what a
 * person has in hand — an AS2 Message-ID, an X12 ISA13 or EDIFACT UNB reference, a file name, a
 * document number, an SSCC — without scanning the archive, and chains are gathered by correlation id.
 */
export class Tracking1764230400025 implements MigrationInterface {
  name = 'Tracking1764230400025';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX ix_interchange_message_id ON interchange ((metadata ->> 'messageId')) WHERE metadata ? 'messageId'`,
    );
    await q.query(
      `CREATE INDEX ix_interchange_filename ON interchange (filename) WHERE filename IS NOT NULL`,
    );
    // The intakes' answers hold every ISA13 / UNB reference of a receipt (containment queries).
    await q.query(`CREATE INDEX ix_interchange_answer ON interchange USING gin (answer jsonb_path_ops)`);
    await q.query(`CREATE INDEX ix_canonical_event_document_number ON canonical_event (document_number)`);
    // Ship notices' SSCCs and every other value inside a business document (containment queries).
    await q.query(
      `CREATE INDEX ix_canonical_event_payload ON canonical_event USING gin (payload jsonb_path_ops)`,
    );
    await q.query(`CREATE INDEX ix_outbound_document_correlation ON outbound_document (correlation_id)`);
    await q.query(`CREATE INDEX ix_erp_posting_correlation ON erp_posting (correlation_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const index of [
      'ix_erp_posting_correlation',
      'ix_outbound_document_correlation',
      'ix_canonical_event_payload',
      'ix_canonical_event_document_number',
      'ix_interchange_answer',
      'ix_interchange_filename',
      'ix_interchange_message_id',
    ])
      await q.query(`DROP INDEX ${index}`);
  }
}
