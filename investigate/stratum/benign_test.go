package stratum

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// JSON-RPC that is not mining must not become a Session. nDPI issue #2216
// ("Mining dissector gives false positives on any JSON-RPC over TCP
// traffic") is the reason these exist.
func TestBenignJSONRPCIsNotStratum(t *testing.T) {
	zabbixBody := `{"jsonrpc": "2.0", "method": "zabbix.status", "params": {}, "auth": "a8a6d1b1d8c5", "id": 103796}`
	lspBody := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":4242,"rootUri":"file:///src","capabilities":{}}}`
	cases := map[string][]msg{
		// nDPI jsonrpc.pcap: raw JSON-RPC over TCP, no trailing newline, no answer
		"echo": {{FromClient, `{"jsonrpc": "2.0", "method": "echo", "params": ["Testing!"], "id": "ca08159b-4a4b-4d4f-9a54-6c4b3f9f3e1b"}`}},
		"zabbix over http": {
			{FromClient, "POST /zabbix/jsrpc.php?output=json-rpc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json-rpc\r\nContent-Length: " + fmt.Sprint(len(zabbixBody)) + "\r\n\r\n" + zabbixBody},
			{FromServer, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n" + `{"jsonrpc":"2.0","result":{"result":true,"message":""},"id":103796}`},
		},
		// peafowl ethereum-js-http.pcap: geth node queries share the eth_ namespace
		"geth node": {
			c(`{"id":1,"jsonrpc":"2.0","method":"web3_clientVersion","params":[]}`),
			s(`{"jsonrpc":"2.0","id":1,"result":"Geth/v1.8.2-stable/linux-amd64/go1.9.2"}`),
			c(`{"id":2,"jsonrpc":"2.0","method":"eth_blockNumber","params":[]}`),
			s(`{"jsonrpc":"2.0","id":2,"result":"0x4b7"}`),
			c(`{"id":3,"jsonrpc":"2.0","method":"eth_getBlockByNumber","params":["latest",false]}`),
			s(`{"jsonrpc":"2.0","id":3,"result":{"hash":"0x22b597d7bf24ef9a605a5d4fb6f7e155b7d0ce28ba6a9aa9eda6b74b34685d71","number":"0x4b7"}}`),
		},
		// eth_getWork that yields no work package: a dashboard asking a node
		"geth getWork without work": {
			c(`{"id":4,"jsonrpc":"2.0","method":"eth_getWork","params":[]}`),
			s(`{"jsonrpc":"2.0","id":4,"error":{"code":-32000,"message":"no mining work available yet"}}`),
		},
		"language server": {
			{FromClient, fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(lspBody), lspBody)},
			{FromServer, "Content-Length: 52\r\n\r\n" + `{"jsonrpc":"2.0","id":1,"result":{"capabilities":{}}}`},
		},
		// nDPI nats.pcap: JSON on verb-prefixed CRLF lines
		"nats": {
			{FromServer, "INFO {\"server_id\":\"NCXMJZYQEWUDJFLYLSTTE745I2WUNCVG3LJJ3NRKSFJXEG6RGK7753DJ\",\"version\":\"2.0.0\",\"proto\":1,\"go\":\"go1.11.10\",\"host\":\"0.0.0.0\",\"port\":4222,\"max_payload\":1048576,\"client_id\":1}\r\n"},
			{FromClient, "CONNECT {\"verbose\":false,\"pedantic\":false,\"tls_required\":false,\"name\":\"\",\"lang\":\"go\",\"version\":\"1.2.2\",\"protocol\":1}\r\nPING\r\n"},
			{FromServer, "PONG\r\n"},
		},
		// generic method names with non-mining parameters
		"generic login/submit/job": {
			c(`{"id":1,"jsonrpc":"2.0","method":"login","params":{"username":"alice","password":"hunter2"}}`),
			s(`{"id":1,"jsonrpc":"2.0","result":{"status":"OK","token":"abc"}}`),
			c(`{"id":2,"jsonrpc":"2.0","method":"submit","params":{"form":"expenses","amount":12}}`),
			s(`{"id":2,"jsonrpc":"2.0","result":true}`),
			c(`{"id":3,"jsonrpc":"2.0","method":"job","params":{"id":"nightly-backup","status":"done"}}`),
		},
		"bitcoind getwork over http": {
			{FromClient, "POST / HTTP/1.1\r\nHost: us1.bitminter.com:3333\r\nContent-Type: application/json\r\nContent-Length: 44\r\n\r\n"},
			{FromClient, `{"method": "getwork", "params": [], "id":0}` + "\n"},
			s(`{"id":0,"result":null,"error":[20,"Parse error",null]}`),
		},
	}
	for name, script := range cases {
		t.Run(name, func(t *testing.T) {
			everyChunking(t, script, func(t *testing.T, s *Session) {
				if s != nil {
					t.Fatalf("benign exchange reported as %s Stratum: %+v", s.Dialect, s.Steps)
				}
			})
		})
	}
}

// eth_getWork answered with a work package is mining (the node hands out
// work to a miner), even without eth_submitLogin: the documented decision.
func TestEthGetWorkWithWorkPackageIsMining(t *testing.T) {
	script := []msg{
		c(`{ "id": 1, "jsonrpc": "2.0", "method": "eth_getWork" }`),
		s(`{ "id": 1, "jsonrpc": "2.0", "result": [ "0x1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef", "0x5eed00000000000000000000000000005eed0000000000000000000000000000", "0xd1ff1c01710000000000000000000000d1ff1c01710000000000000000000000" ] }`),
	}
	everyChunking(t, script, func(t *testing.T, s *Session) {
		if s == nil {
			t.Fatal("a work package is mining-shaped")
		}
		wantEq(t, "dialect", s.Dialect, DialectEthProxy)
		wantEq(t, "steps", stepStates(s), "login:I job:O submit:- result:-")
	})
}

// Hostile text in agent, login and error strings is data: kept exactly,
// never sanitised here (display edges do that with textsafe).
func TestHostileStringsPreservedAsData(t *testing.T) {
	script := []msg{
		c(`{"id":1,"jsonrpc":"2.0","method":"login","params":{"login":"\u001b[2J\u001b]0;pwned\u0007wallet","pass":"x\u202e","agent":"XMRig/6.0 \u001b[31mred\u001b[0m"}}`),
		s(`{"id":1,"jsonrpc":"2.0","error":null,"result":{"id":"a","job":{"blob":"00","job_id":"\u001b[1mjob","target":"b88d0600"},"status":"OK"}}`),
		c(`{"id":2,"method":"submit","params":{"id":"a","job_id":"j","nonce":"00000000","result":"00"}}`),
		s(`{"id":2,"error":{"code":-1,"message":"\u001b]52;c;ZXZpbA==\u0007stale"}}`),
	}
	everyChunking(t, script, func(t *testing.T, s *Session) {
		wantEq(t, "login", s.Login, "\x1b[2J\x1b]0;pwned\x07wallet")
		wantEq(t, "password", s.Password, "x\u202e")
		wantEq(t, "agent", s.Agent, "XMRig/6.0 \x1b[31mred\x1b[0m")
		wantEq(t, "job id", s.JobIDs[0], "\x1b[1mjob")
		wantEq(t, "reject error", s.RejectErrors[0], "\x1b]52;c;ZXZpbA==\x07stale")
		if !strings.Contains(s.Messages[0].Raw, `\u001b[2J`) {
			t.Errorf("raw text should be the bytes as sent, got %q", s.Messages[0].Raw)
		}
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var back Session
		if err := json.Unmarshal(b, &back); err != nil || back.Agent != s.Agent {
			t.Fatalf("session does not round-trip through JSON: %v", err)
		}
	})
}

func TestInvalidUTF8RawBecomesReplacementCharacters(t *testing.T) {
	tr := NewTracker("a:1", "b:2")
	tr.Feed(FromClient, ts(1), 1, []byte("{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[\"bad\xff\xfeagent\"]}\n"))
	s := tr.Session()
	if !utf8.ValidString(s.Messages[0].Raw) || !strings.Contains(s.Messages[0].Raw, "\uFFFD") {
		t.Fatalf("raw %q should be valid UTF-8 with U+FFFD", s.Messages[0].Raw)
	}
	if _, err := json.Marshal(s); err != nil {
		t.Fatal(err)
	}
}

// Memory is bounded whatever the peer sends: messages, raw text, lists and
// outstanding requests are all capped, while the totals keep counting.
func TestCapsBoundMemory(t *testing.T) {
	tr := NewTracker("a:1", "b:2")
	tr.Feed(FromServer, ts(0), 1, []byte(`{"id":null,"method":"mining.notify","params":["first"]}`+"\n"))
	pad := strings.Repeat("x", MaxRawBytes)
	const n = 5000
	for i := range n {
		line := fmt.Sprintf(`{"id":%d,"method":"mining.submit","params":["w","job-%d","%s"]}`+"\n", i, i, pad)
		tr.Feed(FromClient, ts(i), i+2, []byte(line))
		tr.Feed(FromServer, ts(i), i+2, []byte(fmt.Sprintf(`{"id":null,"method":"mining.notify","params":["job-%d"]}`+"\n", i)))
	}
	s := tr.Session()
	wantEq(t, "messages total", s.MessagesTotal, 2*n+1)
	wantEq(t, "submits", s.Steps[2].Count, n)
	if len(s.Messages) > MaxMessages {
		t.Errorf("kept %d messages, cap %d", len(s.Messages), MaxMessages)
	}
	raw := 0
	for _, m := range s.Messages {
		raw += len(m.Raw)
		if len(m.Raw) > MaxRawBytes {
			t.Fatalf("raw of %d bytes exceeds %d", len(m.Raw), MaxRawBytes)
		}
	}
	if raw > maxRawBudget+MaxRawBytes {
		t.Errorf("kept %d bytes of raw text, budget %d", raw, maxRawBudget)
	}
	if len(s.JobIDs) > maxListItems {
		t.Errorf("kept %d job ids, cap %d", len(s.JobIDs), maxListItems)
	}
	if len(tr.pending[FromClient]) > maxPendingIDs {
		t.Errorf("%d outstanding request ids, cap %d", len(tr.pending[FromClient]), maxPendingIDs)
	}
	if !s.Messages[1].Truncated {
		t.Error("a message longer than MaxRawBytes should be marked truncated")
	}
}

func TestLooksLikeJSONRPC(t *testing.T) {
	yes := []string{`{"id":1}`, "\r\n  [{\"id\":1}]", "POST /jsrpc.php HTTP/1.1\r\n"}
	no := []string{"", "   ", "\x16\x03\x01\x02\x00", "GET / HTTP/1.1\r\n", "INFO {\"server_id\":1}", "\x01\x21\x01\x01\x01\x01\x01\x01"}
	for _, s := range yes {
		if !LooksLikeJSONRPC([]byte(s)) {
			t.Errorf("LooksLikeJSONRPC(%q) = false", s)
		}
	}
	for _, s := range no {
		if LooksLikeJSONRPC([]byte(s)) {
			t.Errorf("LooksLikeJSONRPC(%q) = true", s)
		}
	}
}

func TestBatchArraysAreSplit(t *testing.T) {
	tr := play([]msg{c(`[{"id":1,"method":"mining.subscribe","params":["cgminer/4.10.0"]},{"id":2,"method":"mining.authorize","params":["w","p"]}]`)}, "per-message")
	s := tr.Session()
	wantEq(t, "logins", s.Steps[0].Count, 2)
	wantEq(t, "agent", s.Agent, "cgminer/4.10.0")
	wantEq(t, "login", s.Login, "w")
}

func TestRawTextCutsOnRuneBoundary(t *testing.T) {
	b := []byte(strings.Repeat("é", MaxRawBytes)) // 2 bytes each
	for _, extra := range []int{0, 1} {
		raw, cut := rawText(b[extra:], MaxRawBytes)
		if !cut || len(raw) > MaxRawBytes || !utf8.ValidString(raw) || strings.ContainsRune(raw, '\uFFFD') != (extra == 1) {
			t.Errorf("offset %d: cut=%v len=%d valid=%v", extra, cut, len(raw), utf8.ValidString(raw))
		}
	}
}
