import type { FastifyRequest } from 'fastify';

import type { AuditContext } from '../auth/audit/audit.repository.ts';

/** Where a request came from, for sessions and the audit trail. */
export function auditContext(request: FastifyRequest): AuditContext {
  const agent = request.headers['user-agent'];
  return {
    ip: request.ip ?? null,
    userAgent: typeof agent === 'string' ? agent.slice(0, 512) : null,
  };
}
