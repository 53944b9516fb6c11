import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows, type Queryable } from '../platform/database/sql.js';
import type { RoutingRule } from './exception-routing.js';

const ruleColumns = (t: string) => `${t}.id::text AS id, ${t}.partner_id AS "partnerId", ${t}.plant,
  ${t}.type_prefix AS "typePrefix", ${t}.owner_user_id::text AS "ownerUserId", ${t}.priority,
  to_char(${t}.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdAt"`;
const RULE_COLUMNS = ruleColumns('exception_routing_rule');

/** SQL for routing rules; which rule wins is decided in exception-routing.ts. */
@Injectable()
export class ExceptionRoutingRepository {
  /**
   * Rules that could match a case of this partner and plant, whose owner is still an active user:
   * a rule pointing at someone who left routes nothing, so the next rule (or nobody) takes over.
   */
  async candidates(
    tx: EntityManager,
    partnerId: string | null,
    plant: string | null,
  ): Promise<RoutingRule[]> {
    return queryRows<RoutingRule>(
      tx,
      `SELECT ${ruleColumns('r')}
         FROM exception_routing_rule r JOIN app_user u ON u.id = r.owner_user_id
        WHERE u.active AND (r.partner_id IS NULL OR r.partner_id = $1) AND (r.plant IS NULL OR r.plant = $2)`,
      [partnerId, plant],
    );
  }

  async insert(
    tx: EntityManager,
    rule: {
      partnerId: string | null;
      plant: string | null;
      typePrefix: string | null;
      ownerUserId: string;
      priority: number;
    },
  ): Promise<RoutingRule | undefined> {
    const [row] = await queryRows<RoutingRule>(
      tx,
      `INSERT INTO exception_routing_rule (partner_id, plant, type_prefix, owner_user_id, priority)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT ((coalesce(partner_id, '')), (coalesce(plant, '')), (coalesce(type_prefix, ''))) DO NOTHING
       RETURNING ${RULE_COLUMNS}`,
      [rule.partnerId, rule.plant, rule.typePrefix, rule.ownerUserId, rule.priority],
    );
    return row;
  }

  async delete(tx: EntityManager, id: string): Promise<RoutingRule | undefined> {
    const [row] = await queryRows<RoutingRule>(
      tx,
      `DELETE FROM exception_routing_rule WHERE id = $1 RETURNING ${RULE_COLUMNS}`,
      [id],
    );
    return row;
  }

  async all(db: Queryable): Promise<RoutingRule[]> {
    return queryRows<RoutingRule>(
      db,
      `SELECT ${RULE_COLUMNS} FROM exception_routing_rule
        ORDER BY partner_id NULLS LAST, plant NULLS LAST, type_prefix NULLS LAST, created_at`,
    );
  }
}
