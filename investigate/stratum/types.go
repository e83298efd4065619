// Package stratum reconstructs mining-pool sessions from the reassembled
// bytes of one TCP conversation: JSON-RPC framing, dialect detection and the
// four steps login → job → submit → result.
package stratum

import (
	"encoding/json"
	"time"
)

// Dialect names are part of the JSON contract (DESIGN.md).
type Dialect string

const (
	DialectXMRig      Dialect = "xmrig"      // XMRig / Monero / CryptoNote: login, job, submit, keepalived
	DialectStratumV1  Dialect = "stratum-v1" // Bitcoin Stratum v1: mining.subscribe/authorize/notify/submit
	DialectEthStratum Dialect = "ethstratum" // EthereumStratum/1.0.0 (NiceHash)
	DialectEthProxy   Dialect = "eth-proxy"  // eth_submitLogin, eth_getWork, eth_submitWork
)

// Direction says which side sent bytes.
type Direction int

const (
	FromClient Direction = iota // miner → pool
	FromServer                  // pool → miner
)

// String returns "client" or "server", the JSON spelling.
func (d Direction) String() string {
	if d == FromServer {
		return "server"
	}
	return "client"
}

// StepName is one of the four steps of a mining session.
type StepName string

const (
	StepLogin  StepName = "login"
	StepJob    StepName = "job"
	StepSubmit StepName = "submit"
	StepResult StepName = "result"
)

// Step says whether and how one step of the session was seen.
type Step struct {
	Step     StepName  `json:"step"`
	Observed bool      `json:"observed"`
	Inferred bool      `json:"inferred"` // not seen, but proven by a later step
	Count    int       `json:"count"`
	Time     time.Time `json:"time,omitzero"` // first observation
	Frame    int       `json:"frame"`         // frame of the first observation (1-based), 0 if none
	Method   string    `json:"method"`        // the method that showed it ("login", "mining.notify" …)
	Accepted int       `json:"accepted"`      // result step: shares the pool accepted
	Rejected int       `json:"rejected"`      // result step: shares the pool rejected
	Reason   string    `json:"reason,omitempty"`
}

// Message is one JSON-RPC message of the exchange.
type Message struct {
	Time   time.Time       `json:"time"`
	Frame  int             `json:"frame"` // frame in which the message's last byte arrived
	From   string          `json:"from"`  // "client" | "server"
	Method string          `json:"method"`
	ID     json.RawMessage `json:"id"`  // as sent: number, string or null
	Raw    string          `json:"raw"` // the message text as received (untrusted; capped)

	// InReplyTo is the method of the request this response answers, when the
	// request was seen ("submit" for a share result); empty otherwise.
	InReplyTo string `json:"in_reply_to,omitempty"`
	// Truncated says Raw was cut at MaxRawBytes.
	Truncated bool `json:"truncated,omitempty"`
}

// Session is one reconstructed mining session (one TCP conversation).
type Session struct {
	Client     string   `json:"client"` // "10.0.0.5:49822"
	Server     string   `json:"server"` // "45.9.148.21:80"
	Dialect    Dialect  `json:"dialect"`
	PoolHost   string   `json:"pool_host"`        // from DNS/SNI/subscribe params, filled by capture
	Login      string   `json:"login"`            // wallet or worker
	Worker     string   `json:"worker,omitempty"` // eth-proxy "worker" field ("eth1.0"), rig id
	Password   string   `json:"password"`
	Agent      string   `json:"agent"`
	Algorithms []string `json:"algorithms"`
	Steps      []Step   `json:"steps"` // always four, in order login, job, submit, result

	JobIDs        []string  `json:"job_ids"`    // capped
	Target        string    `json:"target"`     // last target seen
	Difficulty    float64   `json:"difficulty"` // implied by target or set_difficulty
	SeedHash      string    `json:"seed_hash"`
	Height        int64     `json:"height"`
	Extensions    []string  `json:"extensions"`
	Accepted      int       `json:"accepted"`
	Rejected      int       `json:"rejected"`
	RejectErrors  []string  `json:"reject_errors"` // pool error messages ("Stale job!")
	Keepalives    int       `json:"keepalives"`
	Reconnects    []string  `json:"reconnects"` // client.reconnect targets "host:port"
	TLS           bool      `json:"tls"`        // Stratum over TLS: steps not observable
	Messages      []Message `json:"messages"`   // capped, with MessagesTotal
	MessagesTotal int       `json:"messages_total"`

	// Oversized counts messages dropped because they exceeded MaxLineBytes
	// (a flood guard), Malformed those that were not valid JSON.
	Oversized int `json:"oversized,omitempty"`
	Malformed int `json:"malformed,omitempty"`
}
