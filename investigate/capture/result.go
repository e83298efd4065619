package capture

import (
	"fmt"
	"net/netip"
	"sort"
	"sync"
	"time"

	"github.com/google/gopacket/layers"
	"github.com/minertriage/minertriage/investigate/intel"
	"github.com/minertriage/minertriage/investigate/stratum"
)

// pools is the built-in pool list, loaded once on first need.
var pools = sync.OnceValue(intel.DefaultPools)

// record keeps a copy of delivered bytes for follow-stream (capped).
func (c *conv) record(h *half, data []byte, frame int, ts time.Time) {
	max := c.a.opts.MaxStreamBytes
	if c.stream == nil {
		c.stream = &Stream{}
	}
	if c.streamUsed >= max {
		c.stream.Truncated = true
		return
	}
	if room := max - c.streamUsed; len(data) > room {
		data, c.stream.Truncated = data[:room], true
	}
	c.streamUsed += len(data)
	c.stream.Chunks = append(c.stream.Chunks, StreamChunk{From: fmt.Sprint(int(h.idx)), Frame: frame, Time: ts, Data: append([]byte(nil), data...)})
}

// finish flushes the reassemblers and builds the Result.
func (a *analysis) finish() {
	a.convs = nil // the index is no longer needed: let the GC have it
	hellos := 0
	for _, c := range a.order {
		for i := range c.halves {
			h := &c.halves[i]
			if len(h.reasm.segs) > 0 {
				h.reasm.flush(h)
			}
		}
		if c.tracker != nil {
			c.session = c.tracker.Session() // once: it copies the messages
			c.tracker = nil
		}
		if c.helloFrame > 0 {
			hellos++
		}
	}
	a.nameServers()
	res := &a.res
	res.Conversations = make([]Conversation, 0, len(a.order))
	res.TLS = make([]TLSHello, 0, hellos)
	for _, c := range a.order {
		client := c.clientIndex()
		res.Conversations = append(res.Conversations, a.conversation(c, client))
		if c.helloFrame > 0 {
			res.TLS = append(res.TLS, TLSHello{Client: c.endpoint(client), Server: c.endpoint(1 - client),
				SNI: c.sni, Time: c.helloTime, Frame: c.helloFrame})
		}
		if s := a.session(c, client); s != nil && s.TLS {
			res.StratumTLS = append(res.StratumTLS, *s)
		} else if s != nil {
			res.Stratum = append(res.Stratum, *s)
		}
		if c.stream != nil {
			st := *c.stream
			st.Client, st.Server = c.endpoint(client), c.endpoint(1-client)
			for i := range st.Chunks {
				st.Chunks[i].From = side(st.Chunks[i].From == fmt.Sprint(client))
			}
			res.Streams = append(res.Streams, st)
		}
	}
	res.DNS = a.dns.answers()
	for i, ref := range a.strRefs {
		res.Strings[i].From = side(int(ref.half) == ref.c.clientIndex())
	}
	a.warnings()
	if res.Warnings == nil {
		res.Warnings = []string{}
	}
	if res.Stratum == nil {
		res.Stratum = []stratum.Session{}
	}
	if res.StratumTLS == nil {
		res.StratumTLS = []stratum.Session{}
	}
	if res.Strings == nil {
		res.Strings = []String{}
	}
}

// nameServers fills sniByAddr for the servers of plaintext sessions: a
// ClientHello in another conversation to the same server names it.
func (a *analysis) nameServers() {
	a.sniByAddr = map[netip.Addr]string{}
	for _, c := range a.order {
		if c.session != nil {
			a.sniByAddr[c.serverAddr()] = ""
		}
	}
	if len(a.sniByAddr) == 0 {
		return
	}
	for _, c := range a.order {
		if c.sni == "" {
			continue
		}
		if name, ok := a.sniByAddr[c.serverAddr()]; ok && name == "" {
			a.sniByAddr[c.serverAddr()] = c.sni
		}
	}
}

// serverAddr is the server's address (unmapped).
func (c *conv) serverAddr() netip.Addr {
	if c.clientIndex() == 1 {
		return c.key.a.Unmap()
	}
	return c.key.b.Unmap()
}

func side(client bool) string {
	if client {
		return "client"
	}
	return "server"
}

// conversation renders one conversation with client first.
func (a *analysis) conversation(c *conv, client int) Conversation {
	cl, sv := &c.halves[client], &c.halves[1-client]
	out := Conversation{Client: c.endpoint(client), Server: c.endpoint(1 - client), Proto: protoName(c.key.proto),
		Packets: int(cl.packets + sv.packets), Bytes: cl.bytes + sv.bytes, BytesToServer: cl.bytes, BytesToClient: sv.bytes,
		Start: c.start, End: c.end, SNI: c.sni, Gaps: int(cl.reasm.gaps + sv.reasm.gaps)}
	if c.end.IsZero() {
		out.End = c.start
	}
	out.App = c.app()
	return out
}

// app labels what the conversation carries.
func (c *conv) app() string {
	if c.session != nil {
		return "stratum/" + string(c.session.Dialect)
	}
	k0, k1 := c.halves[0].kind, c.halves[1].kind
	has := func(k uint8) bool { return k0 == k || k1 == k }
	switch {
	case has(kindTLS) || c.helloFrame > 0:
		return "tls"
	case c.jsonrpc:
		return "json-rpc"
	case c.http:
		return "http"
	case c.dns || c.key.pa == 53 || c.key.pb == 53:
		return "dns"
	}
	return ""
}

// session returns the conversation's Stratum session: reconstructed from
// plaintext (a dialect set), or a TLS conversation to a pool (TLS set,
// steps not observable; finish files it under StratumTLS).
func (a *analysis) session(c *conv, client int) *stratum.Session {
	server := c.key.b
	if client == 1 {
		server = c.key.a
	}
	host := c.sni
	if host == "" {
		host = a.dns.byAddr[server.Unmap()]
	}
	if host == "" {
		host = a.sniByAddr[server.Unmap()] // a ClientHello in another conversation to the same server
	}
	if s := c.session; s != nil {
		if host != "" {
			s.PoolHost = host
		}
		return s
	}
	if c.helloFrame == 0 || c.halves[1-client].kind == kindJSON {
		return nil // no ClientHello, or the server answered in plaintext JSON: not TLS
	}
	return a.tlsSession(c, client, server, host)
}

// tlsSession reports Stratum over TLS: a ClientHello whose server name is
// a pool, or that went to a mining port.
func (a *analysis) tlsSession(c *conv, client int, server netip.Addr, host string) *stratum.Session {
	port := c.port(1 - client)
	reason := ""
	if host != "" {
		if m, ok := pools().MatchHost(host); ok {
			reason = "TLS to " + host + ", a mining pool (" + m.String() + ")"
		}
	}
	if reason == "" {
		if m, ok := pools().MatchAddr(server.Unmap(), port); ok {
			reason = "TLS to a pool address (" + m.String() + ")"
		} else if intel.PortRole(port).Mining {
			reason = fmt.Sprintf("TLS to port %d, a mining pool port", port)
		}
	}
	if reason == "" {
		return nil
	}
	s := &stratum.Session{Client: c.endpoint(client), Server: c.endpoint(1 - client), PoolHost: host, TLS: true,
		Algorithms: []string{}, JobIDs: []string{}, Extensions: []string{}, RejectErrors: []string{},
		Reconnects: []string{}, Messages: []stratum.Message{}}
	for _, n := range []stratum.StepName{stratum.StepLogin, stratum.StepJob, stratum.StepSubmit, stratum.StepResult} {
		s.Steps = append(s.Steps, stratum.Step{Step: n, Reason: "encrypted: " + reason + "; steps not observable"})
	}
	return s
}

// warnings adds what the analysis could not do.
func (a *analysis) warnings() {
	if a.overflow > 0 {
		a.res.Warnings = append(a.res.Warnings, fmt.Sprintf("more than %d conversations: %d packets of later ones were counted but not analysed", maxConversations, a.overflow))
	}
	if d := &a.defrag; d.fragments > 0 {
		incomplete := d.dropped + len(d.pending)
		a.res.Warnings = append(a.res.Warnings, fmt.Sprintf("%d IP fragments: %d datagrams reassembled, %d incomplete (not analysed)", d.fragments, d.reassembled, incomplete))
	}
	lts := make([]int, 0, len(a.links))
	for lt := range a.links {
		lts = append(lts, int(lt))
	}
	sort.Ints(lts)
	for _, lt := range lts {
		a.res.Warnings = append(a.res.Warnings, fmt.Sprintf("%d records of link type %d were not decoded", a.links[layers.LinkType(lt)], lt))
	}
}
