// Package capture reads pcap and pcapng files (plain or gzip) in one
// streaming pass and reports what an analyst needs: conversations, DNS
// answers, TLS SNI, readable strings, reassembled streams and, through
// investigate/stratum, the mining sessions they carry.
package capture

import (
	"time"

	"github.com/minertriage/minertriage/investigate/stratum"
)

// Result is the analysis of one capture. Its JSON form is the contract of
// `minertriage pcap --json` (DESIGN.md).
//
// Stratum over TLS (a ClientHello to a known pool by SNI or address, or to
// a mining port) is kept in StratumTLS, not Stratum: its dialect cannot be
// known, so Dialect is empty, TLS is true and every step is absent with the
// reason; netflow is the evidence. Keeping it apart means every entry of
// Stratum carries one of the contract's dialect names (issue #3).
type Result struct {
	File          string            `json:"file"`
	Format        string            `json:"format"`    // "pcap" | "pcapng"
	LinkType      string            `json:"link_type"` // "Ethernet", "Linux SLL" …
	Packets       int               `json:"packets"`
	Bytes         int64             `json:"bytes"`
	Truncated     bool              `json:"truncated"`
	Warnings      []string          `json:"warnings"`
	Conversations []Conversation    `json:"conversations"`
	DNS           []DNSAnswer       `json:"dns"`
	TLS           []TLSHello        `json:"tls"`
	Stratum       []stratum.Session `json:"stratum"`     // plaintext; Dialect always one of the four names
	StratumTLS    []stratum.Session `json:"stratum_tls"` // Stratum over TLS: no dialect, steps not observable
	Strings       []String          `json:"strings"`
	StringsTotal  int               `json:"strings_total"`         // before the cap
	PacketList    []PacketSummary   `json:"packet_list,omitempty"` // capped; for the workbench
	Streams       []Stream          `json:"streams,omitempty"`     // capped reassembled payloads; for follow-stream
	First         time.Time         `json:"first,omitzero"`
	Last          time.Time         `json:"last,omitzero"`
}

// Conversation is one transport conversation; Client is the side that
// opened it (SYN), else the side sending JSON-RPC requests, else the
// ephemeral port.
type Conversation struct {
	Client        string    `json:"client"`
	Server        string    `json:"server"`
	Proto         string    `json:"proto"` // "tcp" | "udp"
	Packets       int       `json:"packets"`
	Bytes         int64     `json:"bytes"`
	BytesToServer int64     `json:"bytes_to_server"`
	BytesToClient int64     `json:"bytes_to_client"`
	Start         time.Time `json:"start"`
	End           time.Time `json:"end"`
	App           string    `json:"app"` // "stratum/xmrig", "tls", "dns", "http", "json-rpc", "" …
	SNI           string    `json:"sni,omitempty"`
	Gaps          int       `json:"gaps,omitempty"` // reassembly gaps (missing bytes)
}

// DNSAnswer maps a queried name to the addresses answered for it.
type DNSAnswer struct {
	Name    string   `json:"name"`
	Answers []string `json:"answers"`
}

// TLSHello is one TLS ClientHello with its server name.
type TLSHello struct {
	Client string    `json:"client"`
	Server string    `json:"server"`
	SNI    string    `json:"sni"`
	Time   time.Time `json:"time"`
	Frame  int       `json:"frame"`
}

// String is one printable run from a payload. Text is already sanitised.
type String struct {
	Frame int    `json:"frame"`
	From  string `json:"from,omitempty"` // "client" | "server" when known
	Text  string `json:"text"`
}

// PacketSummary is one row of the packet list.
type PacketSummary struct {
	Frame  int       `json:"frame"`
	Time   time.Time `json:"time"`
	Src    string    `json:"src"`
	Dst    string    `json:"dst"`
	Proto  string    `json:"proto"`
	Length int       `json:"length"`
	Flags  string    `json:"flags,omitempty"` // TCP flags "SA", "PA" …
	Layers []string  `json:"layers"`          // ["Ethernet","IPv4","TCP","Payload"]
	Info   string    `json:"info,omitempty"`  // sanitised one-line summary
}

// Stream is the reassembled payload of one TCP conversation, per direction,
// in arrival order (capped).
type Stream struct {
	Client    string        `json:"client"`
	Server    string        `json:"server"`
	Chunks    []StreamChunk `json:"chunks"`
	Truncated bool          `json:"truncated"`
}

// StreamChunk is a contiguous run of bytes from one side.
type StreamChunk struct {
	From  string    `json:"from"` // "client" | "server"
	Frame int       `json:"frame"`
	Time  time.Time `json:"time"`
	Data  []byte    `json:"data"` // raw, untrusted: sanitise to display
}
