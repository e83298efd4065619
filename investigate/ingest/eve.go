package ingest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"time"

	"github.com/minertriage/minertriage/investigate/alert"
	"github.com/minertriage/minertriage/investigate/flow"
)

// Suricata EVE JSON lines (formats.md §2.2): "alert" events become alerts
// and, through the flow object they embed, flows; "flow" events become
// flows; every other event type is counted as skipped.

type eveRecord struct {
	Timestamp string      `json:"timestamp"`
	FlowID    json.Number `json:"flow_id"`
	EventType string      `json:"event_type"`
	SrcIP     string      `json:"src_ip"`
	SrcPort   json.Number `json:"src_port"`
	DestIP    string      `json:"dest_ip"`
	DestPort  json.Number `json:"dest_port"`
	Proto     string      `json:"proto"`
	AppProto  string      `json:"app_proto"`
	Host      string      `json:"host"`
	InIface   string      `json:"in_iface"`
	Direction string      `json:"direction"`
	Payload   string      `json:"payload"`
	Alert     *eveAlert   `json:"alert"`
	Flow      *eveFlow    `json:"flow"`
}

type eveAlert struct {
	Action      string      `json:"action"`
	GID         json.Number `json:"gid"`
	SignatureID json.Number `json:"signature_id"`
	Rev         json.Number `json:"rev"`
	Signature   string      `json:"signature"`
	Category    string      `json:"category"`
	Severity    json.Number `json:"severity"`
}

type eveFlow struct {
	PktsToServer  json.Number `json:"pkts_toserver"`
	PktsToClient  json.Number `json:"pkts_toclient"`
	BytesToServer json.Number `json:"bytes_toserver"`
	BytesToClient json.Number `json:"bytes_toclient"`
	Start         string      `json:"start"`
	End           string      `json:"end"`
	State         string      `json:"state"`
	Reason        string      `json:"reason"`
	Action        string      `json:"action"`
	SrcIP         string      `json:"src_ip"`
	DestIP        string      `json:"dest_ip"`
	SrcPort       json.Number `json:"src_port"`
	DestPort      json.Number `json:"dest_port"`
}

type eveParser struct {
	file string
	o    out
	in   interner
}

func newEVEParser(file string, o out) *eveParser { return &eveParser{file: file, o: o} }

func (p *eveParser) finish() error { return nil }

func (p *eveParser) line(b []byte, no int) error {
	var r eveRecord
	if ok, err := decodeJSONLine(b, &r); !ok {
		return err
	}
	if r.EventType == "" {
		return errors.New("EVE record without event_type")
	}
	switch r.EventType {
	case "alert":
		return p.alert(&r, no)
	case "flow":
		if r.Flow == nil {
			return errors.New("flow event without a flow object")
		}
		f, err := p.flow(&r, no)
		if err != nil {
			return err
		}
		return p.o.flow(f)
	}
	p.o.skip()
	return nil
}

// decodeJSONLine decodes one line of a JSON-lines log (EVE, Zeek JSON)
// into v. ok is false for a blank line (nil error: skipped) and for a
// line that is not a JSON object (the error says why, without the input).
func decodeJSONLine(b []byte, v any) (ok bool, err error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return false, nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, fmt.Errorf("not a JSON object: %v", jsonErr(err))
	}
	return true, nil
}

// jsonErr keeps json's message short and free of the input.
func jsonErr(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("syntax error at byte %d", se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %s has a %s where %s was expected", snippet([]byte(te.Field)), te.Value, te.Type)
	}
	return snippet([]byte(err.Error()))
}

func (p *eveParser) alert(r *eveRecord, no int) error {
	if r.Alert == nil {
		return errors.New("alert event without an alert object")
	}
	t, err := parseISOTime(r.Timestamp)
	if err != nil {
		return fmt.Errorf("timestamp %s is not a time", snippet([]byte(r.Timestamp)))
	}
	src, dst, sport, dport, err := eveEndpoints(r.SrcIP, r.DestIP, r.SrcPort, r.DestPort)
	if err != nil {
		return err
	}
	sid, err := eveUint(r.Alert.SignatureID, "alert.signature_id")
	if err != nil {
		return err
	}
	sev, err := eveUint(r.Alert.Severity, "alert.severity")
	if err != nil {
		return err
	}
	var payload []byte
	if r.Payload != "" {
		if payload, err = base64.StdEncoding.DecodeString(r.Payload); err != nil {
			return errors.New("payload is not base64")
		}
	}
	a := &alert.Alert{
		Source: "suricata-eve", Time: t,
		Src: src, Dst: dst, SrcPort: sport, DstPort: dport, Proto: protoName(r.Proto, &p.in),
		App: p.in.get(r.AppProto), Threat: r.Alert.Signature, ThreatID: int64(sid),
		Category: p.in.get(r.Alert.Category), Severity: eveSeverity(sev), Action: p.in.get(r.Alert.Action),
		Direction: eveDirection(r.Direction), Rule: eveRule(r.Alert), Device: p.in.get(r.Host),
		Payload: payload, File: p.file, Line: no,
	}
	if a.Device == "" {
		a.Device = p.in.get(r.InIface)
	}
	id := make([]byte, 0, 64)
	id = append(id, "eve-"...)
	id = appendSafe(id, r.FlowID.String())
	id = append(id, '-')
	id = strconv.AppendUint(id, sid, 10)
	id = append(id, '-')
	id = strconv.AppendInt(id, t.UnixNano(), 10)
	a.ID = string(id)
	if err := p.o.alert(a); err != nil {
		return err
	}
	if r.Flow == nil {
		return nil
	}
	f, err := p.flow(r, no)
	if err != nil {
		return err
	}
	if f.Duration == 0 && f.Start.Before(t) {
		// An alert's flow is a snapshot: it has lasted at least until now.
		f.Duration = t.Sub(f.Start)
	}
	return p.o.flow(f)
}

// flow converts the flow object of an alert or flow event. The flow's own
// addresses (Suricata 7) win over the event's, which follow the packet
// that fired and may be the server's.
func (p *eveParser) flow(r *eveRecord, no int) (*flow.Flow, error) {
	ef := r.Flow
	srcIP, dstIP, sp, dp := r.SrcIP, r.DestIP, r.SrcPort, r.DestPort
	if ef.SrcIP != "" && ef.DestIP != "" {
		srcIP, dstIP, sp, dp = ef.SrcIP, ef.DestIP, ef.SrcPort, ef.DestPort
	}
	src, dst, sport, dport, err := eveEndpoints(srcIP, dstIP, sp, dp)
	if err != nil {
		return nil, err
	}
	var start, end time.Time
	if ef.Start != "" {
		if start, err = parseISOTime(ef.Start); err != nil {
			return nil, fmt.Errorf("flow.start %s is not a time", snippet([]byte(ef.Start)))
		}
	} else if start, err = parseISOTime(r.Timestamp); err != nil {
		return nil, fmt.Errorf("timestamp %s is not a time", snippet([]byte(r.Timestamp)))
	}
	if ef.End != "" {
		if end, err = parseISOTime(ef.End); err != nil {
			return nil, fmt.Errorf("flow.end %s is not a time", snippet([]byte(ef.End)))
		}
	}
	var n [4]uint64
	for i, v := range []struct {
		num  json.Number
		name string
	}{{ef.BytesToServer, "flow.bytes_toserver"}, {ef.BytesToClient, "flow.bytes_toclient"},
		{ef.PktsToServer, "flow.pkts_toserver"}, {ef.PktsToClient, "flow.pkts_toclient"}} {
		if n[i], err = eveUint(v.num, v.name); err != nil {
			return nil, err
		}
	}
	f := &flow.Flow{
		Src: src, Dst: dst, SrcPort: sport, DstPort: dport, Proto: protoName(r.Proto, &p.in), Start: start,
		BytesSent: n[0], BytesReceived: n[1], PacketsSent: n[2], PacketsReceived: n[3],
		App: p.in.get(r.AppProto), Action: p.in.get(ef.Action), UID: r.FlowID.String(),
		Source: "suricata-eve", File: p.file, Line: no,
	}
	if end.After(start) {
		f.Duration = end.Sub(start)
	}
	f.EndReason = p.in.get(ef.Reason)
	if f.EndReason == "" {
		f.EndReason = p.in.get(ef.State)
	}
	return f, nil
}

func eveEndpoints(srcIP, dstIP string, sp, dp json.Number) (src, dst netip.Addr, sport, dport uint16, err error) {
	if src, err = parseAddr(srcIP); err != nil {
		return src, dst, 0, 0, fmt.Errorf("src_ip %s is not an IP address", snippet([]byte(srcIP)))
	}
	if dst, err = parseAddr(dstIP); err != nil {
		return src, dst, 0, 0, fmt.Errorf("dest_ip %s is not an IP address", snippet([]byte(dstIP)))
	}
	if sport, err = parsePort(sp.String()); err != nil {
		return src, dst, 0, 0, fmt.Errorf("src_port %s is not a port", snippet([]byte(sp.String())))
	}
	if dport, err = parsePort(dp.String()); err != nil {
		return src, dst, 0, 0, fmt.Errorf("dest_port %s is not a port", snippet([]byte(dp.String())))
	}
	return src, dst, sport, dport, nil
}

// eveUint parses a JSON count; absent is 0.
func eveUint(n json.Number, name string) (uint64, error) {
	v, err := parseUint(n.String())
	if err != nil {
		return 0, fmt.Errorf("%s %s is not a count", name, snippet([]byte(n.String())))
	}
	return v, nil
}

// eveSeverity maps Suricata's 1 (highest) … 3 onto the analyst's words.
func eveSeverity(n uint64) string {
	switch n {
	case 0:
		return ""
	case 1:
		return "high"
	case 2:
		return "medium"
	case 3:
		return "low"
	}
	return "informational"
}

// eveDirection maps Suricata 7's alert direction onto PAN-OS's words.
func eveDirection(d string) string {
	switch d {
	case "to_server":
		return "client-to-server"
	case "to_client":
		return "server-to-client"
	}
	return ""
}

// eveRule names the rule as gid:sid:rev, the way Suricata prints it.
func eveRule(a *eveAlert) string {
	if a.SignatureID == "" {
		return ""
	}
	gid := a.GID.String()
	if gid == "" {
		gid = "1"
	}
	rule := gid + ":" + a.SignatureID.String()
	if a.Rev != "" {
		rule += ":" + a.Rev.String()
	}
	return rule
}
