import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The buyer workbench's queue (#20): the cases waiting for a buyer (open or escalated) in impact
 * order (value at risk, then days late, both highest first, then oldest; the keys of
 * ix_exception_case_impact), alone and after the two filters a buyer narrows by first, partner and
 * plant. Partial, so a queue page reads only cases still in play however many are decided.
 */
export class Workbench1764230400026 implements MigrationInterface {
  name = 'Workbench1764230400026';

  async up(q: QueryRunner): Promise<void> {
    const impact = `(-coalesce(value_at_risk, -1)), (-coalesce(days_late, -1)), created_at, id`;
    const waiting = `WHERE state IN ('open', 'escalated')`;
    await q.query(`CREATE INDEX ix_exception_case_workbench ON exception_case (${impact}) ${waiting}`);
    await q.query(
      `CREATE INDEX ix_exception_case_workbench_partner ON exception_case (partner_id, ${impact}) ${waiting}`,
    );
    await q.query(
      `CREATE INDEX ix_exception_case_workbench_plant ON exception_case (plant, ${impact}) ${waiting}`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_exception_case_workbench_plant`);
    await q.query(`DROP INDEX ix_exception_case_workbench_partner`);
    await q.query(`DROP INDEX ix_exception_case_workbench`);
  }
}
