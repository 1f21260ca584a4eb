import { Module } from '@nestjs/common';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { OidcAuthenticator } from './oidc-authenticator.js';
import { loadOidcSettings, OIDC_SETTINGS, type OidcSettings } from './oidc-settings.js';

/**
 * Single sign-on. Imported by the API's HTTP auth module only, so the issuer is discovered when
 * the API starts (the worker never needs it); the async factory makes Nest wait for discovery.
 */
@Module({
  providers: [
    {
      provide: OIDC_SETTINGS,
      inject: [BERTH_CONFIG],
      useFactory: (config: BerthConfig): Promise<OidcSettings> => loadOidcSettings(config),
    },
    OidcAuthenticator,
  ],
  exports: [OidcAuthenticator],
})
export class OidcModule {}
