package capture

import (
	"bytes"
	"net/netip"
	"time"

	"github.com/minertriage/minertriage/investigate/stratum"
)

// convKey identifies a conversation; endpoint a sorts before endpoint b.
type convKey struct {
	a, b   netip.Addr
	pa, pb uint16
	proto  uint8
}

// What a direction turned out to carry, from its first payload bytes.
const (
	kindUnknown uint8 = iota // nothing decided yet
	kindJSON                 // JSON-RPC, raw or in HTTP: fed to the Stratum tracker
	kindTLS                  // a TLS handshake: SNI read, the rest is opaque
	kindHTTP                 // HTTP without JSON-RPC
	kindOther                // anything else: not reassembled further
)

// maxConversations bounds the conversation table (~400 bytes each): past
// it, packets of new conversations are counted but not analysed.
const maxConversations = 1 << 20

// midstreamProbe is how much of a direction that began before the capture
// is searched for a message boundary ("\n{") before giving up on it.
const midstreamProbe = 8 << 10

// half is one direction of a conversation: sent by endpoint a (halves[0])
// or b (halves[1]).
type half struct {
	c       *conv
	bytes   int64
	packets int32
	probed  int32 // bytes examined while looking for a message boundary
	idx     uint8
	kind    uint8
	synSeen bool
	hello   []byte // ClientHello bytes gathered until the record is whole
	reasm   reassembler
}

// conv is one TCP or UDP conversation.
type conv struct {
	a          *analysis
	key        convKey
	halves     [2]half
	start, end time.Time
	firstDst   int  // endpoint the first packet went to (last-resort server guess)
	synClient  int  // endpoint that sent the SYN; -1 unknown
	trkClient  int  // endpoint the tracker treats as client
	dns        bool // UDP/TCP 53 with DNS
	http       bool // an HTTP request or response went by
	jsonrpc    bool // a JSON-RPC message went by
	sni        string
	helloFrame int
	helloTime  time.Time
	tracker    *stratum.Tracker
	session    *stratum.Session // the tracker's result, taken once at the end
	stream     *Stream
	streamUsed int
}

// lookup finds or creates the conversation of p and says which endpoint
// sent it (0 = a, 1 = b).
func (a *analysis) lookup(p *packet) (*conv, int) {
	k := convKey{a: p.src, b: p.dst, pa: p.sport, pb: p.dport, proto: p.proto}
	dir := 0
	if c := p.dst.Compare(p.src); c < 0 || c == 0 && p.dport < p.sport {
		k.a, k.b, k.pa, k.pb = p.dst, p.src, p.dport, p.sport
		dir = 1
	}
	c := a.convs[k]
	if c == nil {
		if len(a.convs) >= maxConversations {
			a.overflow++
			return nil, dir
		}
		c = &conv{a: a, key: k, start: p.ts, firstDst: 1 - dir, synClient: -1, trkClient: -1}
		for i := range c.halves {
			h := &c.halves[i]
			h.c, h.idx = c, uint8(i)
			h.reasm.budget = &a.budget
		}
		a.convs[k] = c
		a.order = append(a.order, c)
	}
	return c, dir
}

// count updates the packet and byte counters.
func (c *conv) count(p *packet, dir int) {
	h := &c.halves[dir]
	h.packets++
	h.bytes += int64(p.wireLen)
	if p.ts.Before(c.start) {
		c.start = p.ts
	}
	if p.ts.After(c.end) {
		c.end = p.ts
	}
}

// endpoint formats endpoint i as "ip:port".
func (c *conv) endpoint(i int) string {
	if i == 0 {
		return addrPort(c.key.a, c.key.pa)
	}
	return addrPort(c.key.b, c.key.pb)
}

func (c *conv) port(i int) uint16 {
	if i == 0 {
		return c.key.pa
	}
	return c.key.pb
}

// tcp handles one TCP segment from endpoint dir.
func (c *conv) tcp(a *analysis, p *packet, dir int) {
	syn := p.flags&flagSYN != 0
	if syn {
		c.halves[dir].synSeen = true
		if p.flags&flagACK == 0 {
			c.synClient = dir
		} else if c.synClient < 0 {
			c.synClient = 1 - dir
		}
	}
	if p.flags&flagACK != 0 {
		other := &c.halves[1-dir]
		if other.wants() {
			other.reasm.acked(p.ack, other)
		}
	}
	h := &c.halves[dir]
	if !h.wants() {
		return
	}
	if syn && h.reasm.started && len(p.payload) == 0 && seqDiff(p.seq+1, h.reasm.next) != 0 && c.tracker != nil {
		c.tracker.Gap(c.trkDir(dir)) // a new connection on the same ports
	}
	h.reasm.add(p.seq, syn, p.payload, p.frame, p.ts, h)
}

// wants reports whether this direction is still reassembled.
func (h *half) wants() bool {
	switch h.kind {
	case kindUnknown, kindJSON:
		return true
	}
	return h.c.stream != nil && h.c.streamUsed < h.c.a.opts.MaxStreamBytes
}

// trkDir maps an endpoint to the tracker's direction.
func (c *conv) trkDir(endpoint int) stratum.Direction {
	if endpoint == c.trkClient {
		return stratum.FromClient
	}
	return stratum.FromServer
}

// deliver receives in-order bytes (streamSink).
func (h *half) deliver(data []byte, frame int, ts time.Time) {
	c := h.c
	if c.a.opts.MaxStreamBytes > 0 {
		c.record(h, data, frame, ts)
	}
	if h.kind == kindUnknown {
		data = h.classify(data, frame, ts)
	}
	if h.kind == kindJSON && len(data) > 0 {
		if !c.jsonrpc && (bytes.Contains(data, []byte(`"method"`)) || bytes.Contains(data, []byte(`"result"`))) {
			c.jsonrpc = true
		}
		c.tracker.Feed(c.trkDir(int(h.idx)), ts, frame, data)
	}
}

// gap reports lost bytes (streamSink).
func (h *half) gap() {
	if h.kind == kindJSON && h.c.tracker != nil {
		h.c.tracker.Gap(h.c.trkDir(int(h.idx)))
	}
	if h.kind == kindUnknown && h.hello != nil {
		h.hello, h.kind = nil, kindTLS // the hello is lost; stop waiting
	}
}
