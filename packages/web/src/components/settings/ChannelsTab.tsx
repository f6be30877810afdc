import { ChannelType, type Channel } from '@concord/protocol';
import { useState, type FormEvent } from 'react';
import { client } from '../../client/session';
import { useEntities } from '../../store/entities';
import { ErrorLine, errorText } from '../Modal';

/** Create text channels and categories; rename, set topics, move into categories, delete. */
export function ChannelsTab({ guildId }: { guildId: string }) {
  const channels = useEntities((state) => state.channels);
  const inGuild = Object.values(channels)
    .filter((channel) => channel.guild_id === guildId)
    .sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
  const categories = inGuild.filter((channel) => channel.type === ChannelType.GUILD_CATEGORY);
  const [name, setName] = useState('');
  const [type, setType] = useState<0 | 4>(0);
  const [parent, setParent] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);

  async function create(event: FormEvent): Promise<void> {
    event.preventDefault();
    try {
      await client().api.createGuildChannel(guildId, {
        name: type === 0 ? name.trim().toLowerCase().replace(/\s+/g, '-') : name.trim(),
        type,
        ...(type === 0 && parent !== '' ? { parent_id: parent } : {}),
      });
      setName('');
    } catch (failure) {
      setError(errorText(failure));
    }
  }

  return (
    <div className="stack">
      <form className="stack" onSubmit={(event) => void create(event)} aria-label="Create channel">
        <div className="row">
          <label>
            Type
            <select value={type} onChange={(event) => setType(event.target.value === '4' ? 4 : 0)}>
              <option value={0}>Text channel</option>
              <option value={4}>Category</option>
            </select>
          </label>
          <label>
            Name
            <input value={name} required maxLength={100} onChange={(event) => setName(event.target.value)} />
          </label>
          {type === 0 && (
            <label>
              Category
              <select value={parent} onChange={(event) => setParent(event.target.value)}>
                <option value="">None</option>
                {categories.map((category) => (
                  <option key={category.id} value={category.id}>
                    {category.name}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
        <button type="submit" className="primary">
          Create
        </button>
      </form>
      <ErrorLine error={error} />
      <ul className="settings-list" aria-label="Channels">
        {inGuild.map((channel) => (
          <ChannelRow key={channel.id} channel={channel} categories={categories} onError={setError} />
        ))}
      </ul>
    </div>
  );
}

function ChannelRow({
  channel,
  categories,
  onError,
}: {
  channel: Channel;
  categories: Channel[];
  onError(error: string): void;
}) {
  const [name, setName] = useState(channel.name ?? '');
  const [topic, setTopic] = useState(channel.topic ?? '');
  const isCategory = channel.type === ChannelType.GUILD_CATEGORY;
  const run = (action: () => Promise<unknown>): void =>
    void action().catch((failure: unknown) => onError(errorText(failure)));
  return (
    <li className="settings-item">
      <span className="muted" aria-hidden="true">
        {isCategory ? '▾' : '#'}
      </span>
      <input
        aria-label={`Name of ${channel.name ?? ''}`}
        value={name}
        onChange={(event) => setName(event.target.value)}
      />
      {!isCategory && (
        <>
          <input
            aria-label={`Topic of ${channel.name ?? ''}`}
            placeholder="Topic"
            value={topic}
            onChange={(event) => setTopic(event.target.value)}
          />
          <select
            aria-label={`Category of ${channel.name ?? ''}`}
            value={channel.parent_id ?? ''}
            onChange={(event) =>
              run(() =>
                client().api.modifyChannel(channel.id, {
                  parent_id: event.target.value === '' ? null : event.target.value,
                }),
              )
            }
          >
            <option value="">No category</option>
            {categories.map((category) => (
              <option key={category.id} value={category.id}>
                {category.name}
              </option>
            ))}
          </select>
        </>
      )}
      <button
        type="button"
        onClick={() =>
          run(() =>
            client().api.modifyChannel(
              channel.id,
              isCategory ? { name } : { name, topic: topic === '' ? null : topic },
            ),
          )
        }
      >
        Save
      </button>
      <button type="button" className="danger" onClick={() => run(() => client().api.deleteChannel(channel.id))}>
        Delete
      </button>
    </li>
  );
}
