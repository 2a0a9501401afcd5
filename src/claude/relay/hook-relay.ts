// The command each of guard's Claude hooks runs: `node hook-relay.js <EventName>`. Reads the JSON
// Claude writes on stdin and posts it to guard's receiver (see ./post.ts). It must never hold
// Claude up or change what it does unasked: it exits 0 whatever happens, and prints nothing (a
// hook's stdout can reach Claude's context) except for one thing: on PreCompact it prints guard's
// decision to hold Claude's automatic compaction, when guard answers with one in time. Every other
// hook is gone within RELAY_DEADLINE_MS, PreCompact within PRECOMPACT_DEADLINE_MS; a guard that is
// gone or late means no output, and Claude compacts as it would without guard.

import { PRECOMPACT_DEADLINE_MS, RELAY_DEADLINE_MS, askHook, postHook, preCompactOutput, readStdin } from './post.js';

const event = process.argv[2] ?? '';
const DEADLINE_MS = event === 'PreCompact' ? PRECOMPACT_DEADLINE_MS : RELAY_DEADLINE_MS;
const quit = (): never => process.exit(0);
process.on('uncaughtException', quit);
process.on('unhandledRejection', quit);
// The hard stop: whatever is still pending (a stdin that never closes, a receiver that never
// answers) is abandoned here, with nothing printed.
setTimeout(quit, DEADLINE_MS).unref();

async function main(): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS - 50;
  const input = await readStdin(deadline);
  if (!input.complete || input.data.length === 0) return;
  if (event !== 'PreCompact') {
    await postHook(event, input.data, deadline);
    return;
  }
  const out = preCompactOutput(await askHook(event, input.data, deadline));
  // Written in one piece before exiting: the decision must reach Claude whole or not at all.
  if (out !== '') await new Promise<void>((resolve) => { process.stdout.write(`${out}\n`, () => resolve()); });
}

main().then(quit, quit);
