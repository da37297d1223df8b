// The Cloudflare Workers entry (wrangler.toml `main`). workerd treats every named export of this
// module as an entrypoint, so the host lives in src/workers/host.ts and only the handler is exported here.
import { createWorker } from './workers/host.ts';

export default createWorker();
