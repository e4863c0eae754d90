/**
 * Deployment configuration: the calling option, the visual provider and the media region from the
 * environment (and their validation), the region map (the SDK's `resolveMediaRegion`, which the
 * server shares), and the capacity settings.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { ConfigError, resolveOptions } from '../../server/config.js';
import { callRefusal, publicConfig, resolveDeployment } from '../../server/deployment.js';
import { resolveCalling } from '../../src/engine/calling.js';
import { DEFAULT_MEDIA_REGIONS, UnknownRegionError, resolveMediaRegion, setMediaRegions } from '../../src/media/regions.js';
import { createMessage } from '../../src/signaling/protocol.js';

const TURN_NA = { urls: 'turn:turn-na.example.test:3478', username: 'na-user', credential: 'na-pass' };
const TURN_EU = { urls: ['turn:turn-eu.example.test:3478?transport=udp'], username: 'eu', credential: 'eu' };

describe('media regions', () => {
  afterEach(() => setMediaRegions(null));

  it('has na, eu and apac built in, and resolves gcc to North America', () => {
    assert.deepEqual(Object.keys(DEFAULT_MEDIA_REGIONS).sort(), ['apac', 'eu', 'gcc', 'na']);
    const gcc = resolveMediaRegion('gcc');
    assert.deepEqual([gcc.id, gcc.requested, gcc.label], ['na', 'gcc', 'North America']);
    assert.equal(resolveMediaRegion(' GCC ').id, 'na', 'ids are trimmed and case-insensitive');
  });

  it('uses the servers of the region an alias points to, with per-call overrides winning entry by entry', () => {
    const regions = { na: { iceServers: [TURN_NA] }, eu: { iceServers: [TURN_EU] } };
    assert.deepEqual(resolveMediaRegion('gcc', regions).iceServers, [TURN_NA]);
    assert.deepEqual(resolveMediaRegion('eu', regions).iceServers, [TURN_EU]);
    assert.deepEqual(resolveMediaRegion('apac', regions).iceServers, [], 'untouched regions keep the built-in entry');
    assert.deepEqual(resolveMediaRegion('gcc', { ...regions, gcc: 'eu' }).id, 'eu', 'an alias can be re-pointed');
  });

  it('setMediaRegions fills the page-wide map; null restores the built-in one', () => {
    setMediaRegions({ na: { iceServers: [TURN_NA], sfuUrl: 'wss://sfu-na.example.test' }, sa: { label: 'South America', iceServers: [] } });
    assert.deepEqual(resolveMediaRegion('gcc').iceServers, [TURN_NA]);
    assert.equal(resolveMediaRegion('gcc').sfuUrl, 'wss://sfu-na.example.test');
    assert.equal(resolveMediaRegion('sa').label, 'South America');
    setMediaRegions(null);
    assert.deepEqual(resolveMediaRegion('gcc').iceServers, []);
    assert.throws(() => resolveMediaRegion('sa'), UnknownRegionError);
  });

  it('refuses unknown regions, dangling aliases and alias cycles instead of silently using no relay', () => {
    assert.throws(() => resolveMediaRegion('mars'), /unknown media region "mars"/);
    assert.throws(() => resolveMediaRegion('gcc', { na: 'nowhere' }), /unknown media region "nowhere" \(via gcc -> na\)/);
    assert.throws(() => resolveMediaRegion('a', { a: 'b', b: 'a' }), /cycle: a -> b -> a/);
  });
});

describe('calling option', () => {
  it('combines calling and allowVideo: allowVideo false narrows, nothing widens', () => {
    assert.equal(resolveCalling(undefined, undefined), 'video-and-voice');
    assert.equal(resolveCalling(undefined, false), 'voice-only');
    assert.equal(resolveCalling('video-and-voice', false), 'voice-only');
    assert.equal(resolveCalling('voice-only', true), 'voice-only');
    assert.equal(resolveCalling('off', true), 'off');
    assert.throws(() => resolveCalling('sometimes' as never, undefined), TypeError);
  });

  it('is enforced on invites, accepts and call-started only', () => {
    const msg = <T extends 'call-invite' | 'call-accept' | 'call-started' | 'chat-message'>(type: T, payload: never) =>
      createMessage(type, payload, { seq: 1 });
    const videoInvite = msg('call-invite', { callId: 'x', video: true } as never);
    const voiceInvite = msg('call-invite', { callId: 'x', video: false } as never);
    const chat = msg('chat-message', { text: 'hi' } as never);
    assert.equal(callRefusal('video-and-voice', videoInvite), null);
    assert.equal(callRefusal('voice-only', videoInvite)?.code, 'video-not-allowed');
    assert.equal(callRefusal('voice-only', voiceInvite), null);
    assert.equal(callRefusal('voice-only', msg('call-accept', { callId: 'x', video: true } as never))?.code, 'video-not-allowed');
    assert.equal(callRefusal('off', voiceInvite)?.code, 'calls-disabled');
    assert.equal(callRefusal('off', msg('call-started', { callId: 'x', video: false } as never))?.code, 'calls-disabled');
    assert.equal(callRefusal('off', chat), null, 'the chat is never refused');
  });
});

describe('deployment configuration from the environment', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('defaults to video-and-voice, cobrowse, region na, capacity 3, 1 unit per conversation, 60 s presence', () => {
    const options = resolveOptions({ mode: 'development' }, {});
    assert.deepEqual(options.deployment, { calling: 'video-and-voice', visualProvider: 'cobrowse', region: 'na', regions: {}, media: 'p2p' });
    assert.deepEqual([options.agentCapacity, options.conversationUnits, options.agentPresenceTimeoutMs], [3, 1, 60_000]);
  });

  it('reads CCK_CALLING, CCK_VISUAL_PROVIDER, CCK_REGION, CCK_REGIONS (JSON or a file) and the capacity variables', () => {
    const regions = { na: { iceServers: [TURN_NA] } };
    const env = {
      CCK_CALLING: 'voice-only',
      CCK_VISUAL_PROVIDER: 'screen-share',
      CCK_REGION: 'GCC',
      CCK_REGIONS: JSON.stringify(regions),
      CCK_AGENT_CAPACITY: '5',
      CCK_CONVERSATION_UNITS: '2',
      CCK_AGENT_PRESENCE_TIMEOUT_MS: '0',
    };
    const options = resolveOptions({ mode: 'development' }, env);
    assert.deepEqual(options.deployment, { calling: 'voice-only', visualProvider: 'screen-share', region: 'gcc', regions, media: 'p2p' });
    assert.deepEqual([options.agentCapacity, options.conversationUnits, options.agentPresenceTimeoutMs], [5, 2, 0]);
    assert.equal(publicConfig(options.deployment).mediaRegion, 'na');
    assert.deepEqual(publicConfig(options.deployment).regions, { gcc: 'na', na: { label: 'North America', iceServers: [TURN_NA] } });

    dir = mkdtempSync(join(tmpdir(), 'cck-regions-'));
    const file = join(dir, 'regions.json');
    writeFileSync(file, JSON.stringify({ eu: { iceServers: [TURN_EU] } }));
    const fromFile = resolveDeployment({}, { CCK_REGION: 'eu', CCK_REGIONS: file });
    assert.deepEqual(publicConfig(fromFile).regions, { eu: { label: 'Europe', iceServers: [TURN_EU] } });
  });

  it('refuses bad values with a ConfigError that names the variable', () => {
    const bad: Array<[Record<string, string>, RegExp]> = [
      [{ CCK_CALLING: 'video-only' }, /CCK_CALLING/],
      [{ CCK_VISUAL_PROVIDER: 'vendor-x' }, /CCK_VISUAL_PROVIDER/],
      [{ CCK_REGION: 'mars' }, /CCK_REGION: unknown media region "mars"/],
      [{ CCK_REGIONS: '{nope' }, /CCK_REGIONS is not valid JSON/],
      [{ CCK_REGIONS: '/nonexistent/regions.json' }, /CCK_REGIONS: cannot read/],
      [{ CCK_REGIONS: JSON.stringify({ na: { iceServers: [{ url: 'turn:x' }] } }) }, /region map: na\.iceServers\.0/],
      [{ CCK_AGENT_CAPACITY: '0' }, /agentCapacity/],
      [{ CCK_CONVERSATION_UNITS: 'one' }, /CCK_CONVERSATION_UNITS/],
    ];
    for (const [env, message] of bad) assert.throws(() => resolveOptions({ mode: 'development' }, env), (error: unknown) => error instanceof ConfigError && message.test(error.message), JSON.stringify(env));
  });

  it('lets explicit deployment options win over the environment, part by part', () => {
    const options = resolveOptions({ mode: 'development', deployment: { calling: 'off' } }, { CCK_CALLING: 'voice-only', CCK_REGION: 'eu' });
    assert.deepEqual([options.deployment.calling, options.deployment.region], ['off', 'eu']);
  });
});
