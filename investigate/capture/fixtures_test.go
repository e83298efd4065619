package capture

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/minertriage/minertriage/investigate/capture/capturetest"
	"github.com/minertriage/minertriage/investigate/stratum"
)

// XMRig messages as the miner and pool send them (formats.md §3).
const (
	xmrLogin  = `{"id":1,"jsonrpc":"2.0","method":"login","params":{"login":"44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A","pass":"x","agent":"XMRig/6.21.0 (Linux x86_64) libuv/1.44.2 gcc/12.2.0","algo":["rx/0","cn/r"]}}` + "\n"
	xmrLoginR = `{"id":1,"jsonrpc":"2.0","error":null,"result":{"id":"a1b2c3","job":{"blob":"0707a1b2","job_id":"j1","target":"b88d0600","algo":"rx/0","height":3000000,"seed_hash":"aabbcc"},"extensions":["algo","nicehash","keepalive"],"status":"OK"}}` + "\n"
	xmrJob    = `{"jsonrpc":"2.0","method":"job","params":{"blob":"0707c3d4","job_id":"j2","target":"b88d0600","algo":"rx/0","height":3000001,"seed_hash":"aabbcc"}}` + "\n"
	xmrSubmit = `{"id":2,"jsonrpc":"2.0","method":"submit","params":{"id":"a1b2c3","job_id":"j2","nonce":"deadbeef","result":"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"}}` + "\n"
	xmrOK     = `{"id":2,"jsonrpc":"2.0","error":null,"result":{"status":"OK"}}` + "\n"
)

const (
	miner = "10.20.30.40:49822"
	pool  = "45.9.148.21:3333"
)

// analyze runs Analyze over capture bytes and fails the test on error.
func analyze(t *testing.T, b []byte, opts Options) *Result {
	t.Helper()
	res, err := Analyze(context.Background(), bytes.NewReader(b), opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// fullSession writes a complete XMRig session on c, with the login split in
// three segments.
func fullSession(c *capturetest.Conn) {
	c.Handshake()
	c.Send(true, []byte(xmrLogin), 60)
	c.Send(false, []byte(xmrLoginR), 0)
	c.Send(false, []byte(xmrJob), 0)
	c.Send(true, []byte(xmrSubmit), 0)
	c.Send(false, []byte(xmrOK), 0)
	c.Close()
}

// oneSession asserts the result holds exactly one plaintext session between
// client and server with all four steps observed.
func oneSession(t *testing.T, res *Result, client, server string) stratum.Session {
	t.Helper()
	if len(res.Stratum) != 1 {
		t.Fatalf("sessions = %d, want 1 (%+v)", len(res.Stratum), res.Conversations)
	}
	s := res.Stratum[0]
	if s.Client != client || s.Server != server || s.Dialect != stratum.DialectXMRig || s.TLS {
		t.Fatalf("session %s → %s %q tls=%v, want %s → %s xmrig", s.Client, s.Server, s.Dialect, s.TLS, client, server)
	}
	if !strings.HasPrefix(s.Agent, "XMRig/6.21.0") || !strings.HasPrefix(s.Login, "44AFFq5k") {
		t.Fatalf("agent %q login %q", s.Agent, s.Login)
	}
	for _, st := range s.Steps {
		if !st.Observed || st.Count == 0 {
			t.Fatalf("step %s not observed: %+v", st.Step, st)
		}
	}
	if s.Accepted != 1 {
		t.Fatalf("accepted = %d, want 1", s.Accepted)
	}
	return s
}

func TestSplitOutOfOrderRetransmittedOverlapping(t *testing.T) {
	b := capturetest.New()
	c := b.TCP(miner, pool)
	c.Handshake()
	// The login in four segments: written 1, 3, 4, 2 (out of order), then
	// segment 1 again (retransmission), then an overlap covering 2..3.
	login := []byte(xmrLogin)
	c.SendAt(true, 0, login[:50])
	c.SendAt(true, 100, login[100:150])
	c.SendAt(true, 150, login[150:])
	c.SendAt(true, 50, login[50:100])
	c.SendAt(true, 0, login[:50])
	c.SendAt(true, 40, login[40:160])
	c.Skip(true, len(login))
	c.Send(false, []byte(xmrLoginR), 100)
	c.Send(false, []byte(xmrJob), 0)
	c.Send(true, []byte(xmrSubmit+xmrSubmit[:0]), 30)
	c.Send(false, []byte(xmrOK), 0)
	c.Close()
	res := analyze(t, b.Pcap(), Options{})
	s := oneSession(t, res, miner, pool)
	if s.Steps[0].Count != 1 || s.Malformed != 0 {
		t.Fatalf("login seen %d times, malformed %d: retransmitted or overlapping bytes were fed twice", s.Steps[0].Count, s.Malformed)
	}
	if len(res.Conversations) != 1 || res.Conversations[0].Gaps != 0 || res.Conversations[0].App != "stratum/xmrig" {
		t.Fatalf("conversations %+v", res.Conversations)
	}
	conv := res.Conversations[0]
	if conv.Client != miner || conv.Server != pool || conv.Packets != len(b.Packets) {
		t.Fatalf("conversation %+v, want %s → %s with %d packets", conv, miner, pool, len(b.Packets))
	}
}

func TestMidSessionWithoutSYN(t *testing.T) {
	b := capturetest.New()
	c := b.TCP(miner, pool)
	// No handshake: the capture starts with the pool's job, and part of a
	// previous message's tail from the miner.
	c.Skip(true, 500)
	c.Skip(false, 700)
	c.Send(false, []byte("ams\":[1]}\n"+xmrJob), 0)
	c.Send(true, []byte(xmrSubmit), 0)
	c.Send(false, []byte(xmrOK), 0)
	res := analyze(t, b.Pcap(), Options{})
	if len(res.Stratum) != 1 {
		t.Fatalf("sessions %d", len(res.Stratum))
	}
	s := res.Stratum[0]
	if s.Client != miner || s.Server != pool {
		t.Fatalf("client %s server %s: the side that spoke first is not the client", s.Client, s.Server)
	}
	if s.Steps[0].Observed || !s.Steps[0].Inferred || !s.Steps[1].Observed || !s.Steps[2].Observed || s.Accepted != 1 {
		t.Fatalf("steps %+v", s.Steps)
	}
	if res.Conversations[0].Client != miner {
		t.Fatalf("conversation client %s", res.Conversations[0].Client)
	}
}

func TestClientFromRequestsNotPorts(t *testing.T) {
	// Both ports high and the pool's side speaks first; only the JSON-RPC
	// request (a method with an id) says who the miner is.
	b := capturetest.New()
	c := b.TCP("10.0.0.9:50001", "198.51.100.7:60001")
	c.Send(true, []byte(xmrSubmit), 0)
	c.Send(false, []byte(xmrOK), 0)
	c.Send(false, []byte(xmrJob), 0)
	b.Swap(1, 2)
	res := analyze(t, b.Pcap(), Options{})
	if len(res.Conversations) != 1 || res.Conversations[0].Client != "10.0.0.9:50001" {
		t.Fatalf("conversations %+v", res.Conversations)
	}
}
