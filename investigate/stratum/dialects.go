package stratum

import (
	"encoding/json"
	"net"
	"strconv"
	"strings"
)

// request handles a message that carries a method: a request or a
// notification. Only mining-specific shapes set the dialect; generic names
// ("login", "submit", "job") count only with the parameters XMRig-family
// pools use, so a benign API with a "login" method is not Stratum.
func (t *Tracker) request(method string, m *rpc) {
	if w := str(m.Worker); w != "" && t.s.Worker == "" {
		t.s.Worker = w
	}
	switch {
	case strings.HasPrefix(method, "mining."):
		t.stratumRequest(method, m)
	case strings.HasPrefix(method, "eth_"):
		t.ethRequest(method, m)
	case method == "client.reconnect":
		a := array(m.Params)
		if len(a) >= 2 {
			host, port := str(a[0]), str(a[1])
			if port == "" {
				if n, ok := number(a[1]); ok {
					port = strconv.FormatFloat(n, 'f', -1, 64)
				}
			}
			addUnique(&t.s.Reconnects, net.JoinHostPort(host, port))
		}
	default:
		t.xmrigRequest(method, m)
	}
}

// xmrigRequest handles the XMRig / CryptoNote methods.
func (t *Tracker) xmrigRequest(method string, m *rpc) {
	p := object(m.Params)
	switch method {
	case "login":
		if p == nil || str(p["login"]) == "" || (p["pass"] == nil && p["agent"] == nil && p["algo"] == nil) {
			return
		}
		t.dialect(DialectXMRig)
		t.observe(iLogin, method)
		t.setOnce(&t.s.Login, str(p["login"]))
		t.setOnce(&t.s.Password, str(p["pass"]))
		t.setOnce(&t.s.Agent, str(p["agent"]))
		t.setOnce(&t.s.Worker, str(p["rigid"]))
		for _, a := range stringList(p["algo"]) {
			addUnique(&t.s.Algorithms, a)
		}
	case "job":
		if p == nil || p["blob"] == nil {
			return
		}
		t.dialect(DialectXMRig)
		t.observe(iJob, method)
		t.xmrigJob(p)
	case "submit":
		if p == nil || p["job_id"] == nil || p["nonce"] == nil {
			return
		}
		t.dialect(DialectXMRig)
		t.observe(iSubmit, method)
		addUnique(&t.s.Algorithms, str(p["algo"]))
	case "keepalived":
		t.dialect(DialectXMRig)
		t.s.Keepalives++
	case "getjob":
		t.dialect(DialectXMRig)
	}
}

// xmrigJob extracts a CryptoNote job (pushed, or embedded in a login result).
func (t *Tracker) xmrigJob(p map[string]json.RawMessage) {
	addUnique(&t.s.JobIDs, str(p["job_id"]))
	addUnique(&t.s.Algorithms, str(p["algo"]))
	if target := str(p["target"]); target != "" {
		t.s.Target = target
		t.s.Difficulty = Difficulty(target)
	}
	if seed := str(p["seed_hash"]); seed != "" {
		t.s.SeedHash = seed
	}
	if h, ok := number(p["height"]); ok && h > 0 {
		t.s.Height = int64(h)
	}
}

// stratumRequest handles Bitcoin Stratum v1 and EthereumStratum/1.0.0.
func (t *Tracker) stratumRequest(method string, m *rpc) {
	t.dialect(DialectStratumV1)
	a := array(m.Params)
	arg := func(i int) string {
		if i < len(a) {
			return str(a[i])
		}
		return ""
	}
	switch method {
	case "mining.subscribe":
		t.observe(iLogin, method)
		t.setOnce(&t.s.Agent, arg(0))
		if strings.HasPrefix(arg(1), "EthereumStratum/") {
			t.dialect(DialectEthStratum)
		}
		// GMiner / EWBF send [agent, session, host, port].
		if host := arg(2); looksLikeHost(host) && t.s.PoolHost == "" {
			t.s.PoolHost = host
		}
	case "mining.authorize":
		t.observe(iLogin, method)
		t.setOnce(&t.s.Login, arg(0))
		t.setOnce(&t.s.Password, arg(1))
	case "mining.notify":
		t.observe(iJob, method)
		addUnique(&t.s.JobIDs, arg(0))
		if t.s.Dialect == DialectEthStratum && isHex(arg(1), 64) {
			t.s.SeedHash = arg(1)
		}
	case "mining.submit":
		t.observe(iSubmit, method)
		t.setOnce(&t.s.Login, arg(0)) // mid-stream: the worker name is all we get
	case "mining.set_difficulty":
		if len(a) > 0 {
			if d, ok := number(a[0]); ok {
				t.s.Difficulty = d
			}
		}
	case "mining.set_target":
		if target := arg(0); target != "" {
			t.s.Target = target
			t.s.Difficulty = Difficulty(target)
		}
	case "mining.extranonce.subscribe":
		addUnique(&t.s.Extensions, "extranonce.subscribe")
	case "mining.configure":
		for _, e := range stringList(firstOf(a)) {
			addUnique(&t.s.Extensions, e)
		}
	}
}

// ethRequest handles eth-proxy (Claymore / open-ethereum-pool) methods.
// eth_getWork alone is not mining evidence: Ethereum nodes serve it to
// dashboards too. Its answer is, when it is a work package (see response).
func (t *Tracker) ethRequest(method string, m *rpc) {
	a := array(m.Params)
	switch method {
	case "eth_submitLogin":
		t.dialect(DialectEthProxy)
		t.observe(iLogin, method)
		if len(a) > 0 {
			t.setOnce(&t.s.Login, str(a[0]))
		}
		if len(a) > 1 {
			t.setOnce(&t.s.Password, str(a[1]))
		}
	case "eth_submitWork":
		t.dialect(DialectEthProxy)
		t.observe(iSubmit, method)
	case "eth_submitHashrate":
		t.dialect(DialectEthProxy)
	}
}

// response handles a result or error; req is the method of the matching
// request ("" when the request was not seen or the pool pushed it unasked).
func (t *Tracker) response(req string, m *rpc) {
	errText := errorText(m.Error)
	switch req {
	case "submit", "mining.submit", "eth_submitWork":
		t.shareResult(req, errText == "" && accepted(m.Result), errText)
		return
	case "login", "mining.authorize", "eth_submitLogin":
		if errText != "" || string(m.Result) == "false" {
			if errText == "" {
				errText = "the pool refused the login"
			}
			t.steps[iLogin].reason = errText
		}
	case "mining.subscribe":
		if strings.Contains(string(m.Result), `"EthereumStratum/`) {
			t.dialect(DialectEthStratum)
		}
	}
	if o := object(m.Result); o != nil {
		t.xmrigResult(req, o)
		return
	}
	if w := ethWork(m.Result); w != nil && (req == "" || req == "eth_getWork") {
		t.dialect(DialectEthProxy)
		t.observe(iJob, "eth_getWork")
		addUnique(&t.s.JobIDs, w[0])
		t.s.SeedHash, t.s.Target = w[1], w[2]
		t.s.Difficulty = Difficulty(w[2])
		if len(w) > 3 {
			if h, err := strconv.ParseInt(strings.TrimPrefix(w[3], "0x"), 16, 64); err == nil && h > 0 {
				t.s.Height = h
			}
		}
	}
}

// xmrigResult handles an object result: a login result with its embedded
// job and extensions, or a getjob answer.
func (t *Tracker) xmrigResult(req string, o map[string]json.RawMessage) {
	job := object(o["job"])
	if job == nil && req == "getjob" && o["blob"] != nil {
		job = o
	}
	for _, e := range stringList(o["extensions"]) {
		if t.s.Dialect == DialectXMRig || job != nil {
			addUnique(&t.s.Extensions, e)
		}
	}
	if job == nil || job["blob"] == nil {
		return
	}
	t.dialect(DialectXMRig)
	method := "login"
	if req == "getjob" {
		method = "getjob"
	}
	t.observe(iJob, method)
	t.xmrigJob(job)
}

// accepted reads a share result: true, or {"status":"OK"}.
func accepted(result json.RawMessage) bool {
	if string(result) == "true" {
		return true
	}
	if o := object(result); o != nil {
		return strings.EqualFold(str(o["status"]), "OK")
	}
	return false
}

func (t *Tracker) setOnce(dst *string, v string) {
	if *dst == "" && v != "" {
		*dst = v
	}
}

func firstOf(a []json.RawMessage) json.RawMessage {
	if len(a) == 0 {
		return nil
	}
	return a[0]
}
