import { type ReactNode, useState } from 'react';
import { useSession, useUser } from '../auth/session';
import { Link, useLocation } from '../lib/router';

const DEV_LINKS = [
  { href: '/', label: 'Workspaces' },
  { href: '/workspaces/new', label: 'New workspace' },
  { href: '/ssh-keys', label: 'SSH keys' },
  { href: '/trash', label: 'Trash' },
];
const ADMIN_LINKS = [
  { href: '/admin/templates', label: 'Templates' },
  { href: '/admin/users', label: 'Users' },
  { href: '/admin/workspaces', label: 'All workspaces' },
  { href: '/admin/audit', label: 'Audit log' },
  { href: '/admin/system', label: 'System' },
];

export function Layout({ children }: { children: ReactNode }) {
  const user = useUser();
  const { signOut } = useSession();
  const { path } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const links = user.role === 'admin' ? [...DEV_LINKS, ...ADMIN_LINKS] : DEV_LINKS;
  const current = (href: string) =>
    href === '/'
      ? path === '/' || (path.startsWith('/workspaces/') && path !== '/workspaces/new')
      : path === href || path.startsWith(`${href}/`);

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/" className="brand">
          ⚓ Berth
        </Link>
        <button
          type="button"
          className="menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen((o) => !o)}
        >
          Menu
        </button>
        <nav id="main-nav" aria-label="Main" className={menuOpen ? 'open' : ''}>
          <ul>
            {links.map((l) => (
              <li key={l.href}>
                <Link
                  href={l.href}
                  aria-current={current(l.href) ? 'page' : undefined}
                  onClick={() => setMenuOpen(false)}
                >
                  {l.label}
                </Link>
              </li>
            ))}
          </ul>
          <div className="whoami">
            <span title={user.email}>
              {user.name || user.email}
              {user.role === 'admin' && <span className="tag">admin</span>}
            </span>
            <button type="button" className="link" onClick={() => void signOut()}>
              Sign out
            </button>
          </div>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
