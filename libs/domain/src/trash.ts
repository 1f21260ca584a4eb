import { invalid } from './errors.js';

const DAY_MS = 24 * 3600 * 1000;

/** When a volume moved to the trash now is purged. */
export const trashExpiry = (trashDays: number, now = new Date()): Date => new Date(now.getTime() + trashDays * DAY_MS);

/**
 * Deleting a home for good cannot be undone: an admin may do it directly, the owner must type the
 * workspace's name again (the portal's dialog asks for it; scripts pass `confirm=<name>`).
 */
export function assertPurgeConfirmed(role: 'admin' | 'developer', workspaceName: string, confirm?: string): void {
  if (role === 'admin' || confirm === workspaceName) return;
  throw invalid(`deleting a workspace for good needs its name typed again: confirm=${workspaceName}`, 'confirm');
}

/** How the trash retention is described to people (portal dialog, logs). */
export function describeTrashDays(days: number): string {
  if (days >= 1) return `${Number(days.toFixed(2))} day${days === 1 ? '' : 's'}`;
  const hours = days * 24;
  if (hours >= 1) return `${Number(hours.toFixed(1))} hours`;
  return `${Math.max(1, Math.round(hours * 60))} minutes`;
}
