import { ConcordApi, GatewayClient, GatewayError } from '@concord/sdk';
import { create } from 'zustand';
import { useConnection } from '../store/connection';
import { emptyEntities, useEntities } from '../store/entities';
import { useMessages } from '../store/messages';
import { useReadStates } from '../store/readStates';
import { useTyping } from '../store/typing';
import { useUi } from '../store/ui';
import { deviceId, deviceLabel, savedStatus, saveStatus, savedToken, saveToken, type ChosenStatus } from './storage';
import { wireGateway } from './wireGateway';

/** The logged-in user's REST and gateway clients. */
export interface Client {
  api: ConcordApi;
  gw: GatewayClient;
  userId: string;
}

interface SessionState {
  phase: 'anonymous' | 'starting' | 'ready';
  status: ChosenStatus;
  error: string | undefined;
}

export const useSession = create<SessionState>(() => ({
  phase: savedToken() === undefined ? 'anonymous' : 'starting',
  status: savedStatus(),
  error: undefined,
}));

let current: Client | undefined;
let unwire: (() => void) | undefined;

/** The live client; only called from screens shown while logged in. */
export function client(): Client {
  if (current === undefined) throw new Error('not logged in');
  return current;
}

export function baseUrl(): string {
  return window.location.origin;
}

export async function register(username: string, password: string): Promise<void> {
  const api = new ConcordApi({ baseUrl: baseUrl() });
  const { token } = await api.register(username, password, deviceLabel());
  await start(token);
}

export async function login(username: string, password: string): Promise<void> {
  const api = new ConcordApi({ baseUrl: baseUrl() });
  const { token } = await api.login(username, password, deviceLabel());
  await start(token);
}

/** Resumes the saved session (on page load); a token the server refuses sends the user to log in. */
export async function resumeSaved(): Promise<void> {
  const token = savedToken();
  if (token === undefined) {
    useSession.setState({ phase: 'anonymous' });
    return;
  }
  await start(token);
}

async function start(token: string): Promise<void> {
  saveToken(token);
  useSession.setState({ phase: 'starting', error: undefined });
  const api = new ConcordApi({ baseUrl: baseUrl(), token });
  const gw = new GatewayClient({
    api,
    token,
    deviceId: deviceId(),
    presence: { status: useSession.getState().status },
    properties: { os: navigator.platform || 'web', browser: 'concord-web', device: 'concord-web' },
  });
  unwire = wireGateway(gw);
  const offFatal = gw.on('error', (error) => {
    // The token was revoked (logged out from another device) or the account is gone: back to login.
    if (error.code === 'FATAL_CLOSE' && error.closeCode === 4004 && current?.gw === gw) {
      void logout().then(() => useSession.setState({ error: 'You were logged out.' }));
    }
  });
  try {
    const ready = await gw.connect();
    current = { api, gw, userId: ready.user.id };
    useSession.setState({ phase: 'ready' });
  } catch (error) {
    offFatal();
    unwire();
    unwire = undefined;
    const refused = error instanceof GatewayError && error.code === 'FATAL_CLOSE';
    if (refused) saveToken(undefined);
    useSession.setState({
      phase: 'anonymous',
      error: refused ? 'Your session has ended. Please log in again.' : String(error),
    });
  }
}

export async function logout(): Promise<void> {
  const session = current;
  current = undefined;
  saveToken(undefined);
  if (session !== undefined) {
    await session.api.logout().catch(() => undefined);
    await session.gw.close();
  }
  unwire?.();
  unwire = undefined;
  resetStores();
  useSession.setState({ phase: 'anonymous', error: undefined });
}

/** Status (online, idle, do not disturb, invisible): gateway op 3, remembered for later visits. */
export function setStatus(status: ChosenStatus): void {
  useSession.setState({ status });
  saveStatus(status);
  current?.gw.setPresence({ status, since: null, activities: [], afk: false });
}

function resetStores(): void {
  useEntities.setState(emptyEntities());
  useMessages.setState({ byChannel: {}, pending: {} });
  useReadStates.setState({ markers: {} });
  useTyping.setState({ byChannel: {} });
  useUi.setState({ modal: undefined, replyTo: {}, editing: undefined, openedMarker: {} });
  useConnection.setState({ gateway: 'idle', view: 'connecting', wasLive: false });
}
