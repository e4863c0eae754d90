/**
 * SFU mode in the deployment configuration: `CCK_MEDIA`, a media region's `sfuUrl` (which also names
 * the address browsers send media to; `gcc` follows `na`), what `GET /api/config` tells pages, and
 * the SFU's network options with their validation. No mediasoup needed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../server/config.js';
import { EMBEDDED_SFU_URL, publicConfig, resolveDeployment } from '../../server/deployment.js';
import { resolveSfuOptions } from '../../server/sfu/sfu-options.js';

const NA_SFU = { na: { iceServers: [], sfuUrl: 'https://203.0.113.7/' } };

describe('SFU mode configuration', () => {
  it('is peer-to-peer by default and says so to pages, with no sfuUrl', () => {
    const deployment = resolveDeployment({}, {});
    assert.equal(deployment.media, 'p2p');
    const config = publicConfig(deployment);
    assert.equal(config.media, 'p2p');
    assert.equal((config.regions.na as { sfuUrl?: string }).sfuUrl, undefined);
  });

  it('CCK_MEDIA=sfu carries calls through the server’s own SFU, named by the embedded marker', () => {
    const config = publicConfig(resolveDeployment({}, { CCK_MEDIA: 'sfu' }));
    assert.equal(config.media, 'sfu');
    assert.deepEqual(config.regions.na, { label: 'North America', iceServers: [], sfuUrl: EMBEDDED_SFU_URL });
  });

  it('a media region with an sfuUrl turns SFU mode on; gcc deployments get the na SFU', () => {
    const deployment = resolveDeployment({}, { CCK_REGION: 'gcc', CCK_REGIONS: JSON.stringify(NA_SFU) });
    assert.equal(deployment.media, 'sfu');
    const config = publicConfig(deployment);
    assert.deepEqual(config.regions, { gcc: 'na', na: { label: 'North America', iceServers: [], sfuUrl: 'https://203.0.113.7/' } });
    const sfu = resolveSfuOptions(deployment, true, {}, {});
    assert.equal(sfu.announcedAddress, '203.0.113.7', 'the sfuUrl host is where browsers send media');
    assert.equal(sfu.listenIp, '0.0.0.0');
  });

  it('an explicit CCK_MEDIA=p2p wins over a region’s sfuUrl, which pages then do not see', () => {
    const config = publicConfig(resolveDeployment({}, { CCK_MEDIA: 'p2p', CCK_REGIONS: JSON.stringify(NA_SFU) }));
    assert.equal(config.media, 'p2p');
    assert.equal((config.regions.na as { sfuUrl?: string }).sfuUrl, undefined);
  });

  it('refuses an unknown media mode', () => {
    assert.throws(() => resolveDeployment({}, { CCK_MEDIA: 'mcu' }), (error: unknown) => error instanceof ConfigError && /CCK_MEDIA must be one of p2p, sfu/.test(error.message));
  });

  it('listens on loopback in development, and one worker per core unless told', () => {
    const sfu = resolveSfuOptions(resolveDeployment({}, { CCK_MEDIA: 'sfu' }), false, {}, {});
    assert.equal(sfu.listenIp, '127.0.0.1');
    assert.equal(sfu.announcedAddress, undefined);
    assert.ok(sfu.workers >= 1);
    const tuned = resolveSfuOptions(resolveDeployment({}, { CCK_MEDIA: 'sfu' }), false, {}, {
      CCK_SFU_WORKERS: '3',
      CCK_SFU_PORTS: '40000-40100',
      CCK_SFU_ANNOUNCED_ADDRESS: 'media.example.test',
      MEDIASOUP_WORKER_BIN: '/opt/mediasoup-worker',
    });
    assert.deepEqual(tuned, { workers: 3, listenIp: '0.0.0.0', announcedAddress: 'media.example.test', portRange: { min: 40000, max: 40100 }, workerBin: '/opt/mediasoup-worker' });
  });

  it('refuses settings that would give browsers an address they cannot reach, and bad values', () => {
    const deployment = resolveDeployment({}, { CCK_MEDIA: 'sfu' });
    const refused = (env: NodeJS.ProcessEnv, production: boolean, pattern: RegExp) =>
      assert.throws(() => resolveSfuOptions(deployment, production, {}, env), (error: unknown) => error instanceof ConfigError && pattern.test(error.message));
    refused({}, true, /production needs the address browsers send media to/);
    refused({ CCK_SFU_LISTEN_IP: '0.0.0.0' }, false, /set CCK_SFU_ANNOUNCED_ADDRESS/);
    refused({ CCK_SFU_LISTEN_IP: 'everywhere' }, false, /must be an IP address/);
    refused({ CCK_SFU_PORTS: '50000-40000' }, false, /CCK_SFU_PORTS must look like/);
    refused({ CCK_SFU_WORKERS: '0' }, false, /workers must be an integer 1-64/);
  });
});
