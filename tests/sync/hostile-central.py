#!/usr/bin/env python3
"""A hostile central for the agent's protocol paths (coverage-protocol.sh).

Run by caredesk-sync in place of caredesk-syncd (CAREDESK_SYNCD names this
file); HOSTILE_MODE says how it misbehaves ('stall' answers nothing at
all; 'pull-stall' promises two record lines and goes silent; 'anchor-back'
says it holds fewer of the replica's audit events than it did, under
HOSTILE_CENTRAL_ID).  Until then it answers as
caredesk-syncd does: hello with the schema window, pulls with nothing new
(upto = the agent's cursor), pushes acknowledging every change.  Every
request it reads is appended to HOSTILE_LOG."""

import json
import os
import sys
import time

MODE = os.environ.get('HOSTILE_MODE', '')
LOG = os.environ.get('HOSTILE_LOG')


def say(obj_or_text, *lines):
    text = obj_or_text if isinstance(obj_or_text, str) else json.dumps(obj_or_text)
    sys.stdout.write(text + '\n' + ''.join(l + '\n' for l in lines))
    sys.stdout.flush()


for raw in sys.stdin:
    req = json.loads(raw)
    if LOG:
        with open(LOG, 'a') as f:
            f.write(raw)
    kind = req.get('type')
    if MODE == 'close':
        sys.exit(0)
    if MODE == 'stall':
        time.sleep(3600)
    if MODE == 'not-json':
        say('this is not JSON')
    elif MODE == 'error':
        say({'type': 'error', 'code': 76, 'message': 'central says no'})
    elif MODE == 'error-no-code':
        say({'type': 'error', 'message': 5})
    elif kind == 'hello':
        lo, hi = (99, 99) if MODE == 'newer-schema' else (1, 99)
        answer = {'type': 'hello', 'central': os.environ.get('HOSTILE_CENTRAL_ID', 'hostile'),
                  'schema_min': lo, 'schema_max': hi}
        if MODE == 'anchor-back':
            answer['anchor'] = {'seq': 1, 'hash': '0' * 64}
        elif MODE == 'anchor-bad':
            answer['anchor'] = {'seq': 'one', 'hash': 7}
        say(answer)
    elif kind == 'push':
        changes = req.get('changes', [])
        if MODE == 'push-none':
            say({'type': 'push', 'results': []})
        elif MODE == 'push-strangers':
            say({'type': 'push', 'results': [{'change_id': 'nobody-sent-this', 'outcome': 'applied'},
                                             {'outcome': 'applied'}, 'a string']})
        else:
            say({'type': 'push', 'results': [{'change_id': c['change_id'], 'outcome': 'applied',
                                              'detail': ''} for c in changes]})
    elif kind == 'pull':
        cursor = req['cursor']
        if MODE == 'pull-back':
            say({'type': 'pull', 'count': 0, 'upto': cursor - 1, 'head': cursor - 1, 'more': False})
        elif MODE == 'pull-bad-line':
            say({'type': 'pull', 'count': 2, 'upto': cursor + 2, 'head': cursor + 2, 'more': False},
                'not a record line', '%d\tworker\tx\t{}' % (cursor + 1))
        elif MODE == 'pull-short':
            say({'type': 'pull', 'count': 3, 'upto': cursor + 3, 'head': cursor + 3, 'more': False},
                '%d\tno_such_table\tx\t{}' % (cursor + 1))
            sys.exit(0)
        elif MODE == 'pull-more-stuck':
            say({'type': 'pull', 'count': 0, 'upto': cursor, 'head': cursor + 5, 'more': True})
        elif MODE == 'pull-stall':
            # Two record lines promised, then silence (issue 15).
            say({'type': 'pull', 'count': 2, 'upto': cursor + 2, 'head': cursor + 2, 'more': False})
            time.sleep(3600)
        elif MODE == 'pull-bad-row':
            say({'type': 'pull', 'count': 1, 'upto': cursor + 1, 'head': cursor + 1, 'more': False},
                '%d\tworker\t0badc0de\t{"id": "0badc0de", "login": ' % (cursor + 1))
        else:
            say({'type': 'pull', 'count': 0, 'upto': cursor, 'head': cursor, 'more': False})
    else:
        say({'type': 'error', 'code': 76, 'message': 'unknown request'})
