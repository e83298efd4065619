package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// XMRig's wire form (formats.md §3.1): members in the order
// JsonRequest::create writes them (id, jsonrpc, method, params), compact
// JSON, one message a line. Pool replies follow nodejs-pool (supportxmr,
// moneroocean) or a Miningcore-like layout (nanopool), so the parser sees
// both key orders.

// algosXMRig6 is the algorithm list XMRig 6.x appends to its login, the
// pool's algorithm first (verbatim from a real XMRig 6.18.1 login).
var algosXMRig6 = []string{"rx/0", "cn/1", "cn/2", "cn/r", "cn/fast", "cn/half", "cn/xao", "cn/rto", "cn/rwz",
	"cn/zls", "cn/double", "cn/ccx", "cn-lite/0", "cn-lite/1", "cn-heavy/0", "cn-heavy/tube", "cn-heavy/xhv",
	"cn-pico", "cn-pico/tlo", "cn/upx2", "cn/0", "rx/wow", "rx/arq", "rx/graft", "rx/sfx", "rx/keva",
	"argon2/chukwa", "argon2/chukwav2", "argon2/ninja", "ghostrider"}

// jsonString quotes s as JSON does for the plain ASCII values used here.
func jsonString(s string) string { return strconv.Quote(s) }

func jsonStrings(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = jsonString(s)
	}
	return "[" + strings.Join(q, ",") + "]"
}

// loginMsg is XMRig's login request (id 1).
func loginMsg(login, pass, agent, rigid string, algos []string) string {
	rig := ""
	if rigid != "" {
		rig = `,"rigid":` + jsonString(rigid)
	}
	return fmt.Sprintf(`{"id":1,"jsonrpc":"2.0","method":"login","params":{"login":%s,"pass":%s,"agent":%s%s,"algo":%s}}`+"\n",
		jsonString(login), jsonString(pass), jsonString(agent), rig, jsonStrings(algos))
}

// job is one mining job as a pool sends it.
type job struct {
	blob, jobID, target, seed, algo string
	height                          int
}

// poolStyle is how a pool lays out its messages.
type poolStyle int

const (
	styleNodejsPool poolStyle = iota // supportxmr, moneroocean
	styleMiningcore                  // nanopool-like
)

func (j job) json(style poolStyle, rpcID string) string {
	if style == styleMiningcore {
		return fmt.Sprintf(`{"blob":%q,"job_id":%q,"target":%q,"height":%d,"seed_hash":%q,"algo":%q}`,
			j.blob, j.jobID, j.target, j.height, j.seed, j.algo)
	}
	return fmt.Sprintf(`{"blob":%q,"algo":%q,"height":%d,"seed_hash":%q,"job_id":%q,"target":%q,"id":%q}`,
		j.blob, j.algo, j.height, j.seed, j.jobID, j.target, rpcID)
}

// loginResult is the pool's answer to login: the rpc id, the first job and
// the extensions it supports.
func loginResult(style poolStyle, rpcID string, j job, extensions []string) string {
	if style == styleMiningcore {
		return fmt.Sprintf(`{"id":1,"jsonrpc":"2.0","result":{"id":%q,"job":%s,"status":"OK"},"error":null}`+"\n",
			rpcID, j.json(style, rpcID))
	}
	return fmt.Sprintf(`{"id":1,"jsonrpc":"2.0","error":null,"result":{"id":%q,"job":%s,"extensions":%s,"status":"OK"}}`+"\n",
		rpcID, j.json(style, rpcID), jsonStrings(extensions))
}

// jobMsg is a job pushed by the pool.
func jobMsg(style poolStyle, rpcID string, j job) string {
	return `{"jsonrpc":"2.0","method":"job","params":` + j.json(style, rpcID) + "}\n"
}

// submitMsg is XMRig's share submission.
func submitMsg(id int, rpcID, jobID, nonce, result, algo string) string {
	return fmt.Sprintf(`{"id":%d,"jsonrpc":"2.0","method":"submit","params":{"id":%q,"job_id":%q,"nonce":%q,"result":%q,"algo":%q}}`+"\n",
		id, rpcID, jobID, nonce, result, algo)
}

// okResult is the pool's answer to submit or keepalived.
func okResult(style poolStyle, id int, status string) string {
	if style == styleMiningcore {
		return fmt.Sprintf(`{"id":%d,"jsonrpc":"2.0","result":{"status":%q},"error":null}`+"\n", id, status)
	}
	return fmt.Sprintf(`{"id":%d,"jsonrpc":"2.0","error":null,"result":{"status":%q}}`+"\n", id, status)
}

// keepaliveMsg is XMRig's keepalived, byte for byte as Client.cpp prints it.
func keepaliveMsg(id int, rpcID string) string {
	return fmt.Sprintf(`{"id":%d,"jsonrpc":"2.0","method":"keepalived","params":{"id":%q}}`+"\n", id, rpcID)
}

// miner describes one XMRig instance and the pool it talks to.
type miner struct {
	login, pass, agent, rigid string
	style                     poolStyle
	extensions                []string
	jobIDs                    func(r *prng) string
	firstTarget, target       string        // vardiff raises the difficulty after the first job
	shareMean                 time.Duration // mean time between shares
	jobMean                   time.Duration // mean time between job pushes
	rtt                       time.Duration
	height                    int
	seed                      string
}

// blob returns a RandomX hashing blob: major/minor version 16, a varint
// time stamp, the previous block hash, a zero nonce, the tree root and the
// transaction count (76 bytes).
func (r *prng) blob(at time.Time) string {
	ts := uint64(at.Unix())
	var v strings.Builder
	for ts >= 0x80 {
		fmt.Fprintf(&v, "%02x", byte(ts)|0x80)
		ts >>= 7
	}
	fmt.Fprintf(&v, "%02x", byte(ts))
	return "1010" + v.String() + r.hex(64) + "00000000" + r.hex(64) + fmt.Sprintf("%02x", r.between(8, 90))
}

// mine simulates an XMRig session on an open connection from t until end:
// login, the login result with the first job, job pushes, shares with
// their results and keepalived when the miner has been idle for 60 s. It
// returns the time of the last message.
func (m *miner) mine(k *tcpConn, r *prng, t, end time.Time) time.Time {
	rpcID := r.uuid()
	half := m.rtt / 2
	t = k.send(t.Add(r.dur(time.Millisecond, 4*time.Millisecond)), true, []byte(loginMsg(m.login, m.pass, m.agent, m.rigid, algosXMRig6)), 0)
	cur := job{blob: r.blob(t), jobID: m.jobIDs(r), target: m.firstTarget, seed: m.seed, algo: "rx/0", height: m.height}
	t = k.send(t.Add(m.rtt+r.dur(2*time.Millisecond, 9*time.Millisecond)), false, []byte(loginResult(m.style, rpcID, cur, m.extensions)), half)
	seq := 1
	lastClient := t
	nextJob := t.Add(r.dur(m.jobMean/3, m.jobMean*5/3))
	nextShare := t.Add(r.dur(m.shareMean/4, m.shareMean*7/4))
	keepalive := false
	for _, e := range m.extensions {
		keepalive = keepalive || e == "keepalive"
	}
	for {
		nextKeep := lastClient.Add(60 * time.Second)
		switch {
		case nextJob.Before(nextShare) && (!keepalive || nextJob.Before(nextKeep)):
			if !nextJob.Before(end) {
				return t
			}
			t = nextJob
			if r.intn(10) < 7 {
				cur.height++
			}
			cur = job{blob: r.blob(t), jobID: m.jobIDs(r), target: m.target, seed: m.seed, algo: "rx/0", height: cur.height}
			k.send(t, false, []byte(jobMsg(m.style, rpcID, cur)), half+r.dur(0, 30*time.Millisecond))
			nextJob = t.Add(r.dur(m.jobMean/3, m.jobMean*5/3))
		case !keepalive || nextShare.Before(nextKeep):
			if !nextShare.Before(end) {
				return t
			}
			t = nextShare
			seq++
			k.send(t, true, []byte(submitMsg(seq, rpcID, cur.jobID, r.hex(8), r.hex(60)+"0000", "rx/0")), 0)
			k.send(t.Add(m.rtt+r.dur(time.Millisecond, 6*time.Millisecond)), false, []byte(okResult(m.style, seq, "OK")), half)
			lastClient = t
			nextShare = t.Add(r.dur(m.shareMean/4, m.shareMean*7/4))
		default:
			if !nextKeep.Before(end) {
				return t
			}
			t = nextKeep
			seq++
			k.send(t, true, []byte(keepaliveMsg(seq, rpcID)), 0)
			k.send(t.Add(m.rtt+r.dur(time.Millisecond, 4*time.Millisecond)), false, []byte(okResult(m.style, seq, "KEEPALIVED")), half)
			lastClient = t
		}
	}
}
