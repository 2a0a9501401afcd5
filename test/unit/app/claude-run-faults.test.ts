// A fault in the checkpoint controller, through startClaudeRun (src/app/claude-run.ts): the
// controller's boundary switches checkpoints off (said once, nothing typed afterwards) while the
// gauge goes on counting the telemetry that arrives at the real receiver.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startClaudeRun } from '../../../src/app/claude-run.js';
import { makePolicyConfig } from '../../../src/policy/config.js';
import { resolvePaths } from '../../../src/paths.js';
import type { RunRecording } from '../../../src/log/run-recording.js';
import { Notices } from '../../../src/ui/notices.js';
import { realClock } from '../../../src/lib/clock.js';
import { PrefixCommands } from '../../../src/input/commands.js';
import type { SupervisedSession } from '../../../src/supervisor/supervise.js';
import type { PtyWriter } from '../../../src/writer/writer.js';
import { TOKEN_HEADER } from '../../../src/telemetry/receiver.js';
import { telemetryFiles } from '../context/fixture-data.js';

t.test('the controller throws: checkpoints off, said once, nothing typed; the gauge goes on', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'guard-run-faults-'));
  t.teardown(() => rmSync(home, { recursive: true, force: true }));
  const notices = new Notices(realClock);
  t.teardown(() => notices.dispose());
  const recording: RunRecording = { id: 't', paths: resolvePaths({ env: { GUARD_HOME: home } }), log: null, live: null, warnings: [], finish: () => undefined };
  const run = await startClaudeRun({ args: [], cwd: home, env: {}, policy: makePolicyConfig(), color: false, recording, notices });
  t.teardown(() => run.close());

  let writes = 0;
  let keyBoxCalls = 0;
  let output: ((d: Buffer) => void) | null = null;
  const writer = {
    write: () => { writes++; },
    keyBox: () => { keyBoxCalls++; throw new Error('keys exploded'); },
    screenShowsEmpty: () => {},
    onUserInput: () => ({ dispose() {} }),
  } as unknown as PtyWriter;
  const commands = new PrefixCommands();
  const session: SupervisedSession = {
    pid: 4242, mode: 'ui', writer, commands, notices,
    onOutput: (fn) => { output = fn; return { dispose() { output = null; } }; },
    onExit: () => ({ dispose() {} }),
    paneText: () => [],
    terminate: () => {},
  };
  const started = run.supervised.onStart!(session);
  t.teardown(() => { if (started) started.dispose(); });
  t.ok(output, 'the controller listens to Claude\'s output');
  output!(Buffer.from('x'));
  output!(Buffer.from('y'));
  commands.get('c')?.run();
  t.equal(keyBoxCalls, 1, 'the failing controller was called once, then switched off');
  t.equal(notices.faults().length, 1, 'said once');
  t.match(notices.faults()[0], /guard: checkpoints are off for this run after an error \(keys exploded\); the gauge goes on/);
  t.match(run.supervised.footerSource!.lines(200).join(''), 'checkpoints off after an error', 'the footer says so');

  const env = run.supervised.extraEnv!;
  const token = env.OTEL_EXPORTER_OTLP_LOGS_HEADERS!.split('=')[1]!;
  for (const f of telemetryFiles('2.1.330', 'json')) {
    const url = f.signal === 'logs' ? env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT! : env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT!;
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': f.contentType, [TOKEN_HEADER]: token }, body: f.body });
    t.equal(res.status, 200, `${f.name} accepted`);
  }
  t.ok((run.tracker.snapshot().contextTokens ?? 0) > 0, 'the gauge counted the telemetry');
  t.equal(writes, 0, 'nothing was typed through a whole session that crossed the threshold (peak 967,087 tokens)');
});
