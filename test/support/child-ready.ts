/**
 * Waits until a freshly spawned service prints its ready line (stdout or stderr), collecting what it
 * prints through `collect`. The child is SIGKILLed if it exits first or stays silent for `timeoutMs`.
 */
import type { ChildProcess } from 'node:child_process';

export function childReady(child: ChildProcess, ready: string, label: string, timeoutMs: number, collect: (text: string) => string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`${label} did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output = collect(chunk.toString());
      if (output.includes(ready)) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve();
      }
    };
    const onExit = (code: number | null) => fail(new Error(`${label} exited (${code}) before it was ready:\n${output}`));
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', onExit);
  });
}
