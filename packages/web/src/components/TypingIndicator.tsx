import { memberName } from '../store/entities';
import { useTyping } from '../store/typing';

/** "Alice is typing…", "Alice and Bob are typing…", "Several people are typing…". */
export function TypingIndicator({ channelId, guildId }: { channelId: string; guildId: string | undefined }) {
  const users = useTyping((state) => state.byChannel[channelId]);
  const ids = Object.keys(users ?? {});
  const names = ids.map((id) => memberName(guildId, id));
  let text = '';
  if (names.length === 1) text = `${names[0]} is typing…`;
  else if (names.length === 2) text = `${names[0]} and ${names[1]} are typing…`;
  else if (names.length === 3) text = `${names[0]}, ${names[1]} and ${names[2]} are typing…`;
  else if (names.length > 3) text = 'Several people are typing…';
  return (
    <div className="typing" aria-live="polite" data-testid="typing-indicator">
      {text !== '' && (
        <>
          <span className="typing-dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          {text}
        </>
      )}
    </div>
  );
}
