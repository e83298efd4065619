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
	var p xmrigParams
	switch method {
	case "login", "job", "submit":
		if !p.decode(m.Params) {
			return
		}
	}
	switch method {
	case "login":
		if str(p.Login) == "" || (p.Pass == nil && p.Agent == nil && p.Algo == nil) {
			return
		}
		t.dialect(DialectXMRig)
		t.observe(iLogin, method)
		t.setOnce(&t.s.Login, str(p.Login))
		t.setOnce(&t.s.Password, str(p.Pass))
		t.setOnce(&t.s.Agent, str(p.Agent))
		t.setOnce(&t.s.Worker, str(p.Rigid))
		for _, a := range stringList(p.Algo) {
			addUnique(&t.s.Algorithms, a)
		}
	case "job":
		if p.Blob == nil {
			return
		}
		t.dialect(DialectXMRig)
		t.observe(iJob, method)
		t.xmrigJob(&p.jobFields)
	case "submit":
		if p.JobID == nil || p.Nonce == nil {
			return
		}
		t.dialect(DialectXMRig)
		t.observe(iSubmit, method)
		addUnique(&t.s.Algorithms, str(p.Algo))
	case "keepalived":
		t.dialect(DialectXMRig)
		t.s.Keepalives++
	case "getjob":
		t.dialect(DialectXMRig)
	}
}

// jobFields are the members of a CryptoNote job.
type jobFields struct {
	Blob, JobID, Target, SeedHash, Height json.RawMessage
	Algo                                  json.RawMessage // a string in a job, a list in a login
}

// set records a job member; false if k is not one.
func (j *jobFields) set(k, v []byte) bool {
	switch string(k) {
	case "blob":
		j.Blob = v
	case "job_id":
		j.JobID = v
	case "target":
		j.Target = v
	case "seed_hash":
		j.SeedHash = v
	case "height":
		j.Height = v
	case "algo":
		j.Algo = v
	default:
		return false
	}
	return true
}

func (j *jobFields) decode(raw []byte) bool {
	return members(raw, func(k, v []byte) { j.set(k, v) })
}

// xmrigParams covers login, job and submit params.
type xmrigParams struct {
	jobFields
	Login, Pass, Agent, Rigid, Nonce json.RawMessage
}

func (p *xmrigParams) decode(raw []byte) bool {
	return members(raw, func(k, v []byte) {
		if p.set(k, v) {
			return
		}
		switch string(k) {
		case "login":
			p.Login = v
		case "pass":
			p.Pass = v
		case "agent":
			p.Agent = v
		case "rigid":
			p.Rigid = v
		case "nonce":
			p.Nonce = v
		}
	})
}

// xmrigResult covers a login result (embedded job, extensions) and a
// getjob result (the job itself).
type xmrigResult struct {
	jobFields
	Job, Extensions json.RawMessage
}

func (o *xmrigResult) decode(raw []byte) bool {
	return members(raw, func(k, v []byte) {
		if o.set(k, v) {
			return
		}
		switch string(k) {
		case "job":
			o.Job = v
		case "extensions":
			o.Extensions = v
		}
	})
}

// xmrigJob extracts a CryptoNote job (pushed, or embedded in a login result).
func (t *Tracker) xmrigJob(p *jobFields) {
	addUnique(&t.s.JobIDs, str(p.JobID))
	addUnique(&t.s.Algorithms, str(p.Algo))
	if target := str(p.Target); target != "" {
		t.s.Target = target
		t.s.Difficulty = Difficulty(target)
	}
	if seed := str(p.SeedHash); seed != "" {
		t.s.SeedHash = seed
	}
	if h, ok := number(p.Height); ok && h > 0 {
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
	var o xmrigResult
	if o.decode(m.Result) {
		if req == "" && t.s.Dialect == DialectXMRig && errText == "" && o.Job == nil && o.Blob == nil && accepted(m.Result) {
			// An XMRig pool answers only a submit with a bare
			// {"status":"OK"} (login results carry a job, keepalived says
			// KEEPALIVED): the request was sent before the capture began.
			t.shareResult("submit", true, "")
			return
		}
		t.xmrigResult(req, &o)
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
func (t *Tracker) xmrigResult(req string, o *xmrigResult) {
	var job *jobFields
	var embedded jobFields
	switch {
	case embedded.decode(o.Job) && embedded.Blob != nil:
		job = &embedded
	case req == "getjob" && o.Blob != nil:
		job = &o.jobFields
	}
	for _, e := range stringList(o.Extensions) {
		if t.s.Dialect == DialectXMRig || job != nil {
			addUnique(&t.s.Extensions, e)
		}
	}
	if job == nil {
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
	var status []byte
	if members(result, func(k, v []byte) {
		if string(k) == "status" {
			status = v
		}
	}) {
		return strings.EqualFold(str(status), "OK")
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
