import { expect } from '@open-wc/testing';
import { CallError } from '../../src/engine/errors.js';

describe('CallError.fromDeviceError', () => {
  const cases: Array<[string, string]> = [
    ['NotAllowedError', 'permission-denied'],
    ['SecurityError', 'permission-denied'],
    ['NotFoundError', 'device-not-found'],
    ['OverconstrainedError', 'device-not-found'],
    ['NotReadableError', 'device-in-use'],
    ['AbortError', 'device-in-use'],
    ['TypeError', 'media-failed'],
  ];
  for (const [name, code] of cases) {
    it(`maps the browser's ${name} to ${code} and keeps it as the cause`, () => {
      const cause = new DOMException('from the browser', name);
      const error = CallError.fromDeviceError(cause, 'camera');
      expect(error.code).to.equal(code);
      expect(error.device).to.equal('camera');
      expect(error.cause).to.equal(cause);
      expect(error).to.be.instanceOf(Error);
    });
  }

  it('returns a CallError unchanged', () => {
    const original = new CallError('device-in-use', 'busy');
    expect(CallError.fromDeviceError(original, 'microphone')).to.equal(original);
  });
});
