import { expect } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import { RingTone } from '../../src/components/chat-call-panel/ring-tone.js';

describe('RingTone', () => {
  it('stays silent before the page has had a user gesture, and rings after one', async () => {
    const ring = new RingTone();
    expect(navigator.userActivation.hasBeenActive).to.equal(false);
    ring.start();
    expect(ring.playing).to.equal(false);

    await sendMouse({ type: 'click', position: [5, 5] });
    expect(navigator.userActivation.hasBeenActive).to.equal(true);
    ring.start();
    expect(ring.playing).to.equal(true);
    ring.stop();
    expect(ring.playing).to.equal(false);
  });
});
