import { Controller, Get, Header, Inject, Req, UnauthorizedException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { type Request } from 'express';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { metricsAllowed, registry } from '#metrics';

/**
 * GET /metrics in the Prometheus text format: from loopback (as the trusted-proxy rules see the
 * client, so a request forwarded by a proxy on this host from elsewhere is not local), or with
 * `Authorization: Bearer $BERTH_METRICS_TOKEN`; 401 otherwise. Outside /api/v1, not in OpenAPI.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(BERTH_CONFIG) private readonly config: BerthConfig) {}

  @Get()
  @Header('Content-Type', registry.contentType)
  @Header('Cache-Control', 'no-store')
  metrics(@Req() req: Request): Promise<string> {
    if (!metricsAllowed(req.ip, req.headers.authorization, this.config.BERTH_METRICS_TOKEN))
      throw new UnauthorizedException('metrics are served to loopback, or with the metrics token');
    return registry.metrics();
  }
}
