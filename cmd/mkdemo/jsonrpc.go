package main

import (
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// Scenario 3, the false positive: a developer's web3.py scripts query the
// blockchain team's own Geth node (10.20.50.9:8545) over HTTP JSON-RPC.
// A generic crypto signature fires on one session; there is no Stratum,
// the destination is internal, and the sessions are human-driven:
// irregular start times, request counts and sizes.

const (
	web3UA      = "web3.py/6.15.1/web3.providers.rpc.HTTPProvider"
	gethVersion = "Geth/v1.14.12-stable-293a300d/linux-amd64/go1.23.4"
)

// rpcCall is one request and the JSON result the node returns for it.
type rpcCall struct{ method, params, result string }

// calls draws the next benign call a dApp developer's script makes.
func (c *demoCase) call(block *int) rpcCall {
	addr := "0x" + c.r.hex(40)
	switch c.r.intn(7) {
	case 0:
		return rpcCall{"web3_clientVersion", "[]", fmt.Sprintf("%q", gethVersion)}
	case 1:
		return rpcCall{"eth_chainId", "[]", `"0xaa36a7"`}
	case 2:
		*block += c.r.between(0, 6)
		return rpcCall{"eth_blockNumber", "[]", fmt.Sprintf(`"0x%x"`, *block)}
	case 3:
		return rpcCall{"eth_getBalance", fmt.Sprintf(`["%s", "latest"]`, addr), fmt.Sprintf(`"0x%x"`, c.r.u64()>>12)}
	case 4:
		return rpcCall{"eth_gasPrice", "[]", fmt.Sprintf(`"0x%x"`, 1000000000+c.r.intn(900000000))}
	case 5:
		data := "0x70a08231000000000000000000000000" + addr[2:]
		return rpcCall{"eth_call", fmt.Sprintf(`[{"to": "0x%s", "data": "%s"}, "latest"]`, c.r.hex(40), data), `"0x` + c.r.hex(64) + `"`}
	}
	// eth_getLogs: the big, variable answers.
	var logs []string
	for i, n := 0, c.r.between(0, 24); i < n; i++ {
		logs = append(logs, fmt.Sprintf(`{"address":"0x%s","topics":["0x%s","0x%s"],"data":"0x%s","blockNumber":"0x%x","transactionHash":"0x%s","transactionIndex":"0x%x","blockHash":"0x%s","logIndex":"0x%x","removed":false}`,
			c.r.hex(40), c.r.hex(64), c.r.hex(64), c.r.hex(64), *block-c.r.intn(500), c.r.hex(64), c.r.intn(90), c.r.hex(64), c.r.intn(300)))
	}
	return rpcCall{"eth_getLogs", fmt.Sprintf(`[{"fromBlock": "0x%x", "toBlock": "latest"}]`, *block-500), "[" + strings.Join(logs, ",") + "]"}
}

// httpRPC sends one JSON-RPC call over HTTP on an open connection in
// web3.py's and Geth's byte forms, returning the time of the answer.
func httpRPC(k *tcpConn, t time.Time, id int, call rpcCall, server netip.AddrPort, rtt time.Duration) time.Time {
	body := fmt.Sprintf(`{"jsonrpc": "2.0", "method": "%s", "params": %s, "id": %d}`, call.method, call.params, id)
	req := fmt.Sprintf("POST / HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\nAccept-Encoding: gzip, deflate\r\nAccept: */*\r\n"+
		"Connection: keep-alive\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", server, web3UA, len(body), body)
	t = k.send(t, true, []byte(req), 0)
	answer := fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"result":%s}`+"\n", id, call.result)
	resp := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nVary: Origin\r\nDate: %s\r\nContent-Length: %d\r\n\r\n%s",
		t.UTC().Format("Mon, 02 Jan 2006 15:04:05 GMT"), len(answer), answer)
	return k.send(t.Add(rtt+time.Duration(len(answer)/40)*time.Microsecond), false, []byte(resp), rtt/2)
}

// triggerScript is how the session the signature fires on begins: a
// script connecting and checking a balance.
var triggerScript = []rpcCall{
	{"web3_clientVersion", "[]", `"` + gethVersion + `"`},
	{"eth_chainId", "[]", `"0xaa36a7"`},
	{"eth_blockNumber", "[]", `"0xa3f1d7"`},
	{"eth_getBalance", `["0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c", "latest"]`, `"0x1bc16d674ec80000"`},
}

// falsePositive writes the developer's sessions through the day.
func (c *demoCase) falsePositive() {
	node := netip.AddrPortFrom(ethNode, 8545)
	cp := &capture{}
	rtt := 400 * time.Microsecond
	block := 0xa3f1c2
	t := at(9, 12, 31, 88)
	fired := false
	for t.Before(at(16, 45, 0, 0)) {
		// The signature fires on the first session after 10:00; the
		// capture runs from just before it for a quarter of an hour.
		trigger := !fired && t.After(at(10, 0, 0, 0))
		if trigger {
			fired = true
			cp.from, cp.to = t.Add(-10*time.Second), t.Add(15*time.Minute)
		}
		client := netip.AddrPortFrom(devWS15, c.port(devWS15, false))
		s := c.newSession(t, client, node, "tcp", "json-rpc", "Users-to-Servers", `corp\a.osei`)
		k := newTCPConn(cp, c.r, client, node)
		end := k.handshake(t, rtt)
		calls := c.r.between(1, 14)
		if trigger {
			calls = len(triggerScript) + 3
		}
		for id := 0; id < calls; id++ {
			call := c.call(&block)
			if trigger && id < len(triggerScript) {
				call = triggerScript[id]
			}
			end = httpRPC(k, end.Add(c.r.dur(5*time.Millisecond, 9*time.Second)), id, call, node, rtt)
			if trigger && id == 3 {
				c.threat(s, end, "3", "spyware", "CoinMiner JSON-RPC Request Detection(86331)", "high", "cryptominer", "alert")
			}
		}
		end = k.close(end.Add(c.r.dur(10*time.Millisecond, 3*time.Second)), true, rtt)
		c.trafficFromConn(s, k, "allow", "tcp-fin")
		t = end.Add(c.r.dur(40*time.Second, 50*time.Minute))
	}
	c.files["jsonrpc-false-positive.pcap"] = pcapFile(cp.sorted())
}
