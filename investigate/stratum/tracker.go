package stratum

import (
	"bytes"
	"encoding/json"
	"time"
)

const (
	maxPendingIDs   = 256 // distinct outstanding request ids per direction
	maxPendingQueue = 32  // outstanding requests sharing one id (xmr-stak reuses id 1)
	maxListItems    = 256 // job ids, algorithms, extensions, reject errors, reconnects
	maxUntypedMsgs  = 64  // messages kept before the conversation proves to be mining
)

// Tracker reconstructs the Stratum session, if any, of one TCP conversation
// from its reassembled bytes. Feed both directions in capture order (so a
// response follows its request); chunking does not matter. A Tracker is not
// safe for concurrent use.
type Tracker struct {
	sc      [2]scanner
	pending [2]map[string][]string // per requesting direction: id → methods awaiting an answer
	s       Session
	steps   [4]stepState
	rawUsed int

	// the chunk being fed, for the messages that complete in it
	ts    time.Time
	frame int
	dir   Direction
}

// NewTracker starts tracking the conversation between client and server
// ("10.0.0.5:49822", "45.9.148.21:80").
func NewTracker(client, server string) *Tracker {
	t := &Tracker{}
	t.s.Client, t.s.Server = client, server
	t.pending[FromClient] = map[string][]string{}
	t.pending[FromServer] = map[string][]string{}
	for i, n := range []StepName{StepLogin, StepJob, StepSubmit, StepResult} {
		t.steps[i].name = n
	}
	return t
}

// LooksLikeJSONRPC is a cheap pre-filter on the first payload bytes of one
// direction: after optional whitespace they must open a JSON object or
// array, or be an HTTP POST (JSON-RPC over HTTP; the Tracker skips headers).
func LooksLikeJSONRPC(first []byte) bool {
	first = bytes.TrimLeft(first, " \t\r\n")
	if len(first) == 0 {
		return false
	}
	if first[0] == '{' || first[0] == '[' {
		return true
	}
	return bytes.HasPrefix(first, []byte("POST "))
}

// Feed consumes the next in-order bytes from one side; frame and ts are the
// packet that carried them (messages completing here get that frame).
func (t *Tracker) Feed(dir Direction, ts time.Time, frame int, data []byte) {
	if dir != FromServer {
		dir = FromClient
	}
	sc := &t.sc[dir]
	if sc.dead() || len(data) == 0 {
		return
	}
	t.ts, t.frame, t.dir = ts, frame, dir
	sc.feed(data, t.message)
}

// Gap tells the tracker that bytes were lost in one direction: the partial
// message is dropped and framing resynchronises at the next newline.
func (t *Tracker) Gap(dir Direction) {
	if dir != FromServer {
		dir = FromClient
	}
	t.sc[dir].gap()
}

// Session returns the reconstructed session, or nil when the conversation
// has shown nothing mining-specific (benign JSON-RPC is not Stratum). The
// result is a snapshot; feeding more afterwards does not change it.
func (t *Tracker) Session() *Session {
	if t.s.Dialect == "" {
		return nil
	}
	s := t.s
	s.Oversized = t.sc[0].oversized + t.sc[1].oversized
	s.Malformed += t.sc[0].malformed + t.sc[1].malformed
	s.Steps = t.buildSteps()
	s.Messages = append([]Message(nil), t.s.Messages...)
	for _, p := range []*[]string{&s.Algorithms, &s.JobIDs, &s.Extensions, &s.RejectErrors, &s.Reconnects} {
		*p = append([]string{}, (*p)...)
	}
	return &s
}

// message handles one framed JSON value (a batch array is split).
func (t *Tracker) message(b []byte) {
	if len(b) > 0 && b[0] == '[' {
		if !validJSON(b) {
			t.s.Malformed++
			return
		}
		elements(b, func(m []byte) {
			if m[0] == '{' {
				t.one(m)
			}
		})
		return
	}
	t.one(b)
}

func (t *Tracker) one(b []byte) {
	m, ok := parseRPC(b)
	if !ok {
		t.s.Malformed++
		return
	}
	t.s.MessagesTotal++
	method := str(m.Method)
	msg := Message{Time: t.ts, Frame: t.frame, From: t.dir.String(), Method: method, ID: idCopy(m.ID)}
	switch {
	case method != "":
		if !isNull(m.ID) {
			t.expect(t.dir, m.ID, method)
		}
		t.request(method, &m)
	case m.isResponse():
		msg.InReplyTo = t.answered(t.dir, m.ID)
		t.response(msg.InReplyTo, &m)
	}
	t.keep(msg, b)
}

// keep stores the message text within the per-session caps. Until the
// conversation is known to be mining only a few are kept, so benign JSON-RPC
// costs little.
func (t *Tracker) keep(msg Message, b []byte) {
	limit := MaxMessages
	if t.s.Dialect == "" {
		limit = maxUntypedMsgs
	}
	if len(t.s.Messages) >= limit || t.rawUsed >= maxRawBudget {
		return
	}
	msg.Raw, msg.Truncated = rawText(b, MaxRawBytes)
	t.rawUsed += len(msg.Raw)
	t.s.Messages = append(t.s.Messages, msg)
}

// expect records a request from dir awaiting an answer from the other side.
func (t *Tracker) expect(dir Direction, id json.RawMessage, method string) {
	p := t.pending[dir]
	key := string(bytes.TrimSpace(id))
	q, ok := p[key]
	if !ok && len(p) >= maxPendingIDs {
		for k := range p { // evict one arbitrary id: bounded, and old ids rarely matter
			delete(p, k)
			break
		}
	}
	if len(q) >= maxPendingQueue {
		q = q[1:]
	}
	p[key] = append(q, method)
}

// answered pops the oldest request with this id sent by the other side of
// dir and returns its method ("" when unknown).
func (t *Tracker) answered(dir Direction, id json.RawMessage) string {
	p := t.pending[1-dir]
	key := string(bytes.TrimSpace(id))
	q := p[key]
	if len(q) == 0 {
		return ""
	}
	method := q[0]
	if len(q) == 1 {
		delete(p, key)
	} else {
		p[key] = q[1:]
	}
	return method
}

// dialect records mining evidence. The first dialect seen sticks, except
// that EthereumStratum/1.0.0 refines stratum-v1 (it uses the same methods).
func (t *Tracker) dialect(d Dialect) {
	switch {
	case t.s.Dialect == "":
		t.s.Dialect = d
	case d == DialectEthStratum && t.s.Dialect == DialectStratumV1:
		t.s.Dialect = d
	}
}

// addUnique appends s to a capped list unless present or empty.
func addUnique(list *[]string, s string) {
	if s == "" || len(*list) >= maxListItems {
		return
	}
	for _, x := range *list {
		if x == s {
			return
		}
	}
	*list = append(*list, s)
}
