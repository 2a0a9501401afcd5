import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { HOOK_TIMEOUT_S, defaultRelayPaths, hookRelayCommand, statusLineRelayCommand } from '../../../../src/claude/settings.js';
import { PRECOMPACT_DEADLINE_MS } from '../../../../src/claude/relay/post.js';

// The relays run as plain `node` processes in real use, so these tests run the bundled ones
// (dist/relay/, built by `npm run build`; tap's `before` runs it).
const relay = defaultRelayPaths();
const SRC = join(import.meta.dirname, '..', '..', '..', '..', 'src', 'claude', 'relay');
for (const js of [relay.hookRelay, relay.statusLineRelay]) {
  for (const ts of ['hook-relay.ts', 'statusline-relay.ts', 'post.ts']) {
    if (!existsSync(js) || statSync(js).mtimeMs < statSync(join(SRC, ts)).mtimeMs) {
      throw new Error(`${js} is missing or older than src/claude/relay/${ts}: run npm run build first`);
    }
  }
}

const STOP = JSON.stringify({ session_id: 's1', hook_event_name: 'Stop', stop_hook_active: false });

interface Received { url: string; token: string | undefined; body: string }

async function server(t: Test, handler: 'ok' | 'hang' = 'ok'): Promise<{ url: string; got: Received[]; srv: Server }> {
  const got: Received[] = [];
  const open = new Set<IncomingMessage>();
  const srv = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      got.push({ url: req.url ?? '', token: req.headers['x-guard-token'] as string | undefined, body });
      if (handler === 'ok') res.end('{}');
      else open.add(req);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => { srv.closeAllConnections(); srv.close(() => r()); }));
  const port = (srv.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, got, srv };
}

interface Run { code: number | null; stdout: string; stderr: string }

function run(file: string, args: string[], env: Record<string, string>, stdin: string | null): Promise<Run> {
  return new Promise((resolve) => {
    const base = { ...process.env };
    delete base['GUARD_RECEIVER_URL'];
    delete base['GUARD_TOKEN'];
    const child = spawn(process.execPath, [file, ...args], { env: { ...base, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    // null: never close stdin, like a writer that hangs.
    if (stdin !== null) child.stdin.end(stdin);
    else t.teardown(() => child.stdin.destroy());
  });
}

t.test('hook relay posts stdin with the token to /guard/hook/<Event>, silently', async (t) => {
  const s = await server(t);
  const r = await run(relay.hookRelay, ['Stop'], { GUARD_RECEIVER_URL: s.url, GUARD_TOKEN: 'tok-1' }, STOP);
  t.same(r, { code: 0, stdout: '', stderr: '' });
  t.same(s.got, [{ url: '/guard/hook/Stop', token: 'tok-1', body: STOP }]);
});

t.test('hook relay: receiver down → exit 0, nothing printed', async (t) => {
  const s = await server(t);
  await new Promise<void>((r) => s.srv.close(() => r()));
  const r = await run(relay.hookRelay, ['Stop'], { GUARD_RECEIVER_URL: s.url, GUARD_TOKEN: 'x' }, STOP);
  t.same(r, { code: 0, stdout: '', stderr: '' });
});

t.test('hook relay: a receiver that never answers is abandoned; exit 0, silent', async (t) => {
  const s = await server(t, 'hang');
  const r = await run(relay.hookRelay, ['Stop'], { GUARD_RECEIVER_URL: s.url, GUARD_TOKEN: 'x' }, STOP);
  t.same(r, { code: 0, stdout: '', stderr: '' });
  t.equal(s.got.length, 1, 'the request reached the server, which is still holding it open');
});

t.test('hook relay: a stdin that never closes is abandoned; nothing posted', async (t) => {
  const s = await server(t);
  const r = await run(relay.hookRelay, ['Stop'], { GUARD_RECEIVER_URL: s.url, GUARD_TOKEN: 'x' }, null);
  t.same(r, { code: 0, stdout: '', stderr: '' });
  t.same(s.got, []);
});

t.test('hook relay: no env, bad url, bad event name → exit 0, silent, nothing posted', async (t) => {
  const s = await server(t);
  for (const [args, env] of [
    [['Stop'], {}],
    [['Stop'], { GUARD_RECEIVER_URL: 'not a url', GUARD_TOKEN: 'x' }],
    [['../x'], { GUARD_RECEIVER_URL: s.url, GUARD_TOKEN: 'x' }],
    [[], { GUARD_RECEIVER_URL: s.url, GUARD_TOKEN: 'x' }],
  ] as [string[], Record<string, string>][]) {
    t.same(await run(relay.hookRelay, args, env, STOP), { code: 0, stdout: '', stderr: '' }, JSON.stringify(args));
  }
  t.same(s.got, []);
});

const STATUS = JSON.stringify({ session_id: 's1', model: { id: 'claude-sonnet-5-5' }, context_window: { context_window_size: 1000000 } });

t.test("status-line relay: posts, then prints the user's own line from the same input", async (t) => {
  const s = await server(t);
  const userCmd = `node -e "let d='';process.stdin.on('data',c=>d+=c).on('end',()=>{const j=JSON.parse(d);process.stdout.write('my '+j.model.id+' token='+(process.env.GUARD_TOKEN??'none'))})"`;
  const b64 = Buffer.from(userCmd).toString('base64url');
  const r = await run(relay.statusLineRelay, ['--user-command-b64', b64], { GUARD_RECEIVER_URL: s.url, GUARD_TOKEN: 'tok-2' }, STATUS);
  t.same(r, { code: 0, stdout: 'my claude-sonnet-5-5 token=none', stderr: '' }, "the user's command does not see guard's token");
  t.same(s.got, [{ url: '/guard/hook/statusline', token: 'tok-2', body: STATUS }]);
});

t.test('status-line relay: no user line prints nothing; the user command\'s exit code passes through', async (t) => {
  const s = await server(t);
  const r = await run(relay.statusLineRelay, [], { GUARD_RECEIVER_URL: s.url, GUARD_TOKEN: 't' }, STATUS);
  t.same(r, { code: 0, stdout: '', stderr: '' });
  t.equal(s.got.length, 1);
  const failing = Buffer.from('echo partial; exit 3').toString('base64url');
  const r2 = await run(relay.statusLineRelay, ['--user-command-b64', failing], { GUARD_RECEIVER_URL: s.url, GUARD_TOKEN: 't' }, STATUS);
  t.same(r2, { code: 3, stdout: 'partial\n', stderr: '' });
});

t.test("status-line relay: the user's line still prints when the receiver is down", async (t) => {
  const s = await server(t);
  await new Promise<void>((r) => s.srv.close(() => r()));
  const cmd = Buffer.from('echo still here').toString('base64url');
  const r = await run(relay.statusLineRelay, ['--user-command-b64', cmd], { GUARD_RECEIVER_URL: s.url, GUARD_TOKEN: 't' }, STATUS);
  t.same(r, { code: 0, stdout: 'still here\n', stderr: '' });
});

t.test('status-line relay: a user command that hangs is ended with everything it started; the relay never outlives its stop', async (t) => {
  const s = await server(t);
  // `sleep` holds the relay's stdout: the run ends ('close') only once it is gone too.
  const hang = Buffer.from('sleep 60; echo late').toString('base64url');
  const r = await run(relay.statusLineRelay, ['--user-command-b64', hang], { GUARD_RECEIVER_URL: s.url, GUARD_TOKEN: 't' }, STATUS);
  t.same(r, { code: 0, stdout: '', stderr: '' }, 'ended, nothing printed, and the sleep under it is gone');
  t.equal(s.got.length, 1, 'the status was still posted');
});

/** A relay command line as Claude runs it: through a shell, with stdin, not blocking this process (the receiver lives here). */
function sh(command: string, env: NodeJS.ProcessEnv, stdin: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

t.test('relay commands run node with NODE_OPTIONS and NODE_EXTRA_CA_CERTS emptied; the user\'s status-line command gets both back', async (t) => {
  const s = await server(t);
  const dir = t.testdir({ 'loader.mjs': 'process.stdout.write("LOADED ");\n' });
  const loader = `--import=${join(dir, 'loader.mjs')}`;
  const paths = { node: process.execPath, hookRelay: relay.hookRelay, statusLineRelay: relay.statusLineRelay };
  const userCmd = `node -e "process.stdout.write('user NODE_OPTIONS=' + (process.env.NODE_OPTIONS ?? '') + ' copy=' + (process.env.GUARD_USER_NODE_OPTIONS ?? 'none') + ' certs=' + (process.env.NODE_EXTRA_CA_CERTS ?? '') + ' certsCopy=' + (process.env.GUARD_USER_NODE_EXTRA_CA_CERTS ?? 'none'))"`;
  // A certificate file that does not exist: every node started with it warns on stderr.
  const certs = join(dir, 'no-such-ca.pem');
  const env = { ...process.env, NODE_OPTIONS: loader, NODE_EXTRA_CA_CERTS: certs, GUARD_RECEIVER_URL: s.url, GUARD_TOKEN: 't' };
  const hook = await sh(hookRelayCommand(paths, 'Stop'), env, STOP);
  t.same([hook.code, hook.stdout], [0, ''], 'the hook relay loaded no loader (it would have printed) and printed nothing');
  t.notMatch(hook.stderr, /extra certs/i, 'the hook relay did not read NODE_EXTRA_CA_CERTS');
  const line = await sh(statusLineRelayCommand(paths, userCmd), env, STATUS);
  t.equal(line.stderr.split(/extra certs/i).length - 1, 1, 'the certificate file was read once: by the user\'s command, not the relay');
  t.match(line.stdout, ` certs=${certs} certsCopy=none`, 'the user\'s command had its NODE_EXTRA_CA_CERTS back, without guard\'s copy');
  t.equal(line.stdout.split('LOADED').length - 1, 1, 'the loader ran once: in the user\'s command, not in the relay');
  t.match(line.stdout, new RegExp(`^LOADED user NODE_OPTIONS=\\S*${loader.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`), 'the user\'s command had its NODE_OPTIONS back');
  t.match(line.stdout, / copy=none /, 'and not guard\'s copy of them');
  t.equal(s.got.length, 2, 'both relays posted');
});

// ---- PreCompact: guard's decision reaches Claude on stdout (issue 7) --------------------------------

const PRECOMPACT = JSON.stringify({ session_id: 's1', hook_event_name: 'PreCompact', trigger: 'auto', custom_instructions: null });

/** A receiver that answers every hook with `answer` after `delayMs`. */
async function answering(t: Test, answer: string, delayMs = 0): Promise<{ url: string; got: Received[] }> {
  const got: Received[] = [];
  const srv = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      got.push({ url: req.url ?? '', token: req.headers['x-guard-token'] as string | undefined, body });
      setTimeout(() => { res.setHeader('content-type', 'application/json'); res.end(answer); }, delayMs);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => { srv.closeAllConnections(); srv.close(() => r()); }));
  return { url: `http://127.0.0.1:${(srv.address() as { port: number }).port}`, got };
}

const BLOCK = JSON.stringify({ decision: 'block', reason: 'guard is handing over' });

t.test('PreCompact relay prints guard\'s block decision, and nothing else', async (t) => {
  const s = await answering(t, BLOCK, 1_000);
  const r = await run(relay.hookRelay, ['PreCompact'], { GUARD_RECEIVER_URL: s.url, GUARD_TOKEN: 'tok-3' }, PRECOMPACT);
  t.same(r, { code: 0, stdout: `${BLOCK}\n`, stderr: '' }, 'a decision that took a second still arrives');
  t.same(s.got, [{ url: '/guard/hook/PreCompact', token: 'tok-3', body: PRECOMPACT }]);
  const noReason = await answering(t, '{"decision":"block"}');
  t.same(JSON.parse((await run(relay.hookRelay, ['PreCompact'], { GUARD_RECEIVER_URL: noReason.url, GUARD_TOKEN: 'x' }, PRECOMPACT)).stdout),
    { decision: 'block', reason: 'guard is handing over to a fresh context' }, 'a reason is always given');
});

t.test('PreCompact relay: an allow answer, or anything not a block, prints nothing (it would become compaction instructions)', async (t) => {
  for (const answer of ['{}', '{"decision":"approve"}', 'block', '[1]', '{"decision":"block"', 'x'.repeat(5000)]) {
    const s = await answering(t, answer);
    const r = await run(relay.hookRelay, ['PreCompact'], { GUARD_RECEIVER_URL: s.url, GUARD_TOKEN: 'x' }, PRECOMPACT);
    t.same(r, { code: 0, stdout: '', stderr: '' }, JSON.stringify(answer.slice(0, 30)));
  }
});

t.test('PreCompact relay: guard late or gone → exit 0, nothing printed (Claude compacts)', async (t) => {
  const late = await answering(t, BLOCK, PRECOMPACT_DEADLINE_MS + 1_000);
  const started = Date.now();
  const r = await run(relay.hookRelay, ['PreCompact'], { GUARD_RECEIVER_URL: late.url, GUARD_TOKEN: 'x' }, PRECOMPACT);
  t.same(r, { code: 0, stdout: '', stderr: '' }, 'a decision after the deadline is dropped');
  t.ok(Date.now() - started < HOOK_TIMEOUT_S * 1000, 'gone before Claude\'s hook timeout');
  const gone = await server(t);
  await new Promise<void>((res) => gone.srv.close(() => res()));
  t.same(await run(relay.hookRelay, ['PreCompact'], { GUARD_RECEIVER_URL: gone.url, GUARD_TOKEN: 'x' }, PRECOMPACT), { code: 0, stdout: '', stderr: '' }, 'receiver gone');
  t.same(await run(relay.hookRelay, ['PreCompact'], {}, PRECOMPACT), { code: 0, stdout: '', stderr: '' }, 'not under guard');
  const refused = createServer((_req, res) => { res.statusCode = 401; res.end(BLOCK); });
  await new Promise<void>((res) => refused.listen(0, '127.0.0.1', res));
  t.teardown(() => new Promise<void>((res) => { refused.closeAllConnections(); refused.close(() => res()); }));
  const url401 = `http://127.0.0.1:${(refused.address() as { port: number }).port}`;
  t.same(await run(relay.hookRelay, ['PreCompact'], { GUARD_RECEIVER_URL: url401, GUARD_TOKEN: 'x' }, PRECOMPACT), { code: 0, stdout: '', stderr: '' }, 'a refused post (wrong token)');
});

t.test('other hooks stay silent even if the receiver answers with a decision', async (t) => {
  const s = await answering(t, BLOCK);
  for (const event of ['Stop', 'SessionStart', 'UserPromptSubmit', 'SessionEnd']) {
    const r = await run(relay.hookRelay, [event], { GUARD_RECEIVER_URL: s.url, GUARD_TOKEN: 'x' }, STOP);
    t.same(r, { code: 0, stdout: '', stderr: '' }, event);
  }
});
