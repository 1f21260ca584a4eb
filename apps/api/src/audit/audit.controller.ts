import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';

import { AuditQueryDto } from './audit.dto.js';
import { AuditService, type AuditEventView } from './audit.service.js';
import { Operation } from '../common/api-operation.js';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Newest first; pass `before=<nextBefore>` for the next page. */
  @Operation({ id: 'listAuditEvents', summary: 'Read the audit log, newest first', status: 200, returns: 'AuditPage' })
  @Get()
  list(@Query() q: AuditQueryDto): Promise<{ events: AuditEventView[]; nextBefore: string | null }> {
    return this.audit.list({
      actorId: q.actorId,
      action: q.action,
      targetId: q.targetId,
      outcome: q.outcome,
      since: q.since ? new Date(q.since) : undefined,
      until: q.until ? new Date(q.until) : undefined,
      before: q.before ? BigInt(q.before) : undefined,
      limit: q.limit ?? 50,
    });
  }
}
