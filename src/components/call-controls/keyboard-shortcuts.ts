/**
 * Page-wide keyboard shortcuts in the `aria-keyshortcuts` spelling (`Control+Shift+M`): parsing,
 * matching a `KeyboardEvent`, and a controller that listens on `document` only while its host wants.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface ParsedShortcut {
  readonly key: string;
  readonly ctrl: boolean;
  readonly shift: boolean;
  readonly alt: boolean;
  readonly meta: boolean;
  /** The `aria-keyshortcuts` spelling. */
  readonly aria: string;
}

const MODIFIERS: Record<string, 'ctrl' | 'shift' | 'alt' | 'meta'> = {
  control: 'ctrl',
  ctrl: 'ctrl',
  shift: 'shift',
  alt: 'alt',
  option: 'alt',
  meta: 'meta',
  cmd: 'meta',
  command: 'meta',
};

/** `'Control+Shift+M'` -> its parts; `null` when it names no key. A lone `+` key is written `Control++`. */
export function parseShortcut(text: string): ParsedShortcut | null {
  const parts = text.trim().endsWith('++') ? [...text.trim().slice(0, -2).split('+'), '+'] : text.trim().split('+');
  const key = parts.pop()?.trim();
  if (!key) return null;
  const flags = { ctrl: false, shift: false, alt: false, meta: false };
  for (const part of parts) {
    const modifier = MODIFIERS[part.trim().toLowerCase()];
    if (!modifier) return null;
    flags[modifier] = true;
  }
  const names = [flags.ctrl && 'Control', flags.alt && 'Alt', flags.shift && 'Shift', flags.meta && 'Meta'].filter(Boolean);
  const ariaKey = key.length === 1 ? key.toUpperCase() : key;
  return { key: key.toLowerCase(), ...flags, aria: [...names, ariaKey].join('+') };
}

function matches(shortcut: ParsedShortcut | null, event: KeyboardEvent): boolean {
  return (
    shortcut !== null &&
    event.key.toLowerCase() === shortcut.key &&
    event.ctrlKey === shortcut.ctrl &&
    event.shiftKey === shortcut.shift &&
    event.altKey === shortcut.alt &&
    event.metaKey === shortcut.meta
  );
}

interface KeyboardShortcutsOptions<C extends string> {
  /** Whether the shortcuts work now; the `document` listener exists only while this is true. */
  active: () => boolean;
  /** Each command's shortcut; `null` or missing: none. */
  bindings: () => Partial<Record<C, string | null>>;
  run: (command: C) => void;
}

/**
 * Page-wide keyboard shortcuts for an element: listens to `document` keydown only while the host
 * is connected and `active()`, re-checked after every render and on (dis)connection.
 */
export class KeyboardShortcutsController<C extends string> implements ReactiveController {
  #listening = false;
  readonly #onKeyDown = (event: KeyboardEvent) => {
    // The call may have ended since the last render.
    if (event.defaultPrevented || event.repeat || event.isComposing || !this.options.active()) return;
    const command = this.#commandFor(event);
    if (!command) return;
    event.preventDefault();
    this.options.run(command);
  };

  constructor(
    host: ReactiveControllerHost,
    private readonly options: KeyboardShortcutsOptions<C>,
  ) {
    host.addController(this);
  }

  /** The command's shortcut in the `aria-keyshortcuts` spelling, or `undefined` when it has none. */
  ariaKeyShortcuts(command: C): string | undefined {
    const binding = this.options.bindings()[command];
    return binding ? (parseShortcut(binding)?.aria ?? undefined) : undefined;
  }

  hostConnected(): void {
    this.#sync(true);
  }

  hostUpdated(): void {
    this.#sync(true);
  }

  hostDisconnected(): void {
    this.#sync(false);
  }

  #commandFor(event: KeyboardEvent): C | undefined {
    const bindings = Object.entries(this.options.bindings()) as Array<[C, string | null | undefined]>;
    return bindings.find(([, binding]) => binding && matches(parseShortcut(binding), event))?.[0];
  }

  #sync(connected: boolean): void {
    const listen = connected && this.options.active();
    if (listen === this.#listening) return;
    this.#listening = listen;
    if (listen) document.addEventListener('keydown', this.#onKeyDown);
    else document.removeEventListener('keydown', this.#onKeyDown);
  }
}

