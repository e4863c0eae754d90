/** dist/chat-call-kit-rrweb.js: rrweb as one ES module, loaded by the bundles when co-browse starts. */
export * from 'rrweb';
