package stratum

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// Real messages. Sources: the XMRig 6.18.1 login and Miningcore reply are
// from xmrig/xmrig issue #3156 (pool debug log); the job/submit/keepalived
// texts from xmrig/xmrig-proxy doc/STRATUM.md; Stratum v1 from the slush
// protocol manual; EthereumStratum from nicehash/Specifications; eth-proxy
// from sammy007/open-ethereum-pool docs/STRATUM.md and the nDPI/peafowl
// captures in testdata/captures; xmr-stak, EWBF and bfgminer lines are copied
// from those captures.
const (
	xmrigLogin       = `{"id":1,"jsonrpc":"2.0","method":"login","params":{"login":"48W8eVd8EikDRWMgg7qePZgyrCu5hBhobNGkgor38vjxDC21ed7DuUQcDjwJurFWQeA722XTnfhv76Cpr4ECqHaFRoi7A9Q","pass":"ganymede","agent":"XMRig/6.18.1 (Linux x86_64) libuv/1.44.1 gcc/5.4.0","algo":["rx/0","cn/1","cn/2","cn/r","cn/fast","cn/half","cn/xao","cn/rto","cn/rwz","cn/zls","cn/double","cn/ccx","cn-lite/0","cn-lite/1","cn-heavy/0","cn-heavy/tube","cn-heavy/xhv","cn-pico","cn-pico/tlo","cn/upx2","cn/0","rx/wow","rx/arq","rx/graft","rx/sfx","rx/keva","argon2/chukwa","argon2/chukwav2","argon2/ninja","ghostrider"]}}`
	xmrigLoginResult = `{"result":{"id":"0HMLVHPDTJJ8B","job":{"job_id":"1","blob":"1010c3809c9b06fe2b6cbe95e529ec14c449f0c488b134c5e3a94ce4aa28b41fdb43b88a6756f60000000020523fc271efde5a7f402c6c823e90a20149a1da25a432daa528afdb4b48e56a36","target":"00000000","seed_hash":"758c3c212274e654f41abe93a7909eb0b48fddbc2a0af8f5d620c02477d581bb","algo":"rx/0","height":2749492},"status":"OK"},"id":1}`
	xmrigJob         = `{ "jsonrpc": "2.0", "method": "job", "params": { "blob": "0707d5efb9d6057e95a35f868231780b3a8649c4e57f3c77eaf437329243eef0b9f4b6987d05b900000000cae7754cb85a0ad8eebf3e0bf55f3ec5e754a1d6b05d46e5c358f907dbcbb72b01", "job_id": "4BiGm3/RgGQzgkTI/xV0smdA+EGZ", "target": "b88d0600", "id": "1be0b7b6-b15a-47be-a17d-46b2911cf7d0" } }`
	xmrigSubmit2     = `{ "id": 2, "jsonrpc": "2.0", "method": "submit", "params": { "id": "1be0b7b6-b15a-47be-a17d-46b2911cf7d0", "job_id": "4BiGm3/RgGQzgkTI/xV0smdA+EGZ", "nonce": "d0030040", "result": "e1364b8782719d7683e2ccd3d8f724bc59dfa780a9e960e7c0e0046acdb40100" } }`
	xmrigSubmit3     = `{ "id": 3, "jsonrpc": "2.0", "method": "submit", "params": { "id": "1be0b7b6-b15a-47be-a17d-46b2911cf7d0", "job_id": "4BiGm3/RgGQzgkTI/xV0smdA+EGZ", "nonce": "d0030041", "result": "e1364b8782719d7683e2ccd3d8f724bc59dfa780a9e960e7c0e0046acdb40200" } }`
	xmrigAccepted2   = `{ "id": 2, "jsonrpc": "2.0", "error": null, "result": { "status": "OK" } }`
	xmrigRejected3   = `{ "id": 3, "jsonrpc": "2.0", "error": { "code": -1, "message": "Low difficulty share" } }`
	xmrigKeepalived  = `{"id":4,"jsonrpc":"2.0","method":"keepalived","params":{"id":"1be0b7b6-b15a-47be-a17d-46b2911cf7d0"}}`
	xmrigKeepReply   = `{ "id": 4, "jsonrpc": "2.0", "error": null, "result": { "status": "KEEPALIVED" } }`
)

func TestXMRigSession(t *testing.T) {
	script := []msg{c(xmrigLogin), s(xmrigLoginResult), s(xmrigJob), c(xmrigSubmit2), s(xmrigAccepted2),
		c(xmrigSubmit3), s(xmrigRejected3), c(xmrigKeepalived), s(xmrigKeepReply)}
	everyChunking(t, script, func(t *testing.T, s *Session) {
		if s == nil {
			t.Fatal("no session")
		}
		wantEq(t, "dialect", s.Dialect, DialectXMRig)
		wantEq(t, "login", s.Login, "48W8eVd8EikDRWMgg7qePZgyrCu5hBhobNGkgor38vjxDC21ed7DuUQcDjwJurFWQeA722XTnfhv76Cpr4ECqHaFRoi7A9Q")
		wantEq(t, "password", s.Password, "ganymede")
		wantEq(t, "agent", s.Agent, "XMRig/6.18.1 (Linux x86_64) libuv/1.44.1 gcc/5.4.0")
		wantEq(t, "algorithms", len(s.Algorithms), 30)
		wantEq(t, "first algorithm", s.Algorithms[0], "rx/0")
		wantEq(t, "steps", stepStates(s), "login:O job:O submit:O result:O")
		wantEq(t, "job count (login result + push)", s.Steps[1].Count, 2)
		wantEq(t, "job shown by", s.Steps[1].Method, "login")
		wantEq(t, "submits", s.Steps[2].Count, 2)
		wantEq(t, "accepted", s.Accepted, 1)
		wantEq(t, "rejected", s.Rejected, 1)
		wantEq(t, "result step accepted", s.Steps[3].Accepted, 1)
		wantEq(t, "result step rejected", s.Steps[3].Rejected, 1)
		wantEq(t, "reject errors", strings.Join(s.RejectErrors, "|"), "Low difficulty share")
		wantEq(t, "keepalives", s.Keepalives, 1)
		wantEq(t, "job ids", strings.Join(s.JobIDs, ","), "1,4BiGm3/RgGQzgkTI/xV0smdA+EGZ")
		wantEq(t, "seed hash", s.SeedHash, "758c3c212274e654f41abe93a7909eb0b48fddbc2a0af8f5d620c02477d581bb")
		wantEq(t, "height", s.Height, int64(2749492))
		wantEq(t, "target (last)", s.Target, "b88d0600")
		if math.Abs(s.Difficulty-10000) > 1 { // 2^32 / 0x00068db8
			t.Errorf("difficulty = %v, want ≈10000", s.Difficulty)
		}
		wantEq(t, "messages", s.MessagesTotal, 9)
		wantEq(t, "kept", len(s.Messages), 9)
		wantEq(t, "reply matched", s.Messages[6].InReplyTo, "submit")
		wantEq(t, "id kept as sent", string(s.Messages[6].ID), "3")
	})
}

func TestXMRigStepFramesAndTimes(t *testing.T) {
	script := []msg{c(xmrigLogin), s(xmrigLoginResult), s(xmrigJob), c(xmrigSubmit2), s(xmrigAccepted2)}
	// The submit arrives in two segments (frames 4 and 5): it belongs to the
	// frame of its last byte.
	tr := NewTracker("a:1", "b:2")
	tr.Feed(FromClient, ts(1), 1, []byte(script[0].text))
	tr.Feed(FromServer, ts(2), 2, []byte(script[1].text))
	tr.Feed(FromServer, ts(3), 3, []byte(script[2].text))
	tr.Feed(FromClient, ts(4), 4, []byte(script[3].text[:50]))
	tr.Feed(FromClient, ts(5), 5, []byte(script[3].text[50:]))
	tr.Feed(FromServer, ts(6), 6, []byte(script[4].text))
	s := tr.Session()
	for i, want := range []int{1, 2, 5, 6} {
		wantEq(t, string(s.Steps[i].Step)+" frame", s.Steps[i].Frame, want)
	}
	wantEq(t, "submit time", s.Steps[2].Time, ts(5))
	wantEq(t, "submit message frame", s.Messages[3].Frame, 5)
	wantEq(t, "from", s.Messages[3].From, "client")
	wantEq(t, "server message from", s.Messages[2].From, "server")
}

// xmr-stak and coinhive-style logins carry no jsonrpc member, and
// xmr-stak reuses id 1 for every request.
func TestXMRStakReusedIDsAndCoinhivePipelinedLogins(t *testing.T) {
	stak := []msg{
		c(`{"method":"login","params":{"login":"4BCeEPhodgPMbPWFN1dPwhWXdRX8q4mhhdZdA1dtSMLTLCEYvAj9QXjXAfF7CugEbmfBhgkqHbdgK9b2wKA6nqRZQCgvCDm.ryzen","pass":"x","agent":"xmr-stak-cpu/1.3.0-1.5.0"},"id":1}`),
		s(`{"id":1,"jsonrpc":"2.0","error":null,"result":{"id":"479059546883218","job":{"blob":"0606e89883d205a65d8ee78991838a1cf3ec2ebbc5fb1fa43dec5fa1cd2bee40","job_id":"722134174127131","target":"dc460300"},"status":"OK"}}`),
		c(`{"method":"submit","params":{"id":"479059546883218","job_id":"722134174127131","nonce":"98024001","result":"c9be9381a68d533c059d614d961e0534d7d8785dd5c339c2f9596eb95f320100"},"id":1}`),
		c(`{"method":"submit","params":{"id":"479059546883218","job_id":"722134174127131","nonce":"b1038001","result":"f84596a48e57683f6b5608cc5d34f4ea1f64dbfa2ba397b9142626b9d9b90100"},"id":1}`),
		s(`{"id":1,"jsonrpc":"2.0","error":null,"result":{"status":"OK"}}`),
		s(`{"id":1,"jsonrpc":"2.0","error":null,"result":{"status":"OK"}}`),
	}
	everyChunking(t, stak, func(t *testing.T, s *Session) {
		wantEq(t, "dialect", s.Dialect, DialectXMRig)
		wantEq(t, "agent", s.Agent, "xmr-stak-cpu/1.3.0-1.5.0")
		wantEq(t, "steps", stepStates(s), "login:O job:O submit:O result:O")
		wantEq(t, "submits", s.Steps[2].Count, 2)
		wantEq(t, "accepted", s.Accepted, 2)
		if math.Abs(s.Difficulty-20000) > 1 { // dc460300 → 0x000346dc → 2^32/214748
			t.Errorf("difficulty = %v, want ≈20000", s.Difficulty)
		}
	})
	coinhive := []msg{
		c(`{"id":1,"method":"login","params":{"login":"46WNbmwXpYxiBpkbHjAgjC65cyzAxtaaBQjcGpAZquhBKw2r8NtPQniEgMJcwFMCZzSBrEJtmPsBR5ZbCnGmXU7ZJW1XmgM","pass":"donations"}}`),
		c(`{"id":2,"method":"login","params":{"login":"46WNbmwXpYxiBpkbHjAgjC65cyzAxtaaBQjcGpAZquhBKw2r8NtPQniEgMJcwFMCZzSBrEJtmPsBR5ZbCnGmXU7ZJW1XmgM","pass":"donations"}}`),
		s(`{"id":1,"jsonrpc":"2.0","error":null,"result":{"id":"a1b2","job":{"blob":"0707e2","job_id":"3e3c1c5c-7c57-4c31-8b5a-4f6a0e1d2c3b","target":"711b0d00"},"status":"OK"}}`),
		s(`{"id":2,"jsonrpc":"2.0","error":null,"result":{"id":"a1b3","job":{"blob":"0707e3","job_id":"5f1d0a77-2a9e-4a58-a1c3-9a2b7f3e4d5c","target":"711b0d00"},"status":"OK"}}`),
	}
	everyChunking(t, coinhive, func(t *testing.T, s *Session) {
		wantEq(t, "dialect", s.Dialect, DialectXMRig)
		wantEq(t, "password", s.Password, "donations")
		wantEq(t, "agent", s.Agent, "")
		wantEq(t, "steps", stepStates(s), "login:O job:O submit:- result:-")
		wantEq(t, "logins", s.Steps[0].Count, 2)
		wantEq(t, "jobs", s.Steps[1].Count, 2)
		wantEq(t, "second reply matched", s.Messages[3].InReplyTo, "login")
	})
}

func TestStratumV1Slush(t *testing.T) {
	script := []msg{
		c(`{"id": 1, "method": "mining.subscribe", "params": []}`),
		s(`{"id": 1, "result": [[["mining.set_difficulty","b4b6693b72a50c7116db18d6497cac52"],["mining.notify","ae6812eb4cd7735a302a8a9dd95cf71f"]],"08000002",4],"error": null}`),
		c(`{"params": ["slush.miner1","password"],"id": 2,"method": "mining.authorize"}`),
		s(`{"error": null,"id": 2,"result": true}`),
		s(`{"id": null,"method": "mining.set_difficulty","params": [16384]}`),
		s(`{"params": ["0","4d16b6f85af6e2198f44ae2a6de67f78487ae5611b77c6c0440b921e00000000","01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff20020862062f503253482f04b8864e5008","072f736c7573682f000000000100f2052a010000001976a914d23fcdf86f7e756a64a7a9688ef9903327048ed988ac00000000",[],"00000002","1c2ac4af","504e86b9",false],"id": null,"method": "mining.notify"}`),
		c(`{"params": ["slush.miner1","0","00000001","504e86ed","b2957c02"],"id": 4,"method": "mining.submit"}`),
		s(`{"error": null,"id": 4,"result": true}`),
		s(`{"id":null,"method":"client.reconnect","params":["stratum.slushpool.com",3333,0]}`),
	}
	everyChunking(t, script, func(t *testing.T, s *Session) {
		wantEq(t, "dialect", s.Dialect, DialectStratumV1)
		wantEq(t, "login", s.Login, "slush.miner1")
		wantEq(t, "password", s.Password, "password")
		wantEq(t, "steps", stepStates(s), "login:O job:O submit:O result:O")
		wantEq(t, "login shown by", s.Steps[0].Method, "mining.subscribe")
		wantEq(t, "login count (subscribe+authorize)", s.Steps[0].Count, 2)
		wantEq(t, "difficulty", s.Difficulty, 16384.0)
		wantEq(t, "job ids", strings.Join(s.JobIDs, ","), "0")
		wantEq(t, "accepted", s.Accepted, 1)
		wantEq(t, "reconnects", strings.Join(s.Reconnects, ","), "stratum.slushpool.com:3333")
	})
}

// The Zcash EWBF session from the nDPI capture: host in subscribe params, a
// 64-hex set_target, ~2.9 KB submits split across segments, a stale share.
func TestStratumV1ZcashEWBF(t *testing.T) {
	solution := "fd4005" + strings.Repeat("3e2700000000000000000000000000abc90d064c7b7007d993c1b282d9d69c23", 42)
	submit := func(id string) string {
		return `{"id":` + id + `,"method":"mining.submit","params":["t1fAhZF5aUJdY7CikGULHmeYk7id8qmvbAd.rig4","8c6f2d4c6d2c7014fb26","a9cc405a","3e27000000000000000000000000000000000000000000000000","` + solution + `"]}`
	}
	script := []msg{
		c(`{"id":1,"method":"mining.subscribe","params":["EWBF 0.3.4b",null,"eu1-zcash.flypool.org","3333"]}`),
		s(`{"id":1,"result":["04d567b212", "04d567b212"], "error": null}`),
		c(`{"id":2,"method":"mining.authorize","params":["t1fAhZF5aUJdY7CikGULHmeYk7id8qmvbAd.rig4","x"]}`),
		s(`{"id":2,"result":true, "error": null}`),
		s(`{"id":null,"method":"mining.set_target","params":["0004189374bc6a7ef9db22d0e5604189374bc6a7ef9db22d0e5604189374bc6a"]}`),
		c(`{"id":3,"method":"mining.extranonce.subscribe","params":[]}`),
		s(`{"id":null,"method":"mining.notify","params":["8c6f2d4c6d2c7014fb26","04000000","9e2fc768bd1977528c8d6096d46376758179e25bf3293428b65f120100000000","35a2","0000000000000000000000000000000000000000000000000000000000000000","a9cc405a","09d8151c",true]}`),
		c(submit("100")),
		s(`{"id":100,"result":true,"error":null}`),
		c(submit("113")),
		s(`{"id":113,"result": null,"error": [21, "Stale job!"]}`),
	}
	if n := len(script[7].text); n < 2800 {
		t.Fatalf("test submit is %d bytes; it should be Equihash-sized (~2.9 KB)", n)
	}
	everyChunking(t, script, func(t *testing.T, s *Session) {
		wantEq(t, "dialect", s.Dialect, DialectStratumV1)
		wantEq(t, "agent", s.Agent, "EWBF 0.3.4b")
		wantEq(t, "pool host", s.PoolHost, "eu1-zcash.flypool.org")
		wantEq(t, "login", s.Login, "t1fAhZF5aUJdY7CikGULHmeYk7id8qmvbAd.rig4")
		wantEq(t, "steps", stepStates(s), "login:O job:O submit:O result:O")
		wantEq(t, "accepted", s.Accepted, 1)
		wantEq(t, "rejected", s.Rejected, 1)
		wantEq(t, "reject errors", strings.Join(s.RejectErrors, "|"), "Stale job!")
		wantEq(t, "result reason", s.Steps[3].Reason, "Stale job!")
		wantEq(t, "extensions", strings.Join(s.Extensions, ","), "extranonce.subscribe")
		wantEq(t, "target", s.Target, "0004189374bc6a7ef9db22d0e5604189374bc6a7ef9db22d0e5604189374bc6a")
		if math.Abs(s.Difficulty-16000) > 1 { // 2^256 / 0x0004189374bc… = 16000
			t.Errorf("difficulty = %v, want ≈16000", s.Difficulty)
		}
		if !strings.HasSuffix(s.Messages[7].Raw, `"]}`) || s.Messages[7].Truncated {
			t.Errorf("the 2.9 KB submit should be kept whole, got %d bytes", len(s.Messages[7].Raw))
		}
	})
}

func TestEthereumStratumNiceHash(t *testing.T) {
	script := []msg{
		c(`{ "id": 1, "method": "mining.subscribe", "params": [ "EthereumMiner/1.0.0", "EthereumStratum/1.0.0" ] }`),
		s(`{ "id": 1, "result": [ [ "mining.notify", "ae6812eb4cd7735a302a8a9dd95cf71f", "EthereumStratum/1.0.0" ], "a2eea0" ], "error": null }`),
		c(`{ "id": 2, "method": "mining.authorize", "params": [ "test", "password" ] }`),
		s(`{ "id": 2, "result": true, "error": null }`),
		s(`{ "id": null, "method": "mining.set_difficulty", "params": [ 1.0 ] }`),
		s(`{ "id": null, "method": "mining.notify", "params": [ "bf0488aa", "abad8f99f3918bf903c6a909d9bbc0fdfa5a2f4b9cb1196175ec825c6610126c", "fc12eb20c58158071c956316cdcd12a22dd8bf126ac4aee559f0ffe4df11f279", true ] }`),
		c(`{ "id": 3, "method": "mining.submit", "params": [ "test", "bf0488aa", "cfae7df760" ] }`),
		s(`{ "id": 3, "result": true, "error": null }`),
	}
	everyChunking(t, script, func(t *testing.T, s *Session) {
		wantEq(t, "dialect", s.Dialect, DialectEthStratum)
		wantEq(t, "agent", s.Agent, "EthereumMiner/1.0.0")
		wantEq(t, "login", s.Login, "test")
		wantEq(t, "steps", stepStates(s), "login:O job:O submit:O result:O")
		wantEq(t, "seed hash", s.SeedHash, "abad8f99f3918bf903c6a909d9bbc0fdfa5a2f4b9cb1196175ec825c6610126c")
		wantEq(t, "difficulty", s.Difficulty, 1.0)
		wantEq(t, "accepted", s.Accepted, 1)
	})
	// PhoenixMiner: the marker only in the pool's answer still refines the dialect.
	phoenix := []msg{
		c(`{"id":1,"method":"mining.subscribe","params":["PhoenixMiner/4.7c"]}`),
		s(`{"id":1,"error":null,"result":[["mining.notify","93b163f677519c2f6a6af427252e5c0a","EthereumStratum/1.0.0"],"24bf84"]}`),
	}
	everyChunking(t, phoenix, func(t *testing.T, s *Session) {
		wantEq(t, "dialect", s.Dialect, DialectEthStratum)
		wantEq(t, "agent", s.Agent, "PhoenixMiner/4.7c")
	})
}

func TestEthProxy(t *testing.T) {
	script := []msg{
		c(`{"worker": "eth1.0", "jsonrpc": "2.0", "params": ["0x0fccfff9e61a230ff380530c6827caf4759337c6.rig2", "x"], "id": 2, "method": "eth_submitLogin"}`),
		s(`{"id":2,"jsonrpc":"2.0","result":true}`),
		c(`{"worker": "", "jsonrpc": "2.0", "params": [], "id": 3, "method": "eth_getWork"}`),
		s(`{"id":3,"jsonrpc":"2.0","result":["0x22b597d7bf24ef9a605a5d4fb6f7e155b7d0ce28ba6a9aa9eda6b74b34685d71","0x88615dc9f6fe84975a471ca044adecdfde8c8fcdde97d2a3416254d590c52d0c","0x0112e0be826d694b2e62d01511f12a6061fbaec8bc02357593e70e52ba","0x492609"]}`),
		// unsolicited work push with id 0
		s(`{"jsonrpc":"2.0","id":0,"result":["0x415559c31768833f25b6dbfbb39be72e71375e14a3a711e589696850bc9431ec","0x71a56feffb6f10ea9d76e1a9464eb0abd86e4349ae98fb794923a65b650282a3","0x00000000dbe6fecebdedd5beb573440e5a884d1b2fbf06fcce912adcb8d8422e"]}`),
		c(`{"id":6,"jsonrpc":"2.0","method":"eth_submitHashrate","params":["0x375198a", "0x0000000000000000000000000000000000000000000000000000000016526810"]}`),
		s(`{"id":6,"jsonrpc":"2.0","result":true}`),
		c(`{"id":4,"method":"eth_submitWork","params":["0x07a05fa4133e5126","0x41f3161ce643ebcf25d34dde1ac0d3e695edcbf136eed96680bac4cf1a82e417","0x44e9206e9c830706f60e0129bdd117a2718d6553f3405b477541994df3583d4b"]}`),
		s(`{"jsonrpc":"2.0","id":4,"result":true}`),
		c(`{ "id": 5, "jsonrpc": "2.0", "method": "eth_submitWork", "params": [ "0xe05d1fd4002d962f", "0x6c872e2304cd1e64b553a65387d7383470f22331aff288cbce5748dc430f016a", "0x2b20a6c641ed155b893ee750ef90ec3be5d24736d16838b84759385b6724220d" ] }`),
		s(`{"jsonrpc":"2.0","id":5,"result":false}`),
	}
	everyChunking(t, script, func(t *testing.T, s *Session) {
		wantEq(t, "dialect", s.Dialect, DialectEthProxy)
		wantEq(t, "login", s.Login, "0x0fccfff9e61a230ff380530c6827caf4759337c6.rig2")
		wantEq(t, "worker", s.Worker, "eth1.0")
		wantEq(t, "steps", stepStates(s), "login:O job:O submit:O result:O")
		wantEq(t, "jobs (answer + push)", s.Steps[1].Count, 2)
		wantEq(t, "job ids", len(s.JobIDs), 2)
		wantEq(t, "submits", s.Steps[2].Count, 2)
		wantEq(t, "accepted", s.Accepted, 1)
		wantEq(t, "rejected", s.Rejected, 1)
		wantEq(t, "seed hash", s.SeedHash, "0x71a56feffb6f10ea9d76e1a9464eb0abd86e4349ae98fb794923a65b650282a3")
		if math.Abs(s.Difficulty/4.99e9-1) > 0.01 { // 2^256 / 0x00000000dbe6fece…
			t.Errorf("difficulty = %v, want ≈4.99e9", s.Difficulty)
		}
	})
}

// A capture that starts mid-session: the pool's job proves a login; a
// submit proves a job.
func TestMidStreamInference(t *testing.T) {
	bitminter := []msg{
		s(`{"method":"mining.notify","params":["26eb-2","fbba9401ee005faba18d7bcd8444d9a2a3ec320d002ac0380000000000000000","01000000010000","ffffffff",[],"20000000","172f4f7b","5b6464ba",false],"id":1}`),
		c(`{"params": ["26eb-2"], "id": "txlist26eb-2", "method": "mining.get_transactions"}`),
		s(`{"result":null,"error":[20,"Unknown method 'mining.get_transactions'",null],"id":"txlist26eb-2"}`),
	}
	everyChunking(t, bitminter, func(t *testing.T, s *Session) {
		wantEq(t, "dialect", s.Dialect, DialectStratumV1)
		wantEq(t, "steps", stepStates(s), "login:I job:O submit:- result:-")
		if !strings.Contains(s.Steps[0].Reason, "before the capture began") {
			t.Errorf("inferred login reason %q", s.Steps[0].Reason)
		}
		wantEq(t, "string id matched", s.Messages[2].InReplyTo, "mining.get_transactions")
		wantEq(t, "string id kept", string(s.Messages[1].ID), `"txlist26eb-2"`)
		wantEq(t, "not a share result", s.Rejected, 0)
	})
	// The capture begins after a submit went out: its answer alone proves
	// the submit (and so the job and the login).
	late := []msg{s(xmrigJob), s(xmrigAccepted2)}
	everyChunking(t, late, func(t *testing.T, s *Session) {
		wantEq(t, "steps", stepStates(s), "login:I job:O submit:I result:O")
		wantEq(t, "accepted", s.Accepted, 1)
		if !strings.Contains(s.Steps[2].Reason, "answered a share") {
			t.Errorf("inferred submit reason %q", s.Steps[2].Reason)
		}
	})
	// A bare status OK means nothing before the session is known to be XMRig.
	if play([]msg{s(xmrigAccepted2)}, "per-message").Session() != nil {
		t.Error(`a lone {"status":"OK"} is not Stratum`)
	}
	xmr := []msg{c(xmrigSubmit2), s(xmrigAccepted2)}
	everyChunking(t, xmr, func(t *testing.T, s *Session) {
		wantEq(t, "steps", stepStates(s), "login:I job:I submit:O result:O")
		wantEq(t, "accepted", s.Accepted, 1)
	})
}

func TestLoginRefusedKeepsPoolMessage(t *testing.T) {
	script := []msg{
		c(`{ "id": 1, "jsonrpc": "2.0", "method": "login", "params": { "login": "48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUicoD", "pass": "x", "agent": "XMRig/2.6.0-beta2 (Linux x86_64) libuv/1.8.0 gcc/5.4.0" } }`),
		s(`{ "id": 1, "jsonrpc": "2.0", "error": { "code": -1, "message": "Invalid payment address provided" } }`),
	}
	everyChunking(t, script, func(t *testing.T, s *Session) {
		wantEq(t, "steps", stepStates(s), "login:O job:- submit:- result:-")
		wantEq(t, "login reason", s.Steps[0].Reason, "Invalid payment address provided")
		wantEq(t, "not a share", s.Rejected, 0)
	})
}

// A response travels the other way: a client echoing an id is no answer.
func TestResponsesMatchOnlyFromTheOtherSide(t *testing.T) {
	tr := play([]msg{c(xmrigSubmit2), c(`{"id":2,"result":true,"error":null}`)}, "per-message")
	s := tr.Session()
	wantEq(t, "results", s.Steps[3].Count, 0)
	wantEq(t, "steps", stepStates(s), "login:I job:I submit:O result:-")
}

func TestExtensionsAndRigID(t *testing.T) {
	script := []msg{
		c(`{"id":1,"jsonrpc":"2.0","method":"login","params":{"login":"4Awallet","pass":"x","agent":"XMRig/6.26.0 (Linux x86_64) libuv/1.48.0 gcc/13.2.0","rigid":"rig-7","algo":["rx/0"]}}`),
		s(`{"id":1,"jsonrpc":"2.0","error":null,"result":{"id":"ab","job":{"blob":"10","job_id":"j1","target":"cf8b0000","algo":"rx/0","height":3100000,"seed_hash":"aa"},"extensions":["algo","nicehash","connect","keepalive"],"status":"OK"}}`),
		c(`{"id":2,"jsonrpc":"2.0","method":"getjob","params":{"id":"ab"}}`),
		s(`{"id":2,"jsonrpc":"2.0","error":null,"result":{"blob":"11","job_id":"j2","target":"cf8b0000","algo":"rx/0"}}`),
	}
	everyChunking(t, script, func(t *testing.T, s *Session) {
		wantEq(t, "worker (rigid)", s.Worker, "rig-7")
		wantEq(t, "extensions", strings.Join(s.Extensions, ","), "algo,nicehash,connect,keepalive")
		wantEq(t, "algorithms", strings.Join(s.Algorithms, ","), "rx/0")
		wantEq(t, "jobs", s.Steps[1].Count, 2)
		if !slices.Equal(s.JobIDs, []string{"j1", "j2"}) {
			t.Errorf("job ids %q", s.JobIDs)
		}
		if math.Abs(s.Difficulty-120000) > 5 { // 2^32 / 0x00008bcf
			t.Errorf("difficulty = %v, want ≈120000", s.Difficulty)
		}
	})
}

func TestDifficulty(t *testing.T) {
	cases := []struct {
		target string
		want   float64
	}{
		{"dc460300", 20000.03},              // xmr-stak capture
		{"b88d0600", 10000},                 // xmrig-proxy doc
		{"00000000", 0},                     // Miningcore sends zero: undefined
		{"ffffffffffff0000", 65536},         // 16-hex LE: 2^64 / 0x0000ffffffffffff
		{"not-hex!", 0},                     //
		{"0x" + strings.Repeat("f", 64), 1}, // easiest possible target
	}
	for _, c := range cases {
		if got := Difficulty(c.target); math.Abs(got-c.want) > 0.02*math.Max(1, c.want)/100 {
			t.Errorf("Difficulty(%q) = %v, want %v", c.target, got, c.want)
		}
	}
}

// A pool's JSON parser unescapes member names, so the detector must too.
func TestEscapedMemberNamesAreRead(t *testing.T) {
	tr := play([]msg{c(`{"id":1,"\u006dethod":"mining.\u0073ubscribe","params":["cpuminer/2.5.1"]}`)}, "per-message")
	s := tr.Session()
	if s == nil {
		t.Fatal("escaped method name was not read")
	}
	wantEq(t, "agent", s.Agent, "cpuminer/2.5.1")
}
