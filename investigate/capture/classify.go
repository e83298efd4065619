package capture

import (
	"bytes"
	"encoding/json"

	"github.com/minertriage/minertriage/investigate/intel"
	"github.com/minertriage/minertriage/investigate/stratum"
	"time"
)

var httpMethods = [][]byte{[]byte("GET "), []byte("HEAD "), []byte("PUT "), []byte("OPTIONS "),
	[]byte("DELETE "), []byte("PATCH "), []byte("CONNECT "), []byte("TRACE ")}

// classify decides from a direction's first payload bytes what it carries,
// and returns the bytes to feed the Stratum tracker (nil for none). Until
// it can decide it keeps the direction undecided.
func (h *half) classify(data []byte, frame int, ts time.Time) []byte {
	c := h.c
	if h.hello != nil {
		h.gatherHello(data, frame, ts)
		return nil
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 {
		return nil
	}
	switch {
	case looksLikeTLS(trimmed):
		if trimmed[0] == 0x16 && (len(trimmed) < 6 || trimmed[5] == 0x01) { // a ClientHello (or too short to tell)
			if sni, ok := parseSNI(trimmed); ok { // whole in this segment: no copy
				h.sawHello(sni, frame, ts)
				return nil
			}
			h.hello = make([]byte, 0, 512)
			h.gatherHello(trimmed, frame, ts)
		} else {
			h.kind = kindTLS
		}
		return nil
	case stratum.LooksLikeJSONRPC(trimmed):
		if trimmed[0] == 'P' {
			c.http = true // JSON-RPC over HTTP POST
		}
		h.startJSON(trimmed)
		return trimmed
	case bytes.HasPrefix(trimmed, []byte("HTTP/1.")):
		c.http = true
		if c.halves[1-h.idx].kind == kindJSON {
			h.startJSON(trimmed) // the answer to a JSON-RPC POST
			return trimmed
		}
		h.kind = kindHTTP
		return nil
	}
	for _, m := range httpMethods {
		if bytes.HasPrefix(trimmed, m) && isHTTPRequestLine(trimmed) {
			h.kind, c.http = kindHTTP, true
			return nil
		}
	}
	if !h.synSeen {
		// Began before the capture: the first bytes may be the tail of a
		// message. Look for the start of the next one.
		// Look for the start of the next message: a newline, then an object
		// with a quoted key (binary protocols rarely produce that).
		if i := bytes.Index(trimmed, []byte("\n{\"")); i >= 0 {
			h.startJSON(trimmed[i+1:])
			return trimmed[i+1:]
		}
		h.probed += int32(len(data))
		if h.probed < midstreamProbe {
			return nil
		}
	}
	h.kind = kindOther
	return nil
}

// startJSON marks the direction as JSON-RPC and makes sure the
// conversation has a tracker, oriented by the best evidence at hand.
func (h *half) startJSON(first []byte) {
	h.kind = kindJSON
	c := h.c
	if c.tracker != nil {
		return
	}
	client := c.synClient
	if client < 0 {
		switch jsonRole(first) {
		case 1:
			client = int(h.idx)
		case -1:
			client = 1 - int(h.idx)
		default:
			client = c.portClient()
		}
	}
	c.trkClient = client
	c.tracker = stratum.NewTracker(c.endpoint(client), c.endpoint(1-client))
}

// gatherHello collects a ClientHello that may span segments and reads its
// SNI once the record is whole.
func (h *half) gatherHello(data []byte, frame int, ts time.Time) {
	room := maxHelloBytes - len(h.hello)
	if len(data) > room {
		data = data[:room]
	}
	h.hello = append(h.hello, data...)
	sni, ok := parseSNI(h.hello)
	if !ok {
		n := tlsRecordLen(h.hello)
		if n > 0 && len(h.hello) < n && len(h.hello) < maxHelloBytes || n == 0 && len(h.hello) < 6 {
			return // wait for the rest of the record
		}
		h.hello, h.kind = nil, kindTLS // not a readable hello: opaque TLS
		return
	}
	h.sawHello(sni, frame, ts)
}

// sawHello records a ClientHello's server name.
func (h *half) sawHello(sni string, frame int, ts time.Time) {
	c := h.c
	c.sni, c.helloFrame, c.helloTime = sni, frame, ts
	if c.synClient < 0 {
		c.synClient = int(h.idx) // the side sending a ClientHello opened the connection
	}
	h.hello, h.kind = nil, kindTLS
}

// pushMethods are sent by the pool unasked; a direction that opens with
// one is the server.
var pushMethods = map[string]bool{
	"mining.notify": true, "mining.set_difficulty": true, "mining.set_target": true,
	"mining.set_extranonce": true, "mining.set_version_mask": true, "client.reconnect": true,
	"client.show_message": true, "job": true,
}

// jsonRole says whether a direction opening with first is the client
// (+1: a request with an id), the server (-1: a response or a pool push)
// or cannot tell (0).
func jsonRole(first []byte) int {
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	var m struct {
		Method string          `json:"method"`
		ID     json.RawMessage `json:"id"`
		Result json.RawMessage `json:"result"`
		Error  json.RawMessage `json:"error"`
	}
	if json.Unmarshal(bytes.TrimSpace(first), &m) != nil {
		return 0
	}
	switch {
	case pushMethods[m.Method]:
		return -1
	case m.Method != "" && len(m.ID) > 0 && string(m.ID) != "null":
		return 1
	case m.Method == "" && (m.Result != nil || m.Error != nil):
		return -1
	}
	return 0
}

// portClient guesses the client from the ports alone: the ephemeral or
// unremarkable port against the service port; failing that, the side that
// did not receive the first packet.
func (c *conv) portClient() int {
	switch side, _ := intel.ClientSide(c.key.pa, c.key.pb); side {
	case intel.SideSrc:
		return 0
	case intel.SideDst:
		return 1
	}
	return 1 - c.firstDst
}

// clientIndex is the endpoint reported as the client.
func (c *conv) clientIndex() int {
	switch {
	case c.trkClient >= 0: // the tracker's orientation, fixed when it started
		return c.trkClient
	case c.synClient >= 0:
		return c.synClient
	}
	return c.portClient()
}

// isHTTPRequestLine reports whether the first line ends with an HTTP
// version (so a NATS "CONNECT {...}" is not taken for HTTP).
func isHTTPRequestLine(b []byte) bool {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	} else if len(b) > 2048 {
		b = b[:2048]
	}
	return bytes.Contains(b, []byte(" HTTP/"))
}
