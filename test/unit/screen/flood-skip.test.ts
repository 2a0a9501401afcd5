// Flood skipping (src/screen/flood-skip.ts) against the real screen model: xterm fed a batch and
// xterm fed what skipScrolledAway returns for it must end the same, in every cell of the history
// and the screen (characters, widths, colours, flags, wrapping), the cursor, the modes and the
// attributes the next character gets. Random streams, plain and not, after random earlier output
// (scroll regions, the other screen, an unfinished escape sequence or UTF-8 character); the skip
// must have happened in enough of them for the comparison to mean something. Also the pieces:
// what counts as plain, which SGRs are kept, and when the model allows a skip at all.
import t from 'tap';
import { ScreenModel, DEFAULT_COLOURS } from '../../../src/screen/model.js';
import { skipScrolledAway, MIN_SKIP_BYTES, firstLineEnd, lastLineEnd, PlainScan } from '../../../src/screen/flood-skip.js';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['ok', 'error', 'src/a.ts', '✓', '✗ failed', '中文', '日本語', '🚀', '❤️', 'e\u0301', '\t', 'x\by', '全角ＡＢＣ', 'a b c', '   '];
const SGRS = ['\x1b[0m', '\x1b[m', '\x1b[1m', '\x1b[31m', '\x1b[38;5;200m', '\x1b[48;2;1;2;3m', '\x1b[4:3m', '\x1b[7;32m', '\x1b[0;34m', '\x1b[22m'];
/** Not plain: each must stop a skip, and none may change the outcome when it does not. */
const OTHERS = ['\x1b[H', '\x1b[2J', '\x1b[3;5r', '\x1b[r', '\x1b[?1049h', '\x1b[?1049l', '\x1b]0;title\x07', '\x07', '\u009b31m', '\x0e', '\x0f',
  '\x1b(0', '\x1b(B', '\x1b[5b', '\x1b[2A', '\x1b[4h', '\x1b[4l', '\x1b[?7l', '\x1b[?7h', '\x1bM', '\x0b', '\x1b[K'];

/** Attributes that only add: a stream of these leaves what its head set on at the end. */
const ADDING = ['\x1b[1m', '\x1b[4:3m', '\x1b[7m', '\x1b[3m'];

function plainLine(r: () => number, cols: number, sgrs = SGRS): string {
  let s = '';
  const words = 1 + Math.floor(r() * (r() < 0.2 ? 30 : 6)); // some lines wrap
  for (let w = 0; w < words && s.length < cols * 3; w++) {
    if (r() < 0.4) s += sgrs[Math.floor(r() * sgrs.length)];
    s += WORDS[Math.floor(r() * WORDS.length)];
    s += ' ';
  }
  return s;
}

function stream(r: () => number, lines: number, cols: number, others: number, sgrs = SGRS): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    if (others > 0 && r() < others) out.push(OTHERS[Math.floor(r() * OTHERS.length)] as string);
    out.push(plainLine(r, cols, sgrs));
    const end = r();
    out.push(end < 0.9 ? '\r\n' : end < 0.95 ? '\n' : '\r');
  }
  return out.join('');
}

async function write(m: ScreenModel, data: Buffer | string): Promise<void> {
  await new Promise<void>((resolve) => m.write(data, resolve));
}

/** Everything the two models must agree on. */
function snapshot(m: ScreenModel): string {
  const b = m.buffer;
  const cell = b.getNullCell();
  const rows: string[] = [`cursor ${b.cursorX},${b.cursorY} base ${b.baseY} length ${b.length} type ${b.type}`, JSON.stringify(m.modes())];
  for (let y = 0; y < b.length; y++) {
    const line = b.getLine(y);
    if (!line) { rows.push('-'); continue; }
    let s = line.isWrapped ? 'W|' : ' |';
    for (let x = 0; x < m.cols; x++) {
      const c = line.getCell(x, cell);
      if (!c) continue;
      s += `${c.getChars() || '·'}${c.getWidth()}${c.getFgColorMode()}:${c.getFgColor()}/${c.getBgColorMode()}:${c.getBgColor()}/${c.isBold()}${c.isUnderline()}${c.isInverse()};`;
    }
    rows.push(s);
  }
  return rows.join('\n');
}

function newModel(cols: number, rows: number, scrollback: number): ScreenModel {
  return new ScreenModel({ cols, rows, scrollback, colours: Promise.resolve(DEFAULT_COLOURS), version: 'test' });
}

t.test('random streams: the skipped batch leaves xterm exactly as the whole batch does', async (t) => {
  const CASES = 160;
  let skipped = 0, refusedByModel = 0, scannedSkips = 0;
  for (let n = 0; n < CASES; n++) {
    const r = rng(1000 + n);
    const cols = 12 + Math.floor(r() * 30);
    const rows = 3 + Math.floor(r() * 8);
    const scrollback = 10 + Math.floor(r() * 40);
    // Earlier output: sometimes plain, sometimes leaving a state behind (a scroll region, the
    // other screen, half an escape sequence or a UTF-8 character, attributes on).
    const tails = ['', '', '\x1b[1;4;35m', '\x1b[7m', '\x1b[3', '\xe2\x9c', '\x1b]0;t', '\x1b[2;3r', '\x1b[?1049h', '\x1b[?1049h\x1b[?1049l'];
    const before = Buffer.concat([Buffer.from(stream(r, 5 + Math.floor(r() * 40), cols, 0.1)), Buffer.from(tails[Math.floor(r() * tails.length)] as string, 'latin1')]);
    const others = r() < 0.7 ? 0 : 0.02;
    // A third of the batches set a colour first and then only add attributes: what the head set
    // is still on at the end.
    // A quarter more: resets first, then only additions, so the head's last reset matters.
    const mode = r();
    const adding = mode < 0.3;
    const mixed = mode >= 0.3 && mode < 0.55;
    const batch = Buffer.from(adding ? '\x1b[35m' + stream(r, 60 + Math.floor(r() * 600), cols, others, ADDING)
      : mixed ? stream(r, 60 + Math.floor(r() * 300), cols, others) + stream(r, 100 + Math.floor(r() * 200), cols, others, ADDING)
      : stream(r, 60 + Math.floor(r() * 600), cols, others));
    const after = 'Z\x1b[0mY\x1b[1;31mQ';
    const whole = newModel(cols, rows, scrollback);
    const skip = newModel(cols, rows, scrollback);
    try {
      await write(whole, before); await write(skip, before);
      // The batch scanned as it came, in reads of random sizes (a byte to a few kilobytes):
      // skipScrolledAway must then give exactly what it gives scanning the batch itself.
      const scan = new PlainScan();
      for (let i = 0; i < batch.length;) {
        const len = 1 + Math.floor(r() < 0.5 ? r() * 8 : r() * 5000);
        scan.feed(batch.subarray(i, i + len));
        i += len;
      }
      const asScanned = skipScrolledAway(batch, skip.skipKeepLines, 1, scan.notPlainAt);
      const asBatch = skipScrolledAway(batch, skip.skipKeepLines, 1);
      if (!asScanned.data.equals(asBatch.data) || asScanned.skipped !== asBatch.skipped || !asScanned.rest.equals(asBatch.rest)) {
        t.fail(`case ${n}: scanned as it came, ${asScanned.skipped} bytes skipped; scanned whole, ${asBatch.skipped}`);
        return;
      }
      if (asScanned.skipped > 0) scannedSkips++;
      let data: Buffer = batch;
      if (skip.canSkip()) {
        const res = asScanned;
        if (res.skipped > 0) skipped++;
        // The unfinished last line goes after (in guard: first in the next batch).
        data = Buffer.concat([res.data, res.rest]);
      } else refusedByModel++;
      await write(whole, batch); await write(skip, data);
      await write(whole, after); await write(skip, after);
      const a = snapshot(whole), b = snapshot(skip);
      if (a !== b) { t.equal(b, a, `case ${n}: ${cols}x${rows}, history ${scrollback}, ${batch.length} bytes`); return; }
    } finally {
      whole.dispose(); skip.dispose();
    }
  }
  t.pass(`${CASES} streams agree, and the batch scanned as it came gives the same in each`);
  t.ok(scannedSkips >= CASES / 5, `scanned as it came, ${scannedSkips} batches were skipped`);
  t.ok(skipped >= CASES / 5, `the skip happened in ${skipped} of ${CASES} streams`);
  t.ok(refusedByModel >= 5, `the model refused ${refusedByModel} batches (a state left behind)`);
});

t.test('what counts as plain', async (t) => {
  const lines = (n: number, end = '\r\n'): string => Array.from({ length: n }, (_, i) => `\x1b[3${i % 8}mline ${i} ✓ 中文\x1b[0m${end}`).join('');
  const base = Buffer.from(lines(400));
  const res = skipScrolledAway(base, 100, 1);
  t.ok(res.skipped > 0, 'plain lines with SGR are skipped');
  t.ok(res.data.toString().startsWith('\x1b[0m\r'), 'the head becomes its SGRs since the last reset, then CR');
  t.ok(res.data.toString().endsWith(base.toString().slice(-2000)), 'the tail is kept whole');
  t.equal((res.data.toString().match(/\n/g) ?? []).length >= 100, true, 'at least keepLines line feeds stay');
  t.equal(skipScrolledAway(base, 100).skipped, base.length >= MIN_SKIP_BYTES ? res.skipped : 0, 'small batches are left alone by default');
  t.equal(skipScrolledAway(base, 1000, 1).skipped, 0, 'fewer lines than keepLines: nothing skipped');
  t.ok(skipScrolledAway(base, 300, 1).skipped > 0, 'a head shorter than the tail is skipped too');
  for (const bad of ['\x1b[H', '\x07', '\x1b]0;x\x07', '\xc2\x9b', '\xe0\x82\x9b', '\xed\xa0\x80', '\xff', '\x1b(0', '\x0e', '\x7f', '\x0b', '\x1bM']) {
    const data = Buffer.concat([Buffer.from(lines(200)), Buffer.from(bad, 'latin1'), Buffer.from(lines(200))]);
    t.equal(skipScrolledAway(data, 100, 1).skipped, 0, `${JSON.stringify(bad)} anywhere stops the skip`);
  }
  const noReset = Buffer.from(Array.from({ length: 300 }, (_, i) => `\x1b[1m\x1b[3${i % 8}mx\r\n`).join(''));
  t.ok(skipScrolledAway(noReset, 50, 1).data.toString().startsWith('\x1b[1m\x1b[30m\x1b[1m'), 'without a reset every SGR of the head is kept');
  const emptyTail = Buffer.from(lines(300) + '\r\n'.repeat(200));
  t.equal(skipScrolledAway(emptyTail, 150, 1).skipped, 0, 'a tail that prints nothing is not used (REP repeats the last printed character)');
  const cut = Buffer.concat([base, Buffer.from('half a line \x1b[38;5', 'latin1')]);
  const parts = skipScrolledAway(cut, 100, 1);
  t.ok(parts.skipped > 0, 'a batch cut inside an SGR is still skipped');
  t.equal(parts.rest.toString('latin1'), 'half a line \x1b[38;5', 'its unfinished last line is left for the next batch');
  t.ok(parts.data.toString().endsWith('\r\n'), 'what goes now ends with the last whole line');
  t.equal(res.rest.length, 0, 'a batch of whole lines leaves nothing');
  t.throws(() => skipScrolledAway(base, 0), /keepLines must be a positive whole number, got 0/);

});

t.test('a scan as the bytes come: where the first byte that is not plain is, across any cut', async (t) => {
  const scanAll = (parts: string[]): number => {
    const scan = new PlainScan();
    for (const p of parts) scan.feed(Buffer.from(p, 'latin1'));
    return scan.notPlainAt;
  };
  t.equal(scanAll(['ab\x1b[3', '1mcd\r\n', '\xe4\xb8', '\xad\r\n']), Infinity, 'an SGR and a character cut between reads are plain');
  t.equal(scanAll(['ab\x1b[3', '1Hcd']), 6, 'a cursor move: at its final byte');
  t.equal(scanAll(['ab\xc2', '\x9b']), 3, 'a C1 control (U+009B) as UTF-8: at its last byte');
  t.equal(scanAll(['ab\xe0\x82', '\x9b']), 4, 'an overlong form: at its last byte');
  t.equal(scanAll(['ab\x07', 'cd']), 2, 'BEL');
  t.equal(scanAll(['ab\x1b', '(0']), 3, 'ESC not followed by [');
  // The same within one read (the scan's fast paths).
  t.equal(scanAll(['ab\x1b(0mcd']), 3, 'ESC not followed by [, in one read');
  t.equal(scanAll(['ab\x1b[31Hcd']), 6, 'a cursor move in one read');
  t.equal(scanAll(['ab\xe0\x82\x9bcd']), 4, 'an overlong form in one read');
  t.equal(scanAll(['ab\xed\xa0\x80cd']), 4, 'a surrogate in one read');
  t.equal(scanAll(['ab\xe4\xb8\xad\x1b[1;38;2;1;2;3m\xe2\x9c\x93\xf0\x9f\x9a\x80\r\n']), Infinity, 'CJK, an SGR, a check mark and an emoji in one read');
  const scan = new PlainScan();
  scan.feed(Buffer.from('x\x07'));
  scan.feed(Buffer.from('more'));
  t.same([scan.notPlainAt, scan.length], [1, 6], 'the first stays; the length counts on');
  scan.reset();
  scan.feedPlain(10);
  scan.feed(Buffer.from('\x1b[H'));
  t.same([scan.notPlainAt, scan.length], [12, 13], 'after known plain bytes, offsets count them');
  const front = new PlainScan();
  front.feed(Buffer.from('31mab\r\ncd\x1b[1mx\x07'));
  t.ok(front.dropFront(7), 'a plain first line is forgotten');
  t.same([front.length, front.notPlainAt, front.firstEscAt], [8, 7, 2], 'the offsets count from after it');
  const garbled = new PlainScan();
  garbled.feed(Buffer.from('\x9c\x93ab\r\ncd', 'latin1'));
  t.notOk(garbled.dropFront(6), 'a first line that was not plain (the rest of a character): scan again');
  const escFirst = new PlainScan();
  escFirst.feed(Buffer.from('\x1b[1mab\r\ncd'));
  escFirst.dropFront(8);
  t.equal(escFirst.firstEscAt, 0, 'an escape forgotten: the next may be anywhere');
  const mid = new PlainScan();
  mid.feed(Buffer.from('\x1b['));
  mid.feedPlain(3);
  t.equal(mid.notPlainAt, 2, 'known plain bytes cannot follow an unfinished sequence');
  // The kept SGRs come from the head's last reset, found by searching back, as the whole scan does.
  const lines = Buffer.from(Array.from({ length: 300 }, (_, i) => `\x1b[1m\x1b[3${i % 8}mline ${i}${i % 7 === 0 ? '\x1b[0m' : i % 5 === 0 ? '\x1b[m' : ''} ✓\r\n`).join(''));
  const s2 = new PlainScan();
  s2.feed(lines);
  t.same(skipScrolledAway(lines, 50, 1, s2.notPlainAt), skipScrolledAway(lines, 50, 1), 'the same as a whole scan');
  const emptyTail = Buffer.concat([lines, Buffer.from('\x1b[32m\r\n'.repeat(100))]);
  const s4 = new PlainScan();
  s4.feed(emptyTail);
  t.equal(skipScrolledAway(emptyTail, 50, 1, s4.notPlainAt).skipped, 0, 'a tail that prints nothing is not used');
  const after = Buffer.concat([lines, Buffer.from('\x1b[H')]);
  const s3 = new PlainScan();
  s3.feed(after);
  t.ok(s3.notPlainAt < Infinity && skipScrolledAway(after, 50, 1, s3.notPlainAt).skipped > 0, 'a byte that is not plain after the last line end does not matter');
});

t.test('line ends: just after the first and the last CR LF, a bare LF is no line end', async (t) => {
  const b = Buffer.from('a\nb\r\nc\nd\r\ne\nf');
  t.equal(firstLineEnd(b), 5, 'after the first CR LF');
  t.equal(lastLineEnd(b), 10, 'after the last CR LF');
  t.equal(firstLineEnd(Buffer.from('\nx\ny')), 0, 'none');
  t.equal(lastLineEnd(Buffer.from('\nx\ny')), 0, 'none');
});

t.test('the model allows a skip only at rest, with the whole screen scrolling', async (t) => {
  const m = newModel(20, 5, 50);
  t.teardown(() => m.dispose());
  t.ok(m.canSkip(), 'at start');
  t.equal(m.skipKeepLines, 50 + 10 + 16);
  for (const [state, data] of [['inside a CSI', '\x1b[3'], ['inside a UTF-8 character', '\xe2\x9c'], ['inside an OSC', '\x1b]0;t'], ['with a scroll region', '\x1b[2;4r']] as const) {
    await write(m, Buffer.from(data, 'latin1'));
    t.notOk(m.canSkip(), state);
    await write(m, Buffer.from('\x1b\\\x9c\x93m\x1b[r\r\n', 'latin1'));
    t.ok(m.canSkip(), `after ${state}, back at rest`);
  }
});
