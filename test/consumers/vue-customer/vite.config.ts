import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const elements = new Set(['chat-call-panel', 'call-controls', 'cobrowse-launcher']);

export default defineConfig({
  base: './',
  plugins: [vue({ template: { compilerOptions: { isCustomElement: (tag) => elements.has(tag) } } })],
});
