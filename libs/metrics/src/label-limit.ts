/**
 * Cardinality limit for one metric's label values: the first `max` distinct values are kept as
 * they are, any later one is reported as `other`. Label values here come from code (routes,
 * stages, operations) or from admins (template names), so the limit is a safety net that keeps a
 * bug or a very large installation from growing Prometheus's series without bound.
 */
export class LabelLimit {
  private readonly seen = new Set<string>();

  constructor(private readonly max: number) {}

  value(raw: string): string {
    if (this.seen.has(raw)) return raw;
    if (this.seen.size >= this.max) return OTHER;
    this.seen.add(raw);
    return raw;
  }
}

export const OTHER = 'other';
