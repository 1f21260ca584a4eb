import type { ReactNode } from 'react';
import { AllWorkspacesPage } from './admin/AllWorkspacesPage';
import { AuditPage } from './admin/AuditPage';
import { NewTemplatePage } from './admin/NewTemplatePage';
import { SystemPage } from './admin/SystemPage';
import { TemplateDetailPage } from './admin/TemplateDetailPage';
import { TemplatesPage } from './admin/TemplatesPage';
import { UsersPage } from './admin/UsersPage';
import { useSession, useUser } from './auth/session';
import { SignInPage } from './auth/SignInPage';
import { ResetPasswordPage } from './auth/ResetPasswordPage';
import { Layout } from './components/Layout';
import { Empty, Loading } from './components/States';
import { Link, match, useLocation } from './lib/router';
import { CreateWorkspacePage } from './workspaces/CreateWorkspacePage';
import { WorkspaceDetailPage } from './workspaces/WorkspaceDetailPage';
import { WorkspacesPage } from './workspaces/WorkspacesPage';
import { SshKeysPage } from './ssh/SshKeysPage';
import { TrashPage } from './workspaces/TrashPage';

export function App() {
  const { state } = useSession();
  const { path } = useLocation();
  // Public: redeeming a reset code needs no session (and must not wait for one).
  if (path === '/reset-password') return <ResetPasswordPage />;
  if (state.kind === 'loading') return <Loading label="Starting Berth…" />;
  if (state.kind === 'signed-out') return <SignInPage reason={state.reason} />;
  const back = returnTo();
  if (back) {
    // Signed in: continue to the forwarded port that sent the browser here (its ticket route).
    window.location.replace(back);
    return <Loading label="Opening the app…" />;
  }
  return (
    <Layout>
      <Routes />
    </Layout>
  );
}

function Routes() {
  const { path, query } = useLocation();
  const user = useUser();
  const admin = (page: ReactNode) => (user.role === 'admin' ? page : <NotFound />);
  let m: Record<string, string> | null;

  if (path === '/' || path === '/workspaces') return <WorkspacesPage />;
  if (path === '/workspaces/new') return <CreateWorkspacePage key="new" preselect={query.get('template')} />;
  if ((m = match('/workspaces/:id', path))) return <WorkspaceDetailPage key={m.id} id={m.id ?? ''} />;
  if (path === '/ssh-keys') return <SshKeysPage />;
  if (path === '/trash') return <TrashPage />;
  if (path === '/admin/templates') return admin(<TemplatesPage />);
  if (path === '/admin/templates/new') return admin(<NewTemplatePage />);
  if ((m = match('/admin/templates/:id', path))) return admin(<TemplateDetailPage key={m.id} id={m.id ?? ''} />);
  if (path === '/admin/users') return admin(<UsersPage />);
  if (path === '/admin/workspaces') return admin(<AllWorkspacesPage />);
  if (path === '/admin/audit') return admin(<AuditPage />);
  if (path === '/admin/system') return admin(<SystemPage />);
  return <NotFound />;
}

function NotFound() {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Page not found</h1>
      <Empty>
        <p>There is nothing here.</p>
        <Link className="button primary" href="/">
          Back to your workspaces
        </Link>
      </Empty>
    </section>
  );
}

/** `?return=` from an app origin: only the ticket route of a port, so it is no open redirect. */
function returnTo(): string | null {
  const value = new URLSearchParams(window.location.search).get('return');
  return value && /^\/api\/v1\/workspaces\/[0-9a-f-]{36}\/ports\/\d{1,5}\/open(\?path=[^#]*)?$/i.test(value)
    ? value
    : null;
}
