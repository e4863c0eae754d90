/**
 * A private X display (Xvfb) for a headed browser: headless Firefox has no screen to share, so the
 * screen-share suite runs Firefox headed on its own display. Xvfb picks a free display number
 * itself (`-displayfd`), so parallel runs never collide.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface XDisplay {
  /** `:N`, for the browser's `DISPLAY`. */
  readonly display: string;
  stop(): Promise<void>;
}

export async function startXvfb(size = '1280x800x24'): Promise<XDisplay> {
  const child: ChildProcess = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', size, '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
  const number = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.once('error', (error) => reject(new Error(`Xvfb could not start (apt-get install xvfb): ${error.message}`)));
    child.once('exit', (code) => reject(new Error(`Xvfb exited (${code}): ${stderr.trim()}`)));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk) => {
      out += String(chunk);
      if (out.includes('\n')) resolve(out.trim());
    });
  });
  return {
    display: `:${number}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
