// The command each of guard's Claude hooks runs: `node hook-relay.js <EventName>`. Reads the JSON
// Claude writes on stdin and posts it to guard's receiver (see ./post.ts). It must never hold
// Claude up or change what it does: it prints nothing (a hook's stdout can reach Claude's context),
// exits 0 whatever happens, and is gone within RELAY_DEADLINE_MS.

import { RELAY_DEADLINE_MS, postHook, readStdin } from './post.js';

const quit = (): never => process.exit(0);
process.on('uncaughtException', quit);
process.on('unhandledRejection', quit);
// The hard stop: whatever is still pending (a stdin that never closes, a receiver that never
// answers) is abandoned here.
setTimeout(quit, RELAY_DEADLINE_MS).unref();

async function main(): Promise<void> {
  const deadline = Date.now() + RELAY_DEADLINE_MS - 50;
  const event = process.argv[2] ?? '';
  const input = await readStdin(deadline);
  if (!input.complete || input.data.length === 0) return;
  await postHook(event, input.data, deadline);
}

main().then(quit, quit);
