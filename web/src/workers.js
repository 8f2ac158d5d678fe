// Monaco web workers, served from the same directory as graphiql.js.
//
// GraphiQL 5 ships "setup-workers" helpers for esm.sh (a CDN), Vite and
// webpack only. We bundle the three workers ourselves with esbuild
// (see ../build.mjs) and point Monaco at them with plain same-origin URLs,
// so no blob: or data: worker is ever created.

// document.currentScript is only set while a classic script is executing
// synchronously, i.e. right now while the IIFE bundle evaluates.
const script = document.currentScript;
const base = new URL('.', script && script.src ? script.src : document.baseURI);

const workerURL = (name) => new URL(`${name}.worker.js`, base).href;

globalThis.MonacoEnvironment = {
  getWorker(_workerId, label) {
    switch (label) {
      case 'json':
        return new Worker(workerURL('json'), { name: 'json' });
      case 'graphql':
        return new Worker(workerURL('graphql'), { name: 'graphql' });
      default:
        return new Worker(workerURL('editor'), { name: 'editor' });
    }
  },
};
