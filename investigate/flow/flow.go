package flow

import (
	"net/netip"
	"time"
)

// Flow is one session between Src (the side that opened it) and Dst.
// Bytes and packets are per direction as seen from Src.
type Flow struct {
	Src     netip.Addr `json:"src"`
	Dst     netip.Addr `json:"dst"`
	SrcPort uint16     `json:"src_port"`
	DstPort uint16     `json:"dst_port"`
	Proto   string     `json:"proto"` // "tcp", "udp", "icmp" …

	Start    time.Time     `json:"start"` // first packet, UTC
	Duration time.Duration `json:"duration"`

	BytesSent       uint64 `json:"bytes_sent"`     // Src → Dst
	BytesReceived   uint64 `json:"bytes_received"` // Dst → Src
	PacketsSent     uint64 `json:"packets_sent"`
	PacketsReceived uint64 `json:"packets_received"`

	App       string `json:"app,omitempty"`        // App-ID, Zeek service, Suricata app_proto
	Action    string `json:"action,omitempty"`     // "allow", "deny", "drop", "reset-both" …
	EndReason string `json:"end_reason,omitempty"` // PAN-OS session end reason, Zeek conn_state
	SessionID uint64 `json:"session_id,omitempty"` // PAN-OS session id
	Serial    string `json:"serial,omitempty"`     // PAN-OS firewall serial
	UID       string `json:"uid,omitempty"`        // Zeek uid or Suricata flow_id
	Source    string `json:"source"`               // format it came from: "panos-traffic", "zeek-conn", "nfdump", "suricata-eve"

	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
}

// End is the time of the last packet.
func (f Flow) End() time.Time { return f.Start.Add(f.Duration) }
