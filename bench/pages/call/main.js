// Loads the shared instrumentation first, then the contender named in ?c=, and exposes
// `window.bench`: { setup, start, accept, hangup, watch, marks, resources }.
import * as common from './common.js';

const contender = common.params.get('c');
const module = await import(`./contenders/${contender}.js`);
window.bench = {
  ...module.contender,
  watch: common.watch,
  stopWatching: common.stopWatching,
  marks: () => ({ ...common.marks }),
  clearMarks: () => {
    for (const key of Object.keys(common.marks)) delete common.marks[key];
  },
  now: common.now,
  resources: common.resources,
};
window.benchReady = true;
