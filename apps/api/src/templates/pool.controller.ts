import { Body, Controller, Param, ParseUUIDPipe, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { SharedResource } from '#auth';
import { BoundedIntPipe } from '../common/bounded-int.pipe.js';
import { Operation } from '../common/api-operation.js';
import { SetPoolSizeDto } from './pool.dto.js';
import { TemplatePoolService } from './pool.service.js';
import { type TemplateVersionView } from './templates.dto.js';

/**
 * The warm pool's one setting, per template version (as Coder's prebuilds, set per template
 * version preset; Codespaces' prebuilds per configuration): admin only (door table).
 */
@ApiTags('templates')
@SharedResource()
@Controller('templates')
export class TemplatePoolController {
  constructor(private readonly pool: TemplatePoolService) {}

  @Put(':id/versions/:n/pool')
  @Operation({
    id: 'setTemplateVersionPoolSize',
    summary: "Set a version's warm pool size (started workspaces kept ready while it is promoted)",
    status: 200,
    returns: 'TemplateVersion',
  })
  setSize(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('n', new BoundedIntPipe('n')) n: number,
    @Body() dto: SetPoolSizeDto,
  ): Promise<TemplateVersionView> {
    return this.pool.setSize(id, n, dto.size);
  }
}
