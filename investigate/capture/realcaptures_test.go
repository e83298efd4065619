package capture_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/minertriage/minertriage/investigate/capture"
	"github.com/minertriage/minertriage/investigate/stratum"
)

// The real captures and what testdata/captures/MANIFEST.md says each one
// holds. Every capture in the directory must have an entry here, so a new
// capture cannot be added without saying what it should yield.
const capturesDir = "../../testdata/captures"

type captureWant struct {
	packets int
	format  string
	check   func(t *testing.T, r *capture.Result)
}

var realCaptures = map[string]captureWant{
	"nDPI_mining_zec-ewbf+xmr-stak+eth-proxy.pcapng": {673, "pcapng", func(t *testing.T, r *capture.Result) {
		wantSessions(t, r, 4)
		checkEthProxyNanopool(t, session(t, r, "185.71.66.39:9999"))
		checkXMRStak(t, session(t, r, "178.32.196.217:9050"))
		checkZcashFlypool(t, r)
		// Frame numbers are the capture's: the message's last byte.
		if s := session(t, r, "185.71.66.39:9999"); s != nil {
			wantEq(t, "eth_submitLogin frame", s.Steps[0].Frame, 5)
		}
		if s := session(t, r, "178.32.196.217:9050"); s != nil {
			wantEq(t, "xmr-stak login frame", s.Steps[0].Frame, 213)
			wantEq(t, "xmr-stak first job frame (login result)", s.Steps[1].Frame, 215)
		}
		if s := session(t, r, "94.23.199.191:3333"); s != nil {
			wantEq(t, "first Equihash submit frame (second of its two segments)", s.Steps[2].Frame, 286)
			stale := 0
			for _, m := range s.Messages {
				if strings.Contains(m.Raw, "Stale job!") {
					stale++
					wantEq(t, "stale-share answer frame", m.Frame, 397)
					wantEq(t, "stale-share answer replies to", m.InReplyTo, "mining.submit")
				}
			}
			wantEq(t, "messages holding the stale-share answer", stale, 1)
		}
	}},
	"peafowl_stratum_zec-ewbf-flypool_DUP.pcap": {319, "pcap", func(t *testing.T, r *capture.Result) {
		wantSessions(t, r, 2)
		checkZcashFlypool(t, r)
	}},
	"peafowl_monero_xmr-stak-login_DUP.pcap": {145, "pcap", func(t *testing.T, r *capture.Result) {
		wantSessions(t, r, 1)
		checkXMRStak(t, session(t, r, "178.32.196.217:9050"))
	}},
	"peafowl_ethereum_eth-proxy-stratum.pcap": {819, "pcap", func(t *testing.T, r *capture.Result) {
		wantSessions(t, r, 2)
		long, short := session(t, r, "94.23.36.128:4444"), session(t, r, "91.121.222.33:4444")
		submits := 0
		for _, s := range []*stratum.Session{long, short} {
			if s == nil {
				return
			}
			wantEq(t, s.Server+" dialect", s.Dialect, stratum.DialectEthProxy)
			wantEq(t, s.Server+" steps", steps(s), "login:O job:O submit:O result:O")
			wantEq(t, s.Server+" worker", s.Worker, "eth1.0")
			wantEq(t, s.Server+" logins (eth_submitLogin)", s.Steps[0].Count, 1)
			submits += s.Steps[2].Count
		}
		wantEq(t, "client of the long session", long.Client, "192.168.2.92:57726")
		wantEq(t, "client of the short session", short.Client, "192.168.2.92:41680")
		wantEq(t, "login", long.Login, "0x0fccfff9e61a230ff380530c6827caf4759337c6.rig2")
		wantEq(t, "eth_submitWork in the file", submits, 10)
		wantEq(t, "accepted in the file", long.Accepted+short.Accepted, 10)
	}},
	"zeek-cryptomining_bitcoin-mining_bfgminer-bitminter.pcap": {188, "pcap", func(t *testing.T, r *capture.Result) {
		// Three real Stratum connections; the HTTP getblocktemplate/getwork
		// probes and the TLS attempt on the same port are not sessions.
		wantSessions(t, r, 3)
		jobs, logins := 0, 0
		for _, s := range r.Stratum {
			wantEq(t, s.Server+" dialect", s.Dialect, stratum.DialectStratumV1)
			wantEq(t, s.Server+" agent", s.Agent, "bfgminer/5.2.0")
			wantEq(t, s.Client+" steps", steps(&s), "login:O job:O submit:- result:-")
			if !strings.HasSuffix(s.Server, ":3333") {
				t.Errorf("server %s: want port 3333", s.Server)
			}
			jobs += s.Steps[1].Count
			logins += s.Steps[0].Count
		}
		wantEq(t, "mining.notify in the file", jobs, 10)
		wantEq(t, "subscribe+authorize in the file", logins, 4)
		authorized := 0
		for _, s := range r.Stratum {
			if s.Login == "broatcast" && s.Password == "123" {
				authorized++
			}
		}
		wantEq(t, "sessions with mining.authorize broatcast/123", authorized, 1)
		if !hasSNI(r, "us1.bitminter.com", ":3333") {
			t.Errorf("the TLS ClientHello to the Stratum port (SNI us1.bitminter.com) is missing from Result.TLS: %+v", r.TLS)
		}
	}},
	"zeek-cryptomining_bitcoin-mining-in-progress_midstream.pcap": {111, "pcap", func(t *testing.T, r *capture.Result) {
		wantSessions(t, r, 1)
		s := session(t, r, "74.84.128.158:3333")
		if s == nil {
			return
		}
		wantEq(t, "dialect", s.Dialect, stratum.DialectStratumV1)
		wantEq(t, "steps", steps(s), "login:I job:O submit:- result:-")
		wantEq(t, "mining.notify", s.Steps[1].Count, 3)
		if !strings.HasPrefix(s.Client, "10.0.2.15:") {
			t.Errorf("client %s: without a SYN the side sending requests is the client (10.0.2.15)", s.Client)
		}
	}},
	"zeek-cryptomining_coinhive-stratum_xmr-login-job.pcap": {320, "pcap", func(t *testing.T, r *capture.Result) {
		wantSessions(t, r, 3)
		logins, jobs := 0, 0
		for _, s := range r.Stratum {
			wantEq(t, s.Client+" server", s.Server, "192.110.160.114:3333")
			wantEq(t, s.Client+" pool host (from DNS)", s.PoolHost, "la01.supportxmr.com")
			wantEq(t, s.Client+" dialect", s.Dialect, stratum.DialectXMRig)
			wantEq(t, s.Client+" steps", steps(&s), "login:O job:O submit:- result:-")
			wantEq(t, s.Client+" agent (none sent)", s.Agent, "")
			if !strings.HasPrefix(s.Login, "46") {
				t.Errorf("%s login %q: want the Monero wallet", s.Client, s.Login)
			}
			logins += s.Steps[0].Count
			jobs += s.Steps[1].Count
		}
		wantEq(t, "logins in the file (two pipelined in one connection)", logins, 4)
		wantEq(t, "jobs in the file (4 in login results + 6 pushes)", jobs, 10)
	}},
	"zeek-cryptomining_coinhive_browser-wss-tls-authedmine.pcap": {1912, "pcap", func(t *testing.T, r *capture.Result) {
		wantSessions(t, r, 0) // no plaintext Stratum at all: "stratum" is empty
		// The pool list flags the encrypted mining flow: reported in
		// stratum_tls, the pool by SNI, steps not observable (issue #3).
		if s := tlsSession(r, "37.187.167.83:443"); s == nil || s.PoolHost != "ws027.authedmine.com" || s.Client != "10.0.2.15:46634" {
			t.Errorf("the TLS mining flow 10.0.2.15:46634 → 37.187.167.83:443 (ws027.authedmine.com) should be in StratumTLS, got %+v", s)
		} else if s.Dialect != "" || !strings.Contains(s.Steps[0].Reason, "ws027.authedmine.com") {
			t.Errorf("TLS session dialect %q (want none: not observable), login reason %q (want the pool named)", s.Dialect, s.Steps[0].Reason)
		}
		if !hasSNI(r, "ws027.authedmine.com", "37.187.167.83:443") {
			t.Errorf("TLS SNI ws027.authedmine.com to 37.187.167.83:443 missing from Result.TLS")
		}
		found := false
		for _, c := range r.Conversations {
			if c.Server == "37.187.167.83:443" && c.SNI == "ws027.authedmine.com" && c.Client == "10.0.2.15:46634" {
				found = true
			}
		}
		if !found {
			t.Errorf("the mining conversation 10.0.2.15:46634 → 37.187.167.83:443 should carry SNI ws027.authedmine.com")
		}
	}},
	"nDPI_jsonrpc_NEG-echo-tcp+zabbix-http.pcap":     {16, "pcap", negative},
	"peafowl_ethereum-js-http_NEG-geth-jsonrpc.pcap": {10, "pcap", negative},
	"nDPI_ethereum_NEG-devp2p.pcap":                  {2000, "pcap", negative},
	"nDPI_bitcoin_NEG-btc-p2p.pcap":                  {529, "pcap", negative},
	"nDPI_monero_NEG-monerod-p2p-levin.pcap":         {60, "pcap", negative},
	"nDPI_http-lines-split_NEG.pcap":                 {14, "pcap", negative},
	"nDPI_nats_NEG-dltnull-json-text.pcap":           {27, "pcap", negative},
	"nDPI_http_ipv6_NEG-ipv6-tls-gquic.pcap":         {193, "pcap", negative},
}

func negative(t *testing.T, r *capture.Result) { wantSessions(t, r, 0) }

func TestRealCaptures(t *testing.T) {
	entries, err := os.ReadDir(capturesDir)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !(strings.HasSuffix(name, ".pcap") || strings.HasSuffix(name, ".pcapng")) {
			continue
		}
		seen++
		want, ok := realCaptures[name]
		if !ok {
			t.Errorf("%s: no expectation; add it from MANIFEST.md", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			r, err := capture.AnalyzeFile(context.Background(), filepath.Join(capturesDir, name), capture.Options{})
			if err != nil {
				t.Fatalf("AnalyzeFile: %v", err)
			}
			wantEq(t, "packets", r.Packets, want.packets)
			wantEq(t, "format", r.Format, want.format)
			wantEq(t, "truncated", r.Truncated, false)
			checkSessionLists(t, r)
			want.check(t, r)
			checkJSONContract(t, r)
		})
	}
	wantEq(t, "captures with an expectation", seen, len(realCaptures))
}

// checkEthProxyNanopool: the Claymore-style session in the nDPI file.
// C>S eth_submitLogin 1, eth_getWork 30, eth_submitHashrate 14,
// eth_submitWork 1; S>C 64 results including id-0 work pushes.
func checkEthProxyNanopool(t *testing.T, s *stratum.Session) {
	if s == nil {
		return
	}
	wantEq(t, "eth-proxy dialect", s.Dialect, stratum.DialectEthProxy)
	wantEq(t, "eth-proxy client", s.Client, "147.229.13.222:49307")
	wantEq(t, "eth-proxy steps", steps(s), "login:O job:O submit:O result:O")
	wantEq(t, "eth-proxy login method", s.Steps[0].Method, "eth_submitLogin")
	wantEq(t, "eth-proxy eth_submitWork", s.Steps[2].Count, 1)
	wantEq(t, "eth-proxy accepted", s.Accepted, 1)
	wantEq(t, "eth-proxy worker", s.Worker, "eth1.0")
	wantEq(t, "eth-proxy login", s.Login, "0x9c99d212f7e5daa18ab50810e0fd255d1f04303b/tester.worker1/vvesely@mailinator")
	wantEq(t, "eth-proxy messages (46 C>S + 64 S>C)", s.MessagesTotal, 110)
}

// checkXMRStak: login 1, submit 30, 31 results, 10 job notifications.
func checkXMRStak(t *testing.T, s *stratum.Session) {
	if s == nil {
		return
	}
	wantEq(t, "xmr dialect", s.Dialect, stratum.DialectXMRig)
	wantEq(t, "xmr client", s.Client, "192.168.2.92:55190")
	wantEq(t, "xmr agent", s.Agent, "xmr-stak-cpu/1.3.0-1.5.0")
	wantEq(t, "xmr steps", steps(s), "login:O job:O submit:O result:O")
	wantEq(t, "xmr logins", s.Steps[0].Count, 1)
	wantEq(t, "xmr jobs (login result + 10 job notifications)", s.Steps[1].Count, 11)
	wantEq(t, "xmr submits", s.Steps[2].Count, 30)
	wantEq(t, "xmr accepted", s.Accepted, 30)
	wantEq(t, "xmr rejected", s.Rejected, 0)
	wantEq(t, "xmr messages (1+30 C>S, 31+10 S>C)", s.MessagesTotal, 72)
	wantEq(t, "xmr target", s.Target, "dc460300")
	if !strings.HasSuffix(s.Login, ".ryzen") || !strings.HasPrefix(s.Login, "4BCeEPho") {
		t.Errorf("xmr login %q", s.Login)
	}
}

// checkZcashFlypool: the two EWBF sessions. C>S subscribe 2, authorize 2,
// extranonce.subscribe 2, submit 47; S>C set_target 2, notify 27, one
// "Stale job!" error.
func checkZcashFlypool(t *testing.T, r *capture.Result) {
	eu, cn := session(t, r, "94.23.199.191:3333"), session(t, r, "116.211.167.195:3333")
	if eu == nil || cn == nil {
		return
	}
	wantEq(t, "eu pool host (subscribe params)", eu.PoolHost, "eu1-zcash.flypool.org")
	wantEq(t, "cn pool host (subscribe params)", cn.PoolHost, "cn1-zcash.flypool.org")
	var logins, jobs, submits, rejected int
	var errs []string
	for _, s := range []*stratum.Session{eu, cn} {
		wantEq(t, s.Server+" dialect", s.Dialect, stratum.DialectStratumV1)
		wantEq(t, s.Server+" client host", strings.Split(s.Client, ":")[0], "192.168.2.148")
		wantEq(t, s.Server+" agent", s.Agent, "EWBF 0.3.4b")
		wantEq(t, s.Server+" steps", steps(s), "login:O job:O submit:O result:O")
		wantEq(t, s.Server+" extensions", strings.Join(s.Extensions, ","), "extranonce.subscribe")
		logins += s.Steps[0].Count
		jobs += s.Steps[1].Count
		submits += s.Steps[2].Count
		rejected += s.Rejected
		errs = append(errs, s.RejectErrors...)
	}
	wantEq(t, "subscribe+authorize", logins, 4)
	wantEq(t, "mining.notify", jobs, 27)
	wantEq(t, "mining.submit (2.9 KB, split over 2 segments)", submits, 47)
	wantEq(t, "rejected shares", rejected, 1)
	wantEq(t, "reject errors", strings.Join(errs, "|"), "Stale job!")
	wantEq(t, "accepted + rejected = answered submits", eu.Accepted+cn.Accepted+rejected, eu.Steps[3].Count+cn.Steps[3].Count)
}

// checkJSONContract marshals the Result and checks the key set of
// `pcap --json` from DESIGN.md, including that lists are arrays, not null.
func checkJSONContract(t *testing.T, r *capture.Result) {
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var top map[string]any
	if err := json.Unmarshal(b, &top); err != nil {
		t.Fatal(err)
	}
	wantKeys(t, "result", top, "file", "format", "link_type", "packets", "truncated", "warnings", "conversations", "dns", "stratum", "stratum_tls", "strings")
	for _, k := range []string{"warnings", "conversations", "dns", "stratum", "stratum_tls", "strings"} {
		if _, ok := top[k].([]any); !ok {
			t.Errorf("%q is %T, want a JSON array", k, top[k])
		}
	}
	for _, c := range list(top["conversations"]) {
		wantKeys(t, "conversation", c, "client", "server", "proto", "packets", "bytes", "start", "end", "app")
	}
	for _, d := range list(top["dns"]) {
		wantKeys(t, "dns", d, "name", "answers")
	}
	for _, s := range list(top["strings"]) {
		wantKeys(t, "string", s, "frame", "text")
	}
	for _, s := range list(top["stratum"]) {
		wantKeys(t, "stratum", s, "client", "server", "dialect", "pool_host", "login", "agent", "algorithms", "steps", "messages")
		if _, ok := s["algorithms"].([]any); !ok {
			t.Errorf("stratum algorithms is %T, want an array", s["algorithms"])
		}
		// Scripts validate the enum: no empty dialect here, ever.
		if d := s["dialect"]; !slices.Contains([]any{"xmrig", "stratum-v1", "ethstratum", "eth-proxy"}, d) || s["tls"] == true {
			t.Errorf("stratum entry %v → %v: dialect %q tls %v, want one of the contract's names and no TLS", s["client"], s["server"], d, s["tls"])
		}
		for _, st := range list(s["steps"]) {
			wantKeys(t, "step", st, "step", "observed", "inferred", "count", "frame", "method", "accepted", "rejected")
			if st["observed"] == true {
				wantKeys(t, "observed step", st, "time") // absent steps have no time
			}
		}
		for _, m := range list(s["messages"]) {
			wantKeys(t, "message", m, "time", "frame", "from", "method", "id", "raw")
			if f := m["from"]; f != "client" && f != "server" {
				t.Errorf("message from %v", f)
			}
		}
	}
	for _, s := range list(top["stratum_tls"]) {
		wantKeys(t, "stratum_tls", s, "client", "server", "pool_host", "tls", "steps")
		if s["tls"] != true {
			t.Errorf("stratum_tls entry %v → %v: tls %v", s["client"], s["server"], s["tls"])
		}
	}
}

// checkSessionLists holds for every capture: Stratum has only plaintext
// sessions with a contract dialect; StratumTLS only TLS ones with no
// dialect and nothing observed; both always have the four steps.
func checkSessionLists(t *testing.T, r *capture.Result) {
	t.Helper()
	for _, s := range r.Stratum {
		if !slices.Contains([]stratum.Dialect{stratum.DialectXMRig, stratum.DialectStratumV1, stratum.DialectEthStratum, stratum.DialectEthProxy}, s.Dialect) || s.TLS {
			t.Errorf("Stratum %s → %s: dialect %q tls %v, want one of the four dialects, plaintext", s.Client, s.Server, s.Dialect, s.TLS)
		}
		if len(s.Steps) != 4 {
			t.Errorf("%s: %d steps, want always 4", s.Server, len(s.Steps))
		}
	}
	for _, s := range r.StratumTLS {
		if !s.TLS || s.Dialect != "" || len(s.Steps) != 4 {
			t.Errorf("StratumTLS %s → %s: tls %v dialect %q, %d steps; want TLS, no dialect, 4 steps", s.Client, s.Server, s.TLS, s.Dialect, len(s.Steps))
		}
		for _, st := range s.Steps {
			if st.Observed || st.Inferred || st.Count > 0 || st.Reason == "" {
				t.Errorf("TLS session %s→%s step %s: observed %v inferred %v count %d reason %q; want absent with the reason",
					s.Client, s.Server, st.Step, st.Observed, st.Inferred, st.Count, st.Reason)
			}
		}
	}
}

func list(v any) []map[string]any {
	var out []map[string]any
	a, _ := v.([]any)
	for _, e := range a {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func wantKeys(t *testing.T, what string, m map[string]any, keys ...string) {
	t.Helper()
	var missing []string
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%s object lacks contract keys %v", what, missing)
	}
}

// wantSessions checks the number of reconstructed (plaintext) Stratum
// sessions; Stratum over TLS is in r.StratumTLS (checkSessionLists).
func wantSessions(t *testing.T, r *capture.Result, n int) {
	t.Helper()
	var got []string
	for _, s := range r.Stratum {
		got = append(got, s.Client+"→"+s.Server+" "+string(s.Dialect))
	}
	if len(got) != n {
		sort.Strings(got)
		t.Errorf("%d plaintext Stratum sessions %v, want %d", len(got), got, n)
	}
}

// session finds the plaintext session with this server address.
func session(t *testing.T, r *capture.Result, server string) *stratum.Session {
	t.Helper()
	for i := range r.Stratum {
		if r.Stratum[i].Server == server {
			return &r.Stratum[i]
		}
	}
	t.Errorf("no Stratum session to %s", server)
	return nil
}

// tlsSession finds the Stratum-over-TLS entry with this server address.
func tlsSession(r *capture.Result, server string) *stratum.Session {
	for i := range r.StratumTLS {
		if r.StratumTLS[i].Server == server {
			return &r.StratumTLS[i]
		}
	}
	return nil
}

func hasSNI(r *capture.Result, sni, serverSuffix string) bool {
	for _, h := range r.TLS {
		if h.SNI == sni && strings.HasSuffix(h.Server, serverSuffix) {
			return true
		}
	}
	return false
}

// steps renders the step states: O observed, I inferred, - absent.
func steps(s *stratum.Session) string {
	var parts []string
	for _, st := range s.Steps {
		state := "-"
		if st.Observed {
			state = "O"
		} else if st.Inferred {
			state = "I"
		}
		parts = append(parts, string(st.Step)+":"+state)
	}
	return strings.Join(parts, " ")
}

func wantEq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}
