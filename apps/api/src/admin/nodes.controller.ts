import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

import { RUNTIME_DRIVER, type RuntimeDriver, type RuntimeNode } from '#runtime';
import { Operation } from '../common/api-operation.js';

export class CordonBody {
  /** Shown on the nodes page and kept on the node (a Swarm node label). */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;
}

/**
 * The hosts that run workspaces (docs/scale-out.md): capacity, workspaces and health, and cordon
 * (no new workspaces there; those running stay). Admins only; cordon needs the `all` scope (door
 * table) and is audited (`nodes.cordon`, `nodes.uncordon`). One Docker engine is one node that
 * cannot be cordoned (409).
 */
@ApiTags('admin')
@Controller('admin/nodes')
export class NodesController {
  constructor(@Inject(RUNTIME_DRIVER) private readonly runtime: RuntimeDriver) {}

  @Get()
  @Operation({
    id: 'listNodes',
    summary: 'The nodes that run workspaces',
    status: 200,
    returns: { listOf: 'RuntimeNode' },
  })
  list(): Promise<RuntimeNode[]> {
    return this.runtime.nodes();
  }

  @Post(':id/cordon')
  @HttpCode(200)
  @Operation({
    id: 'cordonNode',
    summary: 'Place no new workspaces on a node',
    status: 200,
    returns: 'RuntimeNode',
    errors: [409],
  })
  cordon(@Param('id') id: string, @Body() body: CordonBody): Promise<RuntimeNode> {
    return this.runtime.cordonNode(id, true, body.reason);
  }

  @Post(':id/uncordon')
  @HttpCode(200)
  @Operation({
    id: 'uncordonNode',
    summary: 'Place workspaces on a node again',
    status: 200,
    returns: 'RuntimeNode',
    errors: [409],
  })
  uncordon(@Param('id') id: string): Promise<RuntimeNode> {
    return this.runtime.cordonNode(id, false);
  }
}
