import { InProcessBus } from '../../packages/server/src/bus/InProcessBus';
import { InProcessDiscovery } from '../../packages/server/src/discovery/InProcessDiscovery';
import { InProcessPresenceStore } from '../../packages/server/src/presence/InProcessPresenceStore';
import { busContract } from './busContract';
import { discoveryContract } from './discoveryContract';
import { presenceContract } from './presenceContract';

busContract('in-process', {
  async open() {
    // One process is one bus: both "nodes" share it.
    const bus = new InProcessBus();
    return { a: bus, b: bus, close: () => bus.close() };
  },
});

presenceContract('in-process', { open: async () => new InProcessPresenceStore() });

discoveryContract('in-process', {
  shared: false,
  async cluster() {
    const open: InProcessDiscovery[] = [];
    return {
      ttlMs: 0,
      async open() {
        const discovery = new InProcessDiscovery(5);
        open.push(discovery);
        return discovery;
      },
      crash: (instance) => instance.close(),
      close: async () => {
        await Promise.all(open.map((d) => d.close()));
      },
    };
  },
});
