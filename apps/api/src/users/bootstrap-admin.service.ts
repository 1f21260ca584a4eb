import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { hashPassword } from '#auth';
import { BERTH_CONFIG, type BerthConfig } from '#config';
import { isUniqueViolation, UsersRepository } from '#persistence';

/** Contract: with no users at all, create the first admin (password given, or generated and shown once). */
@Injectable()
export class BootstrapAdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger(BootstrapAdminService.name);

  constructor(
    private readonly users: UsersRepository,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if ((await this.users.count()) > 0) return;
    const generated = !this.config.BERTH_ADMIN_PASSWORD;
    const password = this.config.BERTH_ADMIN_PASSWORD ?? randomBytes(18).toString('base64url');
    try {
      await this.users.create({
        email: this.config.BERTH_ADMIN_EMAIL,
        name: 'Administrator',
        role: 'admin',
        passwordHash: await hashPassword(password),
      });
    } catch (error) {
      if (isUniqueViolation(error)) return; // another API process created it first
      throw error;
    }
    if (generated) {
      const file = path.resolve(this.config.BERTH_DATA_DIR, 'admin-password');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
      // Printed once, on purpose, to the terminal of whoever ran `npm run up`.
      process.stdout.write(
        `\nberth: created admin ${this.config.BERTH_ADMIN_EMAIL} with password ${password}\nberth: (saved to ${file})\n\n`,
      );
    } else {
      this.logger.log(`created admin ${this.config.BERTH_ADMIN_EMAIL} from BERTH_ADMIN_PASSWORD`);
    }
  }
}
