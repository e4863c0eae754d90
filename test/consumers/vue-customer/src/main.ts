import 'chat-call-kit/chat-call-panel.js';
import 'chat-call-kit/cobrowse-launcher.js';
import { createApp } from 'vue';
import App from './App.vue';

createApp(App).mount('#app');
