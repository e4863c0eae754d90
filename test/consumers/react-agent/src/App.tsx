// An agent desk: the conversation's panel configured by props, a co-browse launcher slotted into it
// (it gets the panel's engine by itself), and a status line fed by the panel's events.
import type { CallEngine, CallPhase } from 'chat-call-kit';
import { ChatCallPanel, CobrowseLauncher } from 'chat-call-kit/react';
import { useEffect, useState } from 'react';

const params = new URLSearchParams(location.search);
const server = params.get('server')!;
const conversation = params.get('conversation')!;

export function App() {
  const [token, setToken] = useState<string>();
  const [engine, setEngine] = useState<CallEngine>();
  const [phase, setPhase] = useState<CallPhase>('idle');
  const [pin, setPin] = useState('');

  useEffect(() => {
    fetch(`${server}/api/demo-token?role=agent&conversation=${encodeURIComponent(conversation)}`)
      .then((response) => response.json() as Promise<{ token: string }>)
      .then(({ token }) => setToken(token), (error: unknown) => console.warn('no token', error));
  }, []);

  return (
    <main>
      <h1>Agent desk</h1>
      <p data-testid="engine">{engine ? `engine for ${engine.conversationId}` : 'no engine'}</p>
      <p data-testid="phase">{phase}</p>
      {token && (
        <ChatCallPanel
          participant="agent"
         
          conversation={conversation}
          signalingUrl={`${server.replace(/^http/, 'ws')}/signaling`}
          token={token}
          displayName="Ana"
          onEngineChange={(event) => setEngine(event.detail.engine)}
          onCallStateChange={(event) => setPhase(event.detail.state.phase)}
        >
          <CobrowseLauncher slot="actions" participant="agent" onVisualPinShare={(event) => setPin(event.detail.pin)} />
        </ChatCallPanel>
      )}
      <p data-testid="shared-pin">{pin}</p>
    </main>
  );
}
