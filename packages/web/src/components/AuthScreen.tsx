import { useState, type FormEvent } from 'react';
import { ApiRequestError } from '@concord/sdk';
import { login, register, useSession } from '../client/session';

/** Log in or create an account (username + password, as the API takes them). */
export function AuthScreen() {
  const [mode, setMode] = useState<'login' | 'register'>('login');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const sessionError = useSession((state) => state.error);
  const [error, setError] = useState<string | undefined>(undefined);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      if (mode === 'login') await login(username.trim(), password);
      else await register(username.trim().toLowerCase(), password);
    } catch (failure) {
      setError(describe(failure));
    } finally {
      setBusy(false);
    }
  }

  const shown = error ?? sessionError;
  return (
    <main className="auth">
      <form className="auth-card" onSubmit={(event) => void submit(event)} aria-labelledby="auth-title">
        <div className="auth-logo" aria-hidden="true" />
        <h1 id="auth-title">{mode === 'login' ? 'Welcome back!' : 'Create an account'}</h1>
        <p className="muted">{mode === 'login' ? "We're so excited to see you again!" : 'Join the conversation.'}</p>
        <label>
          Username
          <input
            name="username"
            autoComplete="username"
            required
            minLength={2}
            maxLength={32}
            value={username}
            onChange={(event) => setUsername(event.target.value)}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
            required
            minLength={mode === 'register' ? 8 : 1}
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        {shown !== undefined && (
          <p className="form-error" role="alert">
            {shown}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {mode === 'login' ? 'Log In' : 'Continue'}
        </button>
        <p className="muted">
          {mode === 'login' ? 'Need an account? ' : 'Already have an account? '}
          <button type="button" className="link" onClick={() => setMode(mode === 'login' ? 'register' : 'login')}>
            {mode === 'login' ? 'Register' : 'Log in'}
          </button>
        </p>
      </form>
    </main>
  );
}

function describe(error: unknown): string {
  if (error instanceof ApiRequestError) {
    if (error.status === 401) return 'Login or password is invalid.';
    const errors = (error.body as { errors?: unknown }).errors;
    const detail = firstMessage(errors);
    return detail ?? error.body.message;
  }
  return 'Could not reach the server. Check your connection.';
}

/** The first `message` in Discord's nested form-error body. */
function firstMessage(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.message === 'string') return record.message;
  for (const child of Object.values(record)) {
    const found = firstMessage(child);
    if (found !== undefined) return found;
  }
  return undefined;
}
