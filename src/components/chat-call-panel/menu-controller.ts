/**
 * Keyboard and focus behaviour of a menu button (WAI-ARIA APG "Menu Button"): Enter, Space and the
 * arrow keys open it, arrows/Home/End move between items, Escape closes it and returns focus to the
 * button, Tab or a click outside closes it.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class MenuController implements ReactiveController {
  open = false;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly button: () => HTMLElement | null | undefined,
    private readonly items: () => HTMLElement[],
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('pointerdown', this.#onOutside, true);
  }

  hostDisconnected(): void {
    document.removeEventListener('pointerdown', this.#onOutside, true);
  }

  readonly onButtonKeyDown = (event: KeyboardEvent): void => {
    // Enter and Space arrive as a click; the arrows open the menu at either end.
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      void this.show(event.key === 'ArrowDown' ? 'first' : 'last');
    }
  };

  readonly onButtonClick = (): void => {
    if (this.open) this.close(false);
    else void this.show('first');
  };

  readonly onMenuKeyDown = (event: KeyboardEvent): void => {
    const items = this.items();
    const index = items.indexOf(event.composedPath()[0] as HTMLElement);
    const focus = (i: number) => items[(i + items.length) % items.length]?.focus();
    switch (event.key) {
      case 'ArrowDown':
        focus(index + 1);
        break;
      case 'ArrowUp':
        focus(index - 1);
        break;
      case 'Home':
        focus(0);
        break;
      case 'End':
        focus(items.length - 1);
        break;
      case 'Escape':
        this.close(true);
        break;
      case 'Tab':
        this.close(false);
        return;
      default:
        return;
    }
    event.preventDefault();
  };

  async show(which: 'first' | 'last'): Promise<void> {
    this.open = true;
    this.host.requestUpdate();
    await this.host.updateComplete;
    const items = this.items();
    (which === 'first' ? items[0] : items.at(-1))?.focus();
  }

  close(returnFocus: boolean): void {
    if (!this.open) return;
    this.open = false;
    this.host.requestUpdate();
    if (returnFocus) this.button()?.focus();
  }

  readonly #onOutside = (event: Event): void => {
    if (this.open && !event.composedPath().includes(this.host)) this.close(false);
  };
}
