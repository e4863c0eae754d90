import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { chromiumArgs, chromiumExecutable } from './test/support/chromium.mjs';
import { reactEsmPlugin } from './test/support/react-esm-plugin.mjs';

const executablePath = chromiumExecutable();

export default {
  // `*.node.test.ts` run in Node (npm run test:node), not in the browser.
  files: ['test/engine/**/*.test.ts', 'test/components/**/*.test.ts', 'test/providers/**/*.test.ts', 'test/react/**/*.test.ts', '!test/**/*.node.test.ts'],
  nodeResolve: true,
  concurrency: 1,
  plugins: [
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }),
    reactEsmPlugin(),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: { headless: true, ...(executablePath ? { executablePath } : {}), args: chromiumArgs },
    }),
  ],
  testFramework: { config: { timeout: 20000 } },
  testsFinishTimeout: 300000,
};
