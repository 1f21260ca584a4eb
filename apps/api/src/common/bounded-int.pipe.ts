import { type PipeTransform } from '@nestjs/common';
import { BerthError, ErrorCode } from '#domain';

/** Postgres `integer` columns end here: a larger path number was a 500 from the database. */
export const INT4_MAX = 2_147_483_647;

/** A whole number in a path segment, within bounds, or a 400 naming the parameter. */
export class BoundedIntPipe implements PipeTransform<string, number> {
  constructor(
    private readonly field: string,
    private readonly min = 1,
    private readonly max = INT4_MAX,
  ) {}

  transform(value: string): number {
    const n = /^-?\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < this.min || n > this.max)
      throw new BerthError(
        ErrorCode.Validation,
        `${this.field}: must be a whole number from ${this.min} to ${this.max}`,
        { field: this.field },
      );
    return n;
  }
}
