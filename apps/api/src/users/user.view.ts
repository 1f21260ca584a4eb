import { type QuotaSummary } from '../workspaces/quota.service.js';

/**
 * The public shape of a user (contract: `{id,email,name,role}`; admins also see `active`;
 * `/users/me` and an admin's PATCH also show the quota: effective limits, overrides and usage).
 */
export interface UserView {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'developer';
  active?: boolean;
  quota?: QuotaSummary;
}

export const toUserView = (
  u: { id: string; email: string; name: string; role: 'admin' | 'developer'; active?: boolean },
  quota?: QuotaSummary,
): UserView => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  ...(u.active === undefined ? {} : { active: u.active }),
  ...(quota === undefined ? {} : { quota }),
});
