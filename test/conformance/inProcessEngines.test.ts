import { InProcessBus } from '../../packages/server/src/bus/InProcessBus';
import { InProcessPresenceStore } from '../../packages/server/src/presence/InProcessPresenceStore';
import { busContract } from './busContract';
import { presenceContract } from './presenceContract';

busContract('in-process', {
  async open() {
    // One process is one bus: both "nodes" share it.
    const bus = new InProcessBus();
    return { a: bus, b: bus, close: () => bus.close() };
  },
});

presenceContract('in-process', { open: async () => new InProcessPresenceStore() });
