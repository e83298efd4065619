package ui

import (
	"fmt"
	"strconv"
	"strings"
)

// textLines is the content of the plain text panes (addresses and
// application): the finding's details, then the evidence they rest on.
func (m *caseModel) textLines(s step) []string {
	if m.a == nil {
		return nil
	}
	t := m.c.Theme
	var lines []string
	if f := m.findingFor(s); f != nil {
		for _, d := range f.Details {
			lines = append(lines, wrapLines("• "+d, m.width, "  ")...)
		}
	}
	if len(lines) > 0 {
		lines = append(lines, "")
	}
	kv := func(label, value string) {
		if value == "" || value == "0" || value == "invalid IP" {
			return
		}
		lines = append(lines, t.Label.Render(pad(label, 16))+t.Text.Render(safe(value)))
	}
	a := &m.a.Alert
	switch s {
	case stepAddresses:
		lines = append(lines, t.Header.Render("Alert"))
		kv("source", hostPort(a.Src.String(), a.SrcPort))
		kv("destination", hostPort(a.Dst.String(), a.DstPort))
		kv("protocol", a.Proto)
		if a.NATSrc.IsValid() {
			kv("NAT source", hostPort(a.NATSrc.String(), a.NATSrcPort))
		}
		if a.NATDst.IsValid() {
			kv("NAT destination", hostPort(a.NATDst.String(), a.NATDstPort))
		}
		kv("zones", joinNonEmpty(" → ", a.SrcZone, a.DstZone))
		kv("locations", joinNonEmpty(" → ", a.SrcLoc, a.DstLoc))
		kv("user", a.SrcUser)
		kv("rule", a.Rule)
		kv("direction", a.Direction)
		kv("device", joinNonEmpty(" ", a.Device, a.Serial))
		kv("session id", strconv.FormatUint(a.SessionID, 10))
		kv("repeat", strconv.Itoa(a.Repeat))
		kv("source record", joinNonEmpty(":", a.File, strconv.Itoa(a.Line)))
		kv("log type", a.Source)
		kv("alert id", a.ID)
	case stepApplication:
		lines = append(lines, m.applicationLines()...)
	}
	return lines
}

// applicationLines lists what names the application: App-ID, threat,
// pool names from DNS, SNI and Stratum.
func (m *caseModel) applicationLines() []string {
	t := m.c.Theme
	a := &m.a.Alert
	var lines []string
	kv := func(label, value string) {
		if value != "" {
			lines = append(lines, t.Label.Render(pad(label, 16))+t.Text.Render(safe(value)))
		}
	}
	lines = append(lines, t.Header.Render("Firewall"))
	kv("App-ID", a.App)
	kv("threat", fmt.Sprintf("%s (%d)", a.Threat, a.ThreatID))
	kv("category", a.Category)
	kv("subtype", a.Subtype)
	kv("URL", a.URL)
	if a.Payload != nil {
		kv("payload", string(a.Payload))
	}
	var names []string
	for _, c := range m.a.Captures {
		if c.Result == nil {
			continue
		}
		for _, d := range c.Result.DNS {
			names = append(names, safe(d.Name)+" → "+safe(strings.Join(d.Answers, ", ")))
		}
		for _, h := range c.Result.TLS {
			names = append(names, "TLS SNI "+safe(h.SNI)+" ("+safe(h.Client)+" → "+safe(h.Server)+")")
		}
	}
	if len(names) > 0 {
		lines = append(lines, "", t.Header.Render("Names seen in captures"))
		for _, n := range names {
			lines = append(lines, "  "+n)
		}
	}
	if len(m.a.Sessions) > 0 {
		lines = append(lines, "", t.Header.Render("Stratum"))
	}
	for _, s := range m.a.Sessions {
		methods := map[string]bool{}
		var ms []string
		for _, msg := range s.Messages {
			if msg.Method != "" && !methods[msg.Method] {
				methods[msg.Method] = true
				ms = append(ms, msg.Method)
			}
		}
		kv("dialect", string(s.Dialect)+"  "+s.Client+" → "+s.Server)
		kv("pool host", s.PoolHost)
		kv("agent", s.Agent)
		kv("algorithms", strings.Join(s.Algorithms, ", "))
		kv("methods", strings.Join(ms, ", "))
	}
	if len(m.a.TLSSessions) > 0 {
		lines = append(lines, "", t.Header.Render("Stratum over TLS")+t.Faint.Render("  steps not observable; netflow is the evidence"))
	}
	for _, s := range m.a.TLSSessions {
		kv("session", s.Client+" → "+s.Server)
		kv("pool host", s.PoolHost)
	}
	return lines
}

// joinNonEmpty joins the non-empty parts.
func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" && p != "0" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
