import { useState } from 'react';
import { api, errorMessage } from '../api/client';
import type { User } from '../api/contract';
import { Modal } from '../components/Modal';

interface PasswordReset {
  code: string;
  url: string;
  expiresAt: string;
}

/** Makes a one-time reset code for the user and shows it (with its link) once, to hand over. */
export function ResetDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const [reset, setReset] = useState<PasswordReset | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const create = async () => {
    setError(null);
    try {
      setReset(await api.post<PasswordReset>(`/users/${user.id}/password-reset`, {}));
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const copy = (what: string, text: string) => {
    void navigator.clipboard?.writeText(text).then(() => setCopied(what));
  };
  return (
    <Modal title={`Reset password for ${user.email}`} onClose={onClose}>
      {reset ? (
        <div>
          <p className="notice warning">
            Shown only once. It works a single time, until {new Date(reset.expiresAt).toLocaleString()}; a newer reset
            replaces it.
          </p>
          <label htmlFor="reset-link">Link</label>
          <input id="reset-link" className="mono" readOnly value={reset.url} onFocus={(e) => e.target.select()} />
          <p>
            <button type="button" onClick={() => copy('link', reset.url)}>
              {copied === 'link' ? 'Copied' : 'Copy link'}
            </button>
          </p>
          <label htmlFor="reset-code-shown">Code</label>
          <input
            id="reset-code-shown"
            className="mono"
            readOnly
            value={reset.code}
            onFocus={(e) => e.target.select()}
          />
          <p>
            <button type="button" onClick={() => copy('code', reset.code)}>
              {copied === 'code' ? 'Copied' : 'Copy code'}
            </button>
          </p>
        </div>
      ) : (
        <div>
          <p>
            The user sets a new password with a one-time code; their current password and every session end when it is
            used.
          </p>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <button type="button" className="primary" onClick={() => void create()}>
            Create reset code
          </button>
        </div>
      )}
    </Modal>
  );
}
