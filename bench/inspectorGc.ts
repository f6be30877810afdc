import WebSocket from 'ws';

/**
 * Forces a full garbage collection in a server started with `--inspect=127.0.0.1:0`, through the
 * inspector protocol (HeapProfiler.collectGarbage), so RSS read right after counts live memory, not
 * garbage the collector has not reached yet. Only this call attaches; no debugger domain is enabled.
 */
export async function collectGarbage(inspectorUrl: string | null): Promise<boolean> {
  if (inspectorUrl === null) return false;
  const ws = new WebSocket(inspectorUrl, { perMessageDeflate: false });
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    for (let id = 1; id <= 2; id++) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('collectGarbage timed out')), 30_000);
        const onMessage = (data: Buffer) => {
          if ((JSON.parse(data.toString()) as { id?: number }).id !== id) return;
          clearTimeout(timer);
          ws.off('message', onMessage);
          resolve();
        };
        ws.on('message', onMessage);
        ws.send(JSON.stringify({ id, method: 'HeapProfiler.collectGarbage' }));
      });
    }
    return true;
  } catch {
    return false;
  } finally {
    ws.close();
  }
}
