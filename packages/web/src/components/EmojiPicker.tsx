import { useEffect, useRef } from 'react';
import { EMOJI } from '../lib/emoji';

/** A small grid of emoji; Escape closes it, the first button takes focus. */
export function EmojiPicker({
  label,
  onPick,
  onClose,
}: {
  label: string;
  onPick(emoji: string): void;
  onClose(): void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector('button')?.focus();
  }, []);
  return (
    <div
      ref={ref}
      className="emoji-picker"
      role="dialog"
      aria-label={label}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          onClose();
        }
      }}
    >
      {EMOJI.map((emoji) => (
        <button
          key={emoji.char}
          type="button"
          className="emoji-button"
          aria-label={emoji.name}
          title={emoji.name}
          onClick={() => onPick(emoji.char)}
        >
          {emoji.char}
        </button>
      ))}
    </div>
  );
}
