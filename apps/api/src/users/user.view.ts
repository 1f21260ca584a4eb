/** The public shape of a user (contract: `{id,email,name,role}`; admins also see `active`). */
export interface UserView {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'developer';
  active?: boolean;
}

export const toUserView = (u: { id: string; email: string; name: string; role: 'admin' | 'developer'; active?: boolean }): UserView => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  ...(u.active === undefined ? {} : { active: u.active }),
});
