// `guard claude` end to end on the REAL Claude Code (node_modules/.bin/claude, 2.1.330) against
// the stand-in Messages API: bin/guard.js runs in a test terminal (a real pty whose screen
// @xterm/headless rebuilds, as the user's terminal would), and everything asserted is what a
// user would see there — Claude's prompt box above guard's footer, the footer's context figure
// against the stand-in's own records, `guard ls --json`, mouse and resize behaviour, the
// terminal's modes after exit.
//
// One guard session carries the subtests in order (each Claude start costs ~3 s of a 2-core
// machine), plus one bare Claude for the start-time comparison and the exit status, one guard
// session whose `claude` records what it is sent (the bytes that reach the real Claude: query
// answers, mouse reports), and one small program with Claude's mouse modes for exact mouse bytes.
//
// Why the recording: Claude 2.1.330 reaches its prompt box even when nobody answers its
// CSI ?u / CSI c (checked by disabling guard's replies), so "it starts" proves nothing about the
// answers; and which row a mouse report named is only visible on screen for some rows.
import t, { type Test } from 'tap';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatTokens } from '../../src/lib/text.js';
import type { LiveEntry } from '../../src/registry/live.js';
import { guardLs } from '../helpers/guard-ls.js';
import { CLAUDE_BIN, GUARD_BIN, isIdle, promptInput, waitForIdle, OFFLINE_MODEL } from '../helpers/claude-env.js';
import { startClaudeSession, type ClaudeSession } from '../helpers/claude-session.js';
import { startTerminal, type TestTerminal } from '../helpers/terminal.js';
import { until } from '../helpers/until.js';

const COLS = 110;
const ROWS = 32;
/** OFFLINE_MODEL is a 200,000 window in 2.1.330: the auto-compact point is 167,000. */
const CLAUDE_ARGS = ['--model', OFFLINE_MODEL];
const WINDOW = 200_000;
const AUTO_COMPACT_AT = 167_000;
/** The footer moves within a second of a request; telemetry batches every 500 ms. */
const TELEMETRY_WAIT_MS = 2_000;
const RULE_RE = /^─+$/;
const REPLY_RE = /Reply \d+: context about \d+ tokens\./;

// ---- screen helpers ------------------------------------------------------------------------

function lastRow(term: TestTerminal): string { return term.lines()[term.term.rows - 1] ?? ''; }

/** Index of Claude's prompt line (`❯` right under a rule), or -1. */
function promptRow(lines: string[]): number {
  for (let i = 1; i < lines.length; i++) if (RULE_RE.test(lines[i - 1] ?? '') && (lines[i] ?? '').startsWith('❯')) return i;
  return -1;
}

/** What a user sees of the layout: Claude's prompt box whole, in its pane, and guard's footer on the last row. */
function layout(lines: string[]): { prompt: number; topRule: string; bottomRule: string; hint: number; footer: string } {
  const prompt = promptRow(lines);
  const hint = lines.findIndex((l, i) => i > prompt && l.includes('⏵⏵ accept edits'));
  return { prompt, topRule: lines[prompt - 1] ?? '', bottomRule: lines[prompt + 1] ?? '', hint, footer: lines[lines.length - 1] ?? '' };
}

/** The footer's gauge text for a context figure, as src/ui/footer.ts formats it. */
function gauge(tokens: number): string { return `${formatTokens(tokens)} / ${formatTokens(AUTO_COMPACT_AT)}`; }

/**
 * Claude's pane once it has stopped changing, less its last line: that line holds Claude's mode
 * hints, which change on their own (e.g. "← for agents" goes when a background sub-agent ends),
 * so comparing screens over time compares the transcript and the prompt box.
 */
async function waitQuiet(term: TestTerminal, quietMs = 400, timeoutMs = 10_000): Promise<string[]> {
  let pane: string[] = [];
  let last = '';
  let since = Date.now();
  await until(async () => {
    await term.waitFor(() => true);
    pane = term.lines().slice(0, -2);
    const s = pane.join('\n');
    if (s !== last) { last = s; since = Date.now(); return false; }
    return Date.now() - since >= quietMs;
  }, timeoutMs, () => `the screen to settle; screen:\n${term.screen()}`);
  return pane;
}


/** `guard ls` starts a node process: looked at this often, not every frame. */
const LS_POLL_MS = 250;

const sgrMouse = (button: number, col: number, row: number, release = false): string => `\x1b[<${button};${col};${row}${release ? 'm' : 'M'}`;
const WHEEL_UP = 64;
const CTRL_END = '\x1b[1;5F';

// ---- the tests -------------------------------------------------------------------------------

let bareStartMs = 0;
let bareExit: number | null = null;

t.test('bare Claude: start time and the exit status of /exit (the baseline)', async (t) => {
  const bare = await startClaudeSession({ claudeArgs: CLAUDE_ARGS, cols: COLS, rows: ROWS - 1, waitReady: false });
  t.teardown(() => bare.dispose());
  const t0 = Date.now();
  await bare.term.waitFor((s) => s.includes('Claude Code') && isIdle(s), 30_000);
  bareStartMs = Date.now() - t0;
  await waitForIdle(bare.term);
  bare.term.write('/exit\r');
  bareExit = (await bare.term.waitExit()).exitCode;
  t.pass(`bare Claude reached its prompt and exited with ${bareExit}`);
});

t.test('guard claude: one session, seen from the user\'s terminal', async (t) => {
  const session: ClaudeSession = await startClaudeSession({ guardArgs: [], claudeArgs: CLAUDE_ARGS, cols: COLS, rows: ROWS, waitReady: false });
  const { api, env, term } = session;
  t.teardown(() => session.dispose());

  await t.test('Claude reaches its prompt box under guard; its modes are mirrored outside', async (t) => {
    // The answers to Claude's queries themselves are checked on the wire in the recording test below.
    const t0 = Date.now();
    await term.waitFor((s) => s.includes('Claude Code') && isIdle(s), 30_000);
    const guardStartMs = Date.now() - t0;
    await waitForIdle(term);
    t.equal(term.term.buffer.active.type, 'alternate', 'guard draws on the alternate screen');
    t.equal(term.term.modes.mouseTrackingMode, 'any', 'Claude\'s any-motion mouse tracking (?1003h) is mirrored on the outer terminal');
    t.ok(term.term.modes.bracketedPasteMode, 'bracketed paste mirrored');
    t.ok(term.term.modes.sendFocusMode, 'focus reports mirrored');
    t.comment(`start to prompt box: bare ${bareStartMs} ms, under guard ${guardStartMs} ms (one sample each, bare first; noisy on a shared 2-core machine)`);
  });

  await t.test('the prompt box is whole above the footer', async (t) => {
    const lines = term.lines();
    const l = layout(lines);
    t.ok(l.prompt > 0, 'the ❯ prompt line is on screen');
    t.equal(l.topRule, '─'.repeat(COLS), 'the rule above the prompt spans the pane');
    t.equal(l.bottomRule, '─'.repeat(COLS), 'the rule below the prompt spans the pane');
    t.ok(l.hint > l.prompt + 1 && l.hint <= ROWS - 2, `Claude's own last line (row ${l.hint + 1}) is above the footer`);
    t.match(l.footer, new RegExp(`^guard │ waiting for Claude's first request │ \\$0\\.00 │ ${OFFLINE_MODEL.replace(/^claude-/, '')} 200k │ idle`), 'the footer is on the last row');
    t.notMatch(lines.slice(0, -1).join('\n'), /guard │/, 'the footer is drawn on one row only');
  });

  const footerShows = async (tokens: number): Promise<string> =>
    term.waitFor(() => lastRow(term).includes(gauge(tokens)), TELEMETRY_WAIT_MS).then(() => lastRow(term));

  const lsShows = async (t: Test, tokens: number, what: string): Promise<void> => {
    let list: LiveEntry[] = [];
    await until(async () => {
      list = await guardLs(env.guardHome);
      return list[0]?.contextTokens === tokens && list[0]?.state === 'idle';
    }, 5_000, () => `${what}: guard ls to show the run idle at ${tokens}; it lists ${JSON.stringify(list)}`, LS_POLL_MS);
    t.equal(list.length, 1, `${what}: guard ls lists the run`);
    t.match(list[0], { program: 'claude', cwd: env.cwd, contextTokens: tokens, contextWindow: WINDOW, autoCompactAt: AUTO_COMPACT_AT, state: 'idle' }, `${what}: guard ls --json`);
  };

  await t.test('the footer follows the newest main request, turn by turn; guard ls agrees', async (t) => {
    await session.turn('hello', { until: REPLY_RE });
    const hello = api.lastMain()!;
    t.equal(hello.prompt, 'hello');
    t.match(await footerShows(hello.contextTokens!), /idle/, `plain turn: footer shows ${gauge(hello.contextTokens!)}`);
    await lsShows(t, hello.contextTokens!, 'plain turn');

    await session.turn('TOOL:echo hi', { until: /Tool done\./ });
    const tool = api.lastMain()!;
    t.ok(api.messages('main').some((r) => r.answer?.kind === 'tool_use' && r.answer.name === 'Bash'), 'a Bash call ran');
    t.ok(tool.seq > hello.seq && tool.contextTokens! > hello.contextTokens!, 'the tool turn grew the context');
    await footerShows(tool.contextTokens!);
    t.pass(`tool call: footer shows ${gauge(tool.contextTokens!)}`);

    // Every footer drawn during the sub-agent turn, to show none of them took the sub-agent's size.
    const footersSeen = new Set<string>();
    const watch = setInterval(() => footersSeen.add(lastRow(term)), 20);
    t.teardown(() => clearInterval(watch));
    await session.turn('AGENT go', { until: /Agent\(standin subagent\)/ });
    const sub = await api.waitForRequest((r) => r.thread === 'subagent', 20_000);
    // 2.1.330 runs the sub-agent in the background; the main thread answers its notification.
    await api.waitForRequest((r) => r.thread === 'main' && r.seq > sub.seq, 20_000);
    await waitForIdle(term);
    const afterAgent = api.lastMain()!;
    t.not(gauge(sub.contextTokens!), gauge(afterAgent.contextTokens!), 'the sub-agent\'s context differs from the main one');
    await footerShows(afterAgent.contextTokens!);
    clearInterval(watch);
    t.same([...footersSeen].filter((f) => f.includes(gauge(sub.contextTokens!))), [], `no footer during the turn showed the sub-agent's size (${footersSeen.size} seen)`);
    t.pass(`sub-agent: footer shows the main ${gauge(afterAgent.contextTokens!)}, not the sub-agent's ${gauge(sub.contextTokens!)}`);

    await session.turn('PAD:60000 big read', { until: (s) => s.includes('PAD:60000') && /Reply \d+: context about [89]\d{4} tokens/.test(s) });
    const padded = api.lastMain()!;
    t.equal(padded.padding, 60_000);
    const footer = await footerShows(padded.contextTokens!);
    t.match(footer, `${Math.round((padded.contextTokens! / AUTO_COMPACT_AT) * 100)}%`, 'the percentage of the auto-compact point');
    t.pass(`padding: footer shows ${gauge(padded.contextTokens!)}`);
    await lsShows(t, padded.contextTokens!, 'after padding');
    const [entry] = await guardLs(env.guardHome);
    t.ok((entry?.costUsd ?? 0) > 0, `cost so far: $${entry?.costUsd}`);
    t.equal(entry?.claudeSessionId, padded.sessionId, 'the Claude session id is the one the API saw');
    t.equal(entry?.model, OFFLINE_MODEL);
  });

  await t.test('the mouse: Claude gets wheel and clicks at the rows the user pointed at; the footer row is guard\'s', async (t) => {
    // Enough transcript to scroll: the banner must have scrolled out of Claude's view.
    for (let i = 0; term.screen().includes('Claude Code v2') && i < 6; i++) await session.turn(`filler ${i}`, { until: REPLY_RE });
    t.notMatch(term.screen(), 'Claude Code v2', 'the transcript is longer than the pane');
    const bottom = await waitQuiet(term);

    // One wheel notch inside the pane scrolls Claude's transcript.
    term.write(sgrMouse(WHEEL_UP, 20, 5));
    await term.waitFor('Jump to bottom');
    const oneNotch = await waitQuiet(term);
    t.not(oneNotch.join('\n'), bottom.join('\n'), 'the wheel scrolled Claude\'s transcript');
    term.write(CTRL_END);
    await term.waitFor((s) => !s.includes('Jump to bottom'));
    t.same(await waitQuiet(term), bottom, 'ctrl+End brought it back to the bottom');

    // Wheel and a click on the footer row, then the same single notch in the pane: if guard had
    // passed the footer's events on, Claude would have scrolled further than one notch.
    const footerRow = ROWS;
    term.write(sgrMouse(WHEEL_UP, 20, footerRow) + sgrMouse(WHEEL_UP, 20, footerRow) + sgrMouse(WHEEL_UP, 20, footerRow));
    term.write(sgrMouse(0, 5, footerRow) + sgrMouse(0, 5, footerRow, true));
    term.write(sgrMouse(WHEEL_UP, 20, 5));
    await term.waitFor('Jump to bottom');
    t.same(await waitQuiet(term), oneNotch, 'exactly one notch of scrolling: the footer row\'s wheel and click stayed with guard');
    term.write(CTRL_END);
    await term.waitFor((s) => !s.includes('Jump to bottom'));

    // A click in the prompt line puts Claude's cursor where the user clicked: row and column right.
    await waitForIdle(term);
    term.write('abcdefgh');
    await term.waitFor((s) => promptInput(s) === 'abcdefgh');
    const lines = term.lines();
    const row = promptRow(lines);
    const col = (lines[row] ?? '').indexOf('d');
    term.write(sgrMouse(0, col + 1, row + 1) + sgrMouse(0, col + 1, row + 1, true) + 'X');
    await term.waitFor((s) => promptInput(s).includes('X'));
    t.equal(promptInput(term.screen()), 'abcXdefgh', `the click at row ${row + 1}, column ${col + 1} moved Claude's cursor before the d`);
    term.write('\x05\x15'); // Ctrl-E, Ctrl-U: empty the prompt again
    await term.waitFor((s) => promptInput(s) === '');
  });

  await t.test('resizing the outer terminal redraws both panes at the new size', async (t) => {
    for (const [cols, rows] of [[80, 24], [124, 36]] as const) {
      term.resize(cols, rows);
      const s = await term.waitFor((x) => {
        const lines = x.split('\n');
        const l = layout(lines);
        return lines.length === rows && l.prompt > 0 && l.topRule === '─'.repeat(cols) && l.bottomRule === '─'.repeat(cols) && /^guard │/.test(l.footer);
      }, 10_000);
      const lines = s.split('\n');
      const l = layout(lines);
      t.ok(l.hint > l.prompt && l.hint <= rows - 2, `${cols}x${rows}: Claude's last line is above the footer`);
      t.match(l.footer, /^guard │ .*\d+%.*(idle|working)/, `${cols}x${rows}: the footer is on the new last row`);
      t.ok(l.footer.length <= cols && /(idle|working)( · [^│]*\d+%)?$/.test(l.footer), `${cols}x${rows}: the footer fits, uncut: ${l.footer}`);
      t.notMatch(lines.slice(0, -1).join('\n'), /guard │/, `${cols}x${rows}: one footer row`);
    }
  });

  await t.test('after /exit: guard exits with Claude\'s status and the terminal is back to normal', async (t) => {
    await waitForIdle(term);
    term.write('/exit\r');
    const e = await term.waitExit(20_000);
    t.equal(e.exitCode, bareExit ?? 0, `guard's status is Claude's (${bareExit} bare)`);
    const m = term.term.modes;
    t.equal(term.term.buffer.active.type, 'normal', 'main screen');
    t.equal(m.mouseTrackingMode, 'none', 'mouse tracking off');
    t.equal(m.bracketedPasteMode, false, 'bracketed paste off');
    t.equal(m.sendFocusMode, false, 'focus reports off');
    t.equal(m.applicationCursorKeysMode, false, 'normal cursor keys');
    t.equal(term.cursorHidden, false, 'cursor visible');
    t.same(await guardLs(env.guardHome), [], 'guard ls shows nothing for the ended run');
  });
});

/**
 * A `claude` for PATH that runs the real one inside script(1), which logs every byte sent to
 * Claude's terminal to `log` and passes everything else through (its own pty, size and exit status).
 * A hang-up ends script and Claude too (script alone would outlive it, with Claude in its own pty).
 */
async function recordingClaude(dir: string, log: string): Promise<void> {
  const src = `#!${process.execPath}
const { spawn } = require('node:child_process');
const q = (s) => "'" + s.replace(/'/g, "'\\\\''") + "'";
const cmd = [${JSON.stringify(CLAUDE_BIN)}, ...process.argv.slice(2)].map(q).join(' ');
const child = spawn('script', ['-q', '-e', '-f', '-I', ${JSON.stringify(log)}, '-O', '/dev/null', '-c', 'exec ' + cmd], { stdio: 'inherit' });
// script(1) outlives a hang-up (it keeps Claude in a terminal of its own); SIGTERM ends both.
for (const sig of ['SIGHUP', 'SIGTERM']) process.on(sig, () => child.kill('SIGTERM'));
child.on('exit', (code) => process.exit(code ?? 1));
`;
  await writeFile(join(dir, 'claude'), src);
  await chmod(join(dir, 'claude'), 0o755);
}

t.test('what reaches the real Claude under guard: answers to its queries, mouse reports at the rows clicked', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'guard-claude-rec-'));
  const log = join(dir, 'claude-input.log');
  await recordingClaude(dir, log);
  const session = await startClaudeSession({
    guardArgs: [], claudeArgs: CLAUDE_ARGS, cols: COLS, rows: ROWS,
    extraEnv: { PATH: `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}` },
  });
  const { term } = session;
  t.teardown(async () => { await session.dispose(); await rm(dir, { recursive: true, force: true }); });
  t.match(lastRow(term), /^guard │/, 'guard ran the recording claude as Claude (footer, telemetry setup)');
  const sent = (): Promise<string> => readFile(log, 'latin1');
  // script(1) writes its log as it goes; poll until the bytes are there.
  const sentIncludes = (what: string): Promise<boolean> =>
    until(async () => (await sent()).includes(what), 5_000, JSON.stringify(what)).then(() => true, () => false);
  t.ok(await sentIncludes('\x1b[?1;2c'), 'Claude got the device-attributes answer (CSI ?1;2c) to its CSI c');
  t.ok(await sentIncludes('\x1bP>|guard('), 'and guard\'s terminal version to its CSI >0q');
  t.notMatch(await sent(), /\x1b\[\?\d+u/, 'no kitty-keyboard answer: Claude learns "no kitty protocol" from CSI c alone');

  const lines = term.lines();
  const row = promptRow(lines) + 1;
  term.write(sgrMouse(0, 7, ROWS) + sgrMouse(0, 7, ROWS, true));
  term.write(sgrMouse(0, 4, row) + sgrMouse(0, 4, row, true) + sgrMouse(WHEEL_UP, 30, 2));
  t.ok(await sentIncludes(sgrMouse(0, 4, row) + sgrMouse(0, 4, row, true) + sgrMouse(WHEEL_UP, 30, 2)),
    `the click at row ${row} and the wheel at row 2 reached Claude as sent (the pane starts at row 1)`);
  t.notMatch(await sent(), `;${ROWS}M`, 'the click on the footer row did not');
});

t.test('a program with Claude\'s mouse modes gets the exact reports for its pane, none for the footer', async (t) => {
  // The same modes Claude turns on (alternate screen, ?1000/1002/1003 tracking, SGR ?1006,
  // bracketed paste, focus reports); the program prints every byte it reads.
  const modes = '\x1b[?1049h\x1b[?1000h\x1b[?1002h\x1b[?1003h\x1b[?1006h\x1b[?2004h\x1b[?1004h';
  const src = `
    process.stdin.setRawMode(true);
    process.stdout.write(${JSON.stringify(modes)} + 'ready\\r\\n');
    let acc = '';
    process.stdin.on('data', (d) => {
      acc += d.toString('latin1');
      process.stdout.write('\\x1b[2;1H\\x1b[Jgot ' + JSON.stringify(acc) + '\\r\\n');
      if (acc.endsWith('x')) process.exit(0);
    });`;
  const rows = 12;
  const g = startTerminal({ file: process.execPath, args: [GUARD_BIN, process.execPath, '-e', src], cols: 100, rows });
  t.teardown(() => g.dispose());
  await g.waitFor('ready');
  await g.waitFor(() => g.term.modes.mouseTrackingMode === 'any');
  // Footer row first: a click, a wheel, a motion; then pane events, then an end marker.
  g.write(sgrMouse(0, 10, rows) + sgrMouse(0, 10, rows, true) + sgrMouse(WHEEL_UP, 10, rows) + sgrMouse(35, 11, rows));
  const pane = sgrMouse(0, 5, 1) + sgrMouse(0, 5, 1, true) + sgrMouse(WHEEL_UP + 1, 7, 3) + sgrMouse(35, 9, rows - 1) + 'q';
  g.write(pane);
  const s = await g.waitFor((x) => x.includes('q"'));
  t.match(s, `got ${JSON.stringify(pane)}`, 'pane rows 1, 3 and the last pane row arrive unchanged; nothing from the footer row');
  g.write('x');
  t.equal((await g.waitExit()).exitCode, 0);
});
