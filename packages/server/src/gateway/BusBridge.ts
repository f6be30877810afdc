import { randomBytes } from 'node:crypto';
import type { Bus } from '../bus/Bus';
import { BusSubject } from '../bus/Bus';
import type { DomainEvent } from '../domain/events';
import type { Metrics } from '../metrics/Metrics';
import { encodeEnvelope } from './EventEnvelope';

/**
 * Carries committed domain events from this node's services onto the bus: a guild's events on its
 * guild subject, private-channel and per-user events on each target user's subject. The event data
 * is serialized here, once, for every node and every socket.
 */
export class BusBridge {
  private readonly nodeTag = randomBytes(6).toString('base64url');
  private counter = 0;

  constructor(
    private readonly bus: Bus,
    private readonly metrics: Metrics,
  ) {}

  publish(event: DomainEvent): void {
    this.metrics.eventsPublished.inc({ type: event.type });
    const header = { id: `${this.nodeTag}:${++this.counter}`, type: event.type, route: event.route, at: Date.now() };
    const payload = encodeEnvelope(header, JSON.stringify(event.data));
    for (const subject of subjectsFor(event)) this.bus.publish(subject, payload);
  }
}

export function subjectsFor(event: DomainEvent): string[] {
  const { route } = event;
  switch (route.kind) {
    case 'guild':
      return [BusSubject.guild(route.guildId)];
    case 'private':
      return [...new Set(route.recipientIds)].map(BusSubject.user);
    case 'users':
      return [...new Set(route.userIds)].map(BusSubject.user);
  }
}
