import { AuthScreen } from '../components/AuthScreen';
import { useSession } from '../client/session';
import { Shell } from './Shell';

/** Logged out: the login form; starting: a splash; logged in: the app. */
export function App() {
  const phase = useSession((state) => state.phase);
  if (phase === 'anonymous') return <AuthScreen />;
  if (phase === 'starting') {
    return (
      <main className="splash" aria-busy="true">
        <div className="splash-logo" aria-hidden="true" />
        <p role="status">Connecting to Concord…</p>
      </main>
    );
  }
  return <Shell />;
}
