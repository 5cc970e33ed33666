#!/usr/bin/env python3
"""caredesk mutation run (`make mutate`): do our tests notice small bugs?

No C mutation tool is packaged in Debian 12, so this is our own.  It reads
tests/mutate/mutants.txt (hand-picked mutants and rules that generate the
rest), copies the source tree into BUILDDIR/mutate-work/src (tracked and
untracked-but-not-ignored files when the source is a git checkout, so local
edits count), configures that copy once out of tree with this build's
configure arguments and builds it once.  Then, one mutant at a time, it:

  1. applies the mutant to the copy (one small textual change);
  2. rebuilds incrementally (`make all`); a mutant that does not compile is
     INVALID, not killed (the copy is configured --disable-werror, so a mutant
     that merely leaves a variable or parameter unused still counts);
  3. runs the related tests (tests/mutate/related.txt: source file or
     folder -> tests, cheapest first) one at a time and stops at the first
     that fails: the mutant is KILLED by that test;
  4. restores the file.

A mutant that every related test passes is then tried against the WHOLE
suite (`make check`, with the demo cache rebuilt by the mutant binaries);
only if that passes too is it a SURVIVOR.  Related tests reuse the demo
cache built once from the unmutated code (`check_DATA=`), so a run does not
rebuild it for every mutant.  Before the mutants, a baseline runs every
related test on the unmutated copy: a test that fails there is dropped from
the related lists (and reported), so that it cannot "kill" anything.

The kill rate is killed / (killed + survived); invalid mutants do not count.
Nor do equivalent ones: mutants.txt names each mutant that cannot change
what the program does (`equivalent ID` with a `why:` line); those are not
run, and the report lists them with the reason.  A listed id that no
longer matches a mutant stops the run, so the list cannot go stale.
The report, BUILDDIR/mutate-report.md, lists every mutant with file:line,
the change, its status and the test that killed it.

Knobs (make variables or environment):
  MUTATE_ONLY=PATTERNS  run only mutants whose id or file matches one of the
                        comma/space separated shell patterns, e.g.
                        MUTATE_ONLY='hand.*'  or  MUTATE_ONLY='src/core/*'
  MUTATE_JOBS=N         make -j for builds and for the whole-suite runs (2)
  MUTATE_FULL=0         skip the whole-suite run of survivors (quick look;
                        the report then says "survived related tests")
  MUTATE_BASELINE=0     skip the baseline run of the related tests
  MUTATE_TIMEOUT=S      per test run timeout in seconds (default: 4 x the
                        test's baseline time, at least 180 s; 900 s without
                        a baseline); a run that times out kills the mutant
  python3 tests/mutate/mutate.py --list   print the mutants, run nothing.

The generators are deterministic: the same source and mutants.txt give the
same mutants with the same ids every time; a rule's `sample=N seed=S`
picks the same N every time.
"""

import argparse
import fnmatch
import os
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


# --- parsing C just enough -------------------------------------------------

def mask_c(text):
    """The text with comments, string and character literals and
    preprocessor lines blanked out (same length, newlines kept), so the
    generators never mutate inside them."""
    out = list(text)
    i, n = 0, len(text)
    at_line_start = True

    def blank(a, b):
        for k in range(a, b):
            if out[k] != '\n':
                out[k] = ' '

    while i < n:
        c = text[i]
        if at_line_start and c in ' \t':
            i += 1
            continue
        if at_line_start and c == '#':
            j = i
            while j < n and text[j] != '\n':
                if text[j] == '\\' and j + 1 < n and text[j + 1] == '\n':
                    j += 2
                    continue
                j += 1
            blank(i, j)
            i = j
            continue
        at_line_start = False
        if c == '\n':
            at_line_start = True
            i += 1
        elif text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            blank(i, j)
            i = j
        elif text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
            blank(i, j)
            i = j
        elif c in '"\'':
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == '\\' else 1
            blank(i + 1, j)
            i = j + 1
        else:
            i += 1
    return ''.join(out)


def match_close(masked, start):
    """Index just past the bracket that closes the one at start."""
    pairs = {'(': ')', '[': ']', '{': '}'}
    depth = 0
    for k in range(start, len(masked)):
        ch = masked[k]
        if ch in pairs:
            depth += 1
        elif ch in ')]}':
            depth -= 1
            if depth == 0:
                return k + 1
    raise ValueError('unbalanced bracket at offset %d' % start)


def split_top(masked, a, b, seps):
    """Split masked[a:b] at depth-0 separators; returns (start, end) spans."""
    spans, depth, start, k = [], 0, a, a
    while k < b:
        ch = masked[k]
        if ch in '([{':
            depth += 1
        elif ch in ')]}':
            depth -= 1
        elif depth == 0:
            for s in seps:
                if masked.startswith(s, k):
                    spans.append((start, k))
                    start = k + len(s)
                    k += len(s) - 1
                    break
        k += 1
    spans.append((start, b))
    return spans


def strip_span(text, a, b):
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def function_span(masked, name):
    """(start, end) of the body of function name, braces included."""
    m = re.search(r'^[A-Za-z_][^;{}()]*\b%s\s*\([^;{}]*\)\s*\{' % re.escape(name),
                  masked, re.M)
    if not m:
        raise ValueError('function %s not found' % name)
    brace = m.end() - 1
    return brace, match_close(masked, brace)


def line_of(text, off):
    return text.count('\n', 0, off) + 1


# --- mutants -----------------------------------------------------------------

class Mutant:
    def __init__(self, mid, path, off, old, new, desc, tests=None, why=''):
        self.id, self.path, self.off, self.old, self.new = mid, path, off, old, new
        self.desc, self.tests, self.why = desc, tests, why
        self.line = 0
        self.status, self.killer, self.seconds, self.note = 'not run', '', 0.0, ''
        self.passed = []
        self.equivalent = ''	# why it cannot change behaviour (mutants.txt)

    def key(self, text):
        """Two mutants that give the same file are the same mutant."""
        return (self.path, hash(self.apply(text)))

    def apply(self, text):
        assert text[self.off:self.off + len(self.old)] == self.old, self.id
        return text[:self.off] + self.new + text[self.off + len(self.old):]


def short(s, width=60):
    s = ' '.join(s.split())
    return s if len(s) <= width else s[:width - 3] + '...'


ROR = {'<': '<=', '<=': '<', '>': '>=', '>=': '>', '==': '!=', '!=': '=='}


def gen_ror(text, masked, a, b, opts):
    """Every comparison operator: boundary shifted or equality negated."""
    out = []
    for m in re.finditer(r'(?<![<>=!\-])(<=|>=|==|!=|<|>)(?![<>=])', masked[a:b]):
        op = m.group(1)
        off = a + m.start()
        out.append((off, op, ROR[op], '`%s` -> `%s`' % (op, ROR[op])))
    return out


def if_conditions(masked, a, b):
    for m in re.finditer(r'\bif\s*\(', masked[a:b]):
        paren = a + m.end() - 1
        yield paren + 1, match_close(masked, paren) - 1


def gen_if(text, masked, a, b, opts, value):
    """Each `if (...)` condition replaced by a constant: guard dropped
    (always taken, value 1) or branch dropped (never taken, value 0)."""
    out = []
    for ca, cb in if_conditions(masked, a, b):
        cond = text[ca:cb]
        out.append((ca, cond, value, 'if (%s) -> if (%s)' % (short(cond, 40), value)))
    return out


def gen_conj(text, masked, a, b, opts):
    """Each operand of a top-level && or || chain in an if condition dropped."""
    out = []
    for ca, cb in if_conditions(masked, a, b):
        for sep in ('&&', '||'):
            spans = split_top(masked, ca, cb, [sep])
            if len(spans) < 2:
                continue
            for k, (sa, sb) in enumerate(spans):
                # remove the operand with the separator next to it
                if k + 1 < len(spans):
                    da, db = sa, spans[k + 1][0]
                else:
                    da, db = spans[k - 1][1], sb
                old = text[da:db]
                opnd = text[sa:sb].strip()
                out.append((da, old, '', 'operand `%s` of %s dropped' % (short(opnd, 40), sep)))
    return out


def gen_table(text, masked, a, b, opts):
    """Each entry of the initializer of array `table` removed."""
    name = opts['table']
    m = re.search(r'\b%s\s*(?:\[[^\]]*\]\s*)+=\s*\{' % re.escape(name), masked[a:b])
    if not m:
        raise ValueError('table %s not found' % name)
    brace = a + m.end() - 1
    end = match_close(masked, brace) - 1
    # strip on the masked text, so that a comment stays where it is
    spans = [strip_span(masked, sa, sb) for sa, sb in split_top(masked, brace + 1, end, [','])]
    spans = [s for s in spans if s[0] < s[1]]
    out = []
    for sa, sb in spans:
        db = sb
        if db < end and text[db] == ',':
            db += 1
        entry = text[sa:sb]
        out.append((sa, text[sa:db], '', 'entry `%s` removed' % short(entry, 40)))
    return out


def gen_obo(text, masked, a, b, opts):
    """Each decimal integer literal n turned into n+1 and n-1."""
    out = []
    for m in re.finditer(r'(?<![\w.])(\d+)(?![\w.])', masked[a:b]):
        n = int(m.group(1))
        off = a + m.start()
        out.append((off, m.group(1), str(n + 1), '%d -> %d' % (n, n + 1)))
        if n > 0:
            out.append((off, m.group(1), str(n - 1), '%d -> %d' % (n, n - 1)))
    return out


def gen_swap(text, masked, a, b, opts):
    """At every call of `call`, the arguments numbered in `args` swapped."""
    fn = opts['call']
    i, j = (int(x) - 1 for x in opts['args'].split(','))
    out = []
    for m in re.finditer(r'\b%s\s*\(' % re.escape(fn), masked[a:b]):
        paren = a + m.end() - 1
        close = match_close(masked, paren) - 1
        spans = [strip_span(text, sa, sb) for sa, sb in split_top(masked, paren + 1, close, [','])]
        if max(i, j) >= len(spans):
            continue
        ai, aj = text[spans[i][0]:spans[i][1]], text[spans[j][0]:spans[j][1]]
        if ai == aj:
            continue
        lo, hi = spans[min(i, j)], spans[max(i, j)]
        old = text[lo[0]:hi[1]]
        new = text[hi[0]:hi[1]] + text[lo[1]:hi[0]] + text[lo[0]:lo[1]]
        out.append((lo[0], old, new, '%s: arguments %s and %s swapped' % (fn, short(ai, 25), short(aj, 25))))
    return out


GENERATORS = {
    'ROR': gen_ror,
    'IF1': lambda *x: gen_if(*x, value='1'),
    'IF0': lambda *x: gen_if(*x, value='0'),
    'CONJ': gen_conj,
    'TABLE': gen_table,
    'OBO': gen_obo,
    'SWAP': gen_swap,
}


def read_spec(path):
    """Rules and hand-picked mutants from mutants.txt (format: see there)."""
    rules, hands, equivs, cur = [], [], [], None
    with open(path, encoding='utf-8') as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip('\n')
            where = '%s:%d' % (path, lineno)
            if cur is not None and (line[:2] in ('- ', '+ ') or line in ('-', '+')):
                cur[line[0]] = line[2:]
                continue
            if cur is not None and line.startswith('why: '):
                cur['why'] = line[5:]
                continue
            if cur is not None and line.startswith('tests: '):
                cur['tests'] = line[7:].split()
                continue
            cur = None
            if not line.strip() or line.lstrip().startswith('#'):
                continue
            words = line.split()
            if words[0] == 'rule' and len(words) >= 4:
                opts = dict(w.split('=', 1) for w in words[4:])
                if words[2] not in GENERATORS:
                    sys.exit('%s: unknown rule kind %s' % (where, words[2]))
                rules.append((words[1], words[2], words[3], opts, where))
            elif words[0] == 'mutant' and len(words) == 3:
                cur = {'id': words[1], 'path': words[2], 'where': where}
                hands.append(cur)
            elif words[0] == 'equivalent' and len(words) == 2:
                cur = {'id': words[1], 'where': where}
                equivs.append(cur)
            else:
                sys.exit('%s: cannot parse: %s' % (where, line))
    return rules, hands, equivs


def build_mutants(spec, srcdir):
    rules, hands, equivs = read_spec(spec)
    cache, mutants, seen = {}, [], set()

    def source(path):
        if path not in cache:
            with open(os.path.join(srcdir, path), encoding='utf-8') as f:
                text = f.read()
            cache[path] = (text, mask_c(text))
        return cache[path]

    for h in hands:
        text, _ = source(h['path'])
        old, new = h.get('-'), h.get('+')
        if old is None or new is None:
            sys.exit('%s: mutant %s needs a "- old" and a "+ new" line' % (h['where'], h['id']))
        if text.count(old) != 1:
            sys.exit('%s: mutant %s: "%s" occurs %d times in %s (must be once)'
                     % (h['where'], h['id'], old.strip(), text.count(old), h['path']))
        m = Mutant(h['id'], h['path'], text.index(old), old, new,
                   '`%s` -> `%s`' % (short(old), short(new)), h.get('tests'), h.get('why', ''))
        mutants.append(m)
        seen.add(m.key(text))
    for name, kind, path, opts, where in rules:
        text, masked = source(path)
        try:
            a, b = function_span(masked, opts['func']) if 'func' in opts else (0, len(text))
            found = GENERATORS[kind](text, masked, a, b, opts)
        except (ValueError, KeyError) as e:
            sys.exit('%s: rule %s: %s' % (where, name, e))
        pick = range(len(found))
        if 'sample' in opts and int(opts['sample']) < len(found):
            rng = random.Random('%s:%s' % (opts.get('seed', '1'), name))
            pick = sorted(rng.sample(range(len(found)), int(opts['sample'])))
        for k in pick:
            off, old, new, desc = found[k]
            m = Mutant('%s.%d' % (name, k + 1), path, off, old, new, '%s: %s' % (kind, desc),
                       opts.get('tests', '').split() or None)
            if m.key(text) in seen:
                continue	# the same change is already listed
            seen.add(m.key(text))
            mutants.append(m)
    for m in mutants:
        m.line = line_of(source(m.path)[0], m.off)
    by_id = {m.id: m for m in mutants}
    for e in equivs:
        if e['id'] not in by_id:
            sys.exit('%s: equivalent %s: no such mutant (the source or the rule changed?)'
                     % (e['where'], e['id']))
        if not e.get('why'):
            sys.exit('%s: equivalent %s needs a "why: ..." line' % (e['where'], e['id']))
        by_id[e['id']].equivalent = e['why']
    return mutants


def read_related(path):
    table = []
    with open(path, encoding='utf-8') as f:
        for raw in f:
            line = raw.split('#', 1)[0].split()
            if line:
                table.append((line[0], line[1:]))
    return table


def related_tests(table, path):
    best = None
    for prefix, tests in table:
        if path == prefix or (prefix.endswith('/') and path.startswith(prefix)):
            if best is None or len(prefix) > len(best[0]):
                best = (prefix, tests)
    return list(best[1]) if best else []


# --- the private copy and its build ---------------------------------------------

def log(msg):
    print('mutate: %s' % msg, flush=True)


def run(cmd, cwd, logf=None, timeout=None, env=None):
    """Run cmd in its own process group; on timeout the whole group is
    ended (TERM, then KILL).  Returns (exit status or None on timeout, s)."""
    t0 = time.monotonic()
    out = open(logf, 'w') if logf else subprocess.DEVNULL
    try:
        p = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True, env=env)
        try:
            rc = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            for sig, grace in ((signal.SIGTERM, 15), (signal.SIGKILL, 30)):
                try:
                    os.killpg(p.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    p.wait(timeout=grace)
                    break
                except subprocess.TimeoutExpired:
                    continue
            rc = None
    finally:
        if logf:
            out.close()
    return rc, time.monotonic() - t0


def source_files(srcdir, skip):
    try:
        out = subprocess.run(['git', '-C', srcdir, 'ls-files', '-z', '--cached', '--others',
                              '--exclude-standard'], check=True, capture_output=True).stdout
        return [f for f in out.decode().split('\0') if f and os.path.isfile(os.path.join(srcdir, f))]
    except (OSError, subprocess.CalledProcessError):
        pass
    files = []
    for root, dirs, names in os.walk(srcdir):
        dirs[:] = [d for d in dirs if d not in ('.git', 'autom4te.cache')
                   and os.path.realpath(os.path.join(root, d)) not in skip
                   and not os.path.exists(os.path.join(root, d, 'config.status'))]
        for n in names:
            if not n.endswith(('.o', '.a')):
                files.append(os.path.relpath(os.path.join(root, n), srcdir))
    return files


def sync_copy(srcdir, dst, skip):
    """Make dst hold srcdir's files; unchanged files keep their times, so
    the copy's build stays incremental from one run to the next."""
    copied = 0
    for rel in source_files(srcdir, skip):
        s, d = os.path.join(srcdir, rel), os.path.join(dst, rel)
        with open(s, 'rb') as f:
            data = f.read()
        if os.path.exists(d):
            with open(d, 'rb') as f:
                if f.read() == data:
                    continue
        os.makedirs(os.path.dirname(d), exist_ok=True)
        with open(d, 'wb') as f:
            f.write(data)
        shutil.copymode(s, d)
        copied += 1
    return copied


def configure_args(builddir):
    try:
        out = subprocess.run(['./config.status', '--config'], cwd=builddir, check=True,
                             capture_output=True, text=True).stdout
        return shlex.split(out)
    except (OSError, subprocess.CalledProcessError):
        return []


def prepare(args, work):
    src, bld = os.path.join(work, 'src'), os.path.join(work, 'build')
    os.makedirs(src, exist_ok=True)
    skip = {os.path.realpath(args.builddir), os.path.realpath(work)}
    n = sync_copy(args.srcdir, src, skip)
    log('private copy in %s (%d files updated)' % (src, n))
    if not os.path.exists(os.path.join(src, 'configure')):
        rc, _ = run(['autoreconf', '-fi'], src, os.path.join(work, 'autoreconf.log'))
        if rc != 0:
            sys.exit('mutate: autoreconf failed, see %s/autoreconf.log' % work)
    os.makedirs(bld, exist_ok=True)
    # This build's configure arguments, but warnings not fatal: a mutant
    # that only leaves a variable unused is still a bug to be caught.
    conf = [a for a in configure_args(args.builddir) if 'werror' not in a]
    conf.append('--disable-werror')
    stamp = os.path.join(work, 'configure.args')
    old = open(stamp).read() if os.path.exists(stamp) else None
    if old != '\n'.join(conf) or not os.path.exists(os.path.join(bld, 'Makefile')):
        rc, _ = run([os.path.join(src, 'configure')] + conf, bld,
                    os.path.join(work, 'configure.log'))
        if rc != 0:
            sys.exit('mutate: configure failed, see %s/configure.log' % work)
        run(['make', 'clean'], bld, os.path.join(work, 'clean.log'))
        with open(stamp, 'w') as f:
            f.write('\n'.join(conf))
    log('building the unmutated copy')
    rc, _ = run(['make', '-j%d' % args.jobs, 'check', 'TESTS='], bld, os.path.join(work, 'build.log'))
    if rc != 0:
        sys.exit('mutate: the unmutated copy does not build, see %s/build.log' % work)
    return src, bld


def run_test(bld, test, timeout, logdir, tag):
    """One test through the harness, on the demo cache already built."""
    rc, secs = run(['make', 'check', 'TESTS=' + test, 'check_DATA='], bld,
                   os.path.join(logdir, '%s.%s.log' % (tag, test.replace('/', '_'))), timeout)
    return rc, secs


def failed_tests(bld):
    bad = []
    for root, _, names in os.walk(os.path.join(bld, 'tests')):
        for n in names:
            if n.endswith('.trs'):
                with open(os.path.join(root, n), errors='replace') as f:
                    if re.search(r'^:test-result: (FAIL|ERROR|XPASS)', f.read(), re.M):
                        bad.append(os.path.relpath(os.path.join(root, n[:-4]), bld))
    return sorted(bad)


# --- the run ------------------------------------------------------------------

def selected(m, patterns):
    return not patterns or any(fnmatch.fnmatchcase(m.id, p) or fnmatch.fnmatchcase(m.path, p)
                               for p in patterns)


def write_file(path, text):
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)
    now = time.time_ns()
    os.utime(path, ns=(now, now))


def try_mutant(m, src, bld, args, tests, timeouts, logdir):
    path = os.path.join(src, m.path)
    with open(path, encoding='utf-8') as f:
        orig = f.read()
    t0 = time.monotonic()
    try:
        write_file(path, m.apply(orig))
        rc, _ = run(['make', '-j%d' % args.jobs, 'all'], bld, os.path.join(logdir, m.id + '.build.log'))
        if rc != 0:
            m.status = 'invalid'
            m.note = 'does not build'
            return
        m.status = 'survived related'
        for t in tests:
            rc, _ = run_test(bld, t, timeouts.get(t, args.timeout), logdir, m.id)
            if rc != 0:
                m.status, m.killer = 'killed', t
                m.note = 'timed out' if rc is None else ''
                return
            m.passed.append(t)
    finally:
        write_file(path, orig)
        m.seconds += time.monotonic() - t0


def try_whole_suite(m, src, bld, args, logdir):
    path = os.path.join(src, m.path)
    with open(path, encoding='utf-8') as f:
        orig = f.read()
    t0 = time.monotonic()
    try:
        write_file(path, m.apply(orig))
        rc, _ = run(['make', '-j%d' % args.jobs, 'check'], bld,
                    os.path.join(logdir, m.id + '.check.log'), args.suite_timeout)
        bad = failed_tests(bld)
        if rc == 0:
            m.status = 'survived'
        else:
            m.status, m.killer = 'killed', ' '.join(bad) or 'make check'
            m.note = 'whole suite' + (', timed out' if rc is None else '')
    finally:
        write_file(path, orig)
        # make check rebuilt the demo cache with the mutant: rebuild it
        # unmutated for the related tests of the mutants that follow
        run(['make', '-j%d' % args.jobs, 'all', 'tests/demo-cache.stamp'], bld,
            os.path.join(logdir, m.id + '.restore.log'))
        m.seconds += time.monotonic() - t0


def report(path, mutants, args, started, excluded, baseline_secs):
    ran = [m for m in mutants if m.status != 'not run']
    killed = [m for m in ran if m.status == 'killed']
    survived = [m for m in ran if m.status.startswith('survived')]
    invalid = [m for m in ran if m.status == 'invalid']
    equivalent = [m for m in ran if m.status == 'equivalent']
    scored = len(killed) + len(survived)
    rate = 100.0 * len(killed) / scored if scored else 0.0
    mins = (time.monotonic() - started) / 60
    lines = [
        '# Mutation run', '',
        'Source: %s; generated by tests/mutate/mutate.py from tests/mutate/mutants.txt.' % args.srcdir,
        'Selection: %s; whole-suite run of survivors: %s.'
        % (args.only or 'all mutants', 'yes' if args.full else 'no (MUTATE_FULL=0)'), '',
        '| mutants | killed | survived | equivalent | invalid | kill rate | runtime |',
        '|---|---|---|---|---|---|---|',
        '| %d | %d | %d | %d | %d | %.1f%% | %.0f min |' % (
            len(ran), len(killed), len(survived), len(equivalent), len(invalid), rate, mins), '',
        'Kill rate = killed / (killed + survived); invalid mutants (do not build) and '
        'equivalent ones (not run: listed below with the reason) do not count.',
        'Baseline of the related tests: %.0f s.' % baseline_secs,
    ]
    if excluded:
        lines.append('Tests failing on the unmutated copy, left out of the related lists: %s.'
                     % ', '.join(excluded))
    if survived:
        lines += ['', '## Survivors', '']
        for m in survived:
            lines.append('- **%s** %s:%d %s%s; passed %s%s' % (
                m.id, m.path, m.line, m.desc, (' -- ' + m.why) if m.why else '',
                ' '.join(m.passed), ' and the whole suite' if m.status == 'survived' else ''))
    if equivalent:
        lines += ['', '## Equivalent mutants (not run; reasons from mutants.txt)', '']
        for m in equivalent:
            lines.append('- **%s** %s:%d %s -- %s' % (m.id, m.path, m.line, m.desc, m.equivalent))
    lines += ['', '## Every mutant', '',
              '| id | where | change | status | killed by | s |', '|---|---|---|---|---|---|']
    for m in mutants:
        if m.status == 'not run':
            continue
        killer = m.killer + (' (%s)' % m.note if m.note else '')
        lines.append('| %s | %s:%d | %s | %s | %s | %.0f |' % (
            m.id, m.path, m.line, m.desc.replace('|', '\\|'), m.status, killer.replace('|', '\\|'),
            m.seconds))
    with open(path, 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines) + '\n')
    return len(ran), len(killed), len(survived), len(equivalent), len(invalid), rate, mins


def env_flag(name, default):
    v = os.environ.get(name, '')
    return default if v == '' else v not in ('0', 'no', 'false')


def main():
    ap = argparse.ArgumentParser(description='caredesk mutation run')
    ap.add_argument('--srcdir', default=os.path.dirname(os.path.dirname(HERE)))
    ap.add_argument('--builddir', default='.')
    ap.add_argument('--spec', default=os.path.join(HERE, 'mutants.txt'))
    ap.add_argument('--related', default=os.path.join(HERE, 'related.txt'))
    ap.add_argument('--only', default=os.environ.get('MUTATE_ONLY', ''))
    ap.add_argument('--jobs', type=int, default=int(os.environ.get('MUTATE_JOBS') or 2))
    ap.add_argument('--timeout', type=int, default=int(os.environ.get('MUTATE_TIMEOUT') or 0))
    ap.add_argument('--suite-timeout', type=int, default=5400)
    ap.add_argument('--list', action='store_true', help='print the mutants and stop')
    args = ap.parse_args()
    args.srcdir = os.path.abspath(args.srcdir)
    args.builddir = os.path.abspath(args.builddir)
    args.full = env_flag('MUTATE_FULL', True)
    baseline = env_flag('MUTATE_BASELINE', True)
    patterns = args.only.replace(',', ' ').split()

    mutants = build_mutants(args.spec, args.srcdir)
    table = read_related(args.related)
    to_run = [m for m in mutants if selected(m, patterns)]
    if args.list:
        for m in to_run:
            print('%-22s %s:%d  %s  [%s]' % (m.id, m.path, m.line, m.desc,
                                            'equivalent' if m.equivalent else
                                            ' '.join(m.tests or related_tests(table, m.path))))
        print('%d mutants (%d listed)' % (len(mutants), len(to_run)))
        return 0
    if not to_run:
        sys.exit('mutate: no mutant matches MUTATE_ONLY=%s' % args.only)
    for m in to_run:
        if not (m.tests or related_tests(table, m.path)):
            sys.exit('mutate: no related tests for %s (add it to %s)' % (m.path, args.related))

    for m in to_run:
        if m.equivalent:
            m.status = 'equivalent'
    to_run = [m for m in to_run if not m.equivalent]
    if not to_run:
        report(os.path.join(args.builddir, 'mutate-report.md'), mutants, args, time.monotonic(),
               [], 0.0)
        log('only equivalent mutants selected: nothing to run')
        return 0

    started = time.monotonic()
    work = os.path.join(args.builddir, 'mutate-work')
    logdir = os.path.join(work, 'logs')
    shutil.rmtree(logdir, ignore_errors=True)
    os.makedirs(logdir)
    src, bld = prepare(args, work)
    # The copy must be the source as it is, not a leftover mutant.
    for m in to_run:
        with open(os.path.join(src, m.path), encoding='utf-8') as f:
            if f.read()[m.off:m.off + len(m.old)] != m.old:
                sys.exit('mutate: %s no longer matches the copy' % m.id)

    timeouts, excluded, baseline_secs = {}, [], 0.0
    union = []
    for m in to_run:
        for t in m.tests or related_tests(table, m.path):
            if t not in union:
                union.append(t)
    if baseline:
        log('baseline: %d related tests on the unmutated copy' % len(union))
        for t in union:
            rc, secs = run_test(bld, t, args.timeout or 1800, logdir, 'baseline')
            baseline_secs += secs
            timeouts[t] = args.timeout or max(180, int(4 * secs))
            log('  %s: %s in %.0f s' % (t, 'pass' if rc == 0 else 'FAILS', secs))
            if rc != 0:
                excluded.append(t)
    args.timeout = args.timeout or 900

    report_path = os.path.join(args.builddir, 'mutate-report.md')
    for i, m in enumerate(to_run, 1):
        tests = [t for t in (m.tests or related_tests(table, m.path)) if t not in excluded]
        try_mutant(m, src, bld, args, tests, timeouts, logdir)
        if args.full and m.status == 'survived related':
            # at once rather than at the end, so a partial run's report
            # already says which survivors are real
            log('[%d/%d] %s survived its related tests: the whole suite' % (i, len(to_run), m.id))
            try_whole_suite(m, src, bld, args, logdir)
        log('[%d/%d] %s %s:%d %s: %s%s%s (%.0f s)' % (
            i, len(to_run), m.id, m.path, m.line, m.desc, m.status,
            ' by ' + m.killer if m.killer else '', ' (%s)' % m.note if m.note else '', m.seconds))
        report(report_path, mutants, args, started, excluded, baseline_secs)
    n, k, s, eq, inv, rate, mins = report(report_path, mutants, args, started, excluded,
                                          baseline_secs)
    log('%d mutants: %d killed, %d survived, %d equivalent, %d invalid; kill rate %.1f%%; %.0f min'
        % (n, k, s, eq, inv, rate, mins))
    for m in to_run:
        if m.status.startswith('survived'):
            log('  survivor %s %s:%d %s' % (m.id, m.path, m.line, m.desc))
    log('report: %s (logs in %s)' % (report_path, logdir))
    return 0


if __name__ == '__main__':
    sys.exit(main())
