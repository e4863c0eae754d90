// chat-call-kit with its media through the reference server's SFU: the page's region has an SFU
// (as `GET /api/config` says in an SFU deployment), so the engine's default media session is the
// SFU one, loaded from the lazy chunk. Everything else is the chat-call-kit contender.
import { cckContender } from './cck.js';

export const contender = cckContender({ region: 'na', regions: { na: { iceServers: [], sfuUrl: 'sfu:embedded' } } });
