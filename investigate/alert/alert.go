// Package alert holds the Alert type: one firewall or IDS detection that an
// analyst must triage. Parsers live in investigate/ingest; this package has
// the type and the rules about it (which alerts are coin-miner alerts).
package alert

import (
	"net/netip"
	"time"
)

// Alert is one detection, normalised from any supported source.
type Alert struct {
	// ID is stable across re-imports of the same record: for PAN-OS it is
	// derived from serial + session id + log type + sequence number, for
	// Suricata from flow_id + signature id + timestamp.
	ID     string    `json:"id"`
	Source string    `json:"source"` // "panos-threat", "panos-threat-csv", "suricata-eve"
	Time   time.Time `json:"time"`   // generated time, UTC

	Src     netip.Addr `json:"src"`
	Dst     netip.Addr `json:"dst"`
	SrcPort uint16     `json:"src_port"`
	DstPort uint16     `json:"dst_port"`
	Proto   string     `json:"proto"` // "tcp", "udp", …

	NATSrc     netip.Addr `json:"nat_src,omitzero"`
	NATDst     netip.Addr `json:"nat_dst,omitzero"`
	NATSrcPort uint16     `json:"nat_src_port,omitempty"`
	NATDstPort uint16     `json:"nat_dst_port,omitempty"`

	App       string `json:"app"`        // PAN-OS App-ID ("json-rpc") or Suricata app_proto
	Threat    string `json:"threat"`     // "XMRig Miner Command and Control Traffic Detection"
	ThreatID  int64  `json:"threat_id"`  // 85886, or the Suricata signature id
	Category  string `json:"category"`   // threat category: "cryptominer", "coinminer", "spyware" …
	Subtype   string `json:"subtype"`    // PAN-OS threat/content type: "spyware", "vulnerability" …
	Severity  string `json:"severity"`   // "critical", "high", "medium", "low", "informational"
	Action    string `json:"action"`     // "alert", "reset-both", "drop", "allowed", "blocked" …
	Direction string `json:"direction"`  // "client-to-server", "server-to-client"
	URL       string `json:"url"`        // URL/Filename field (often the pool host for DNS/URL rows)
	Rule      string `json:"rule"`       // security rule name
	SrcUser   string `json:"src_user"`   //
	SrcZone   string `json:"src_zone"`   //
	DstZone   string `json:"dst_zone"`   //
	Device    string `json:"device"`     // firewall or sensor name
	Serial    string `json:"serial"`     // firewall serial number
	SessionID uint64 `json:"session_id"` // PAN-OS session id, joins THREAT to TRAFFIC rows
	Sequence  uint64 `json:"sequence"`   // PAN-OS sequence number
	Repeat    int    `json:"repeat"`     // repeat count
	PCAPID    string `json:"pcap_id"`    // PAN-OS PCAP_ID ("0" when none)
	SrcLoc    string `json:"src_location"`
	DstLoc    string `json:"dst_location"`

	// Payload is the packet payload an IDS recorded (Suricata "payload",
	// base64-decoded). Untrusted bytes: sanitise before display.
	Payload []byte `json:"payload,omitempty"`

	// Where the record came from, for error messages and provenance.
	File string `json:"file"`
	Line int    `json:"line"`
}
