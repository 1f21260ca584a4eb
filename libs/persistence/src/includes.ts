/**
 * Relation includes that more than one repository needs (kept out of the package's exports: they
 * are Prisma shapes). Control loops judge "last use" by the latest finished transition.
 */
export const LATEST_FINISHED_BUILD = {
  where: { finishedAt: { not: null } },
  orderBy: { finishedAt: 'desc' },
  take: 1,
  select: { finishedAt: true },
} as const;
