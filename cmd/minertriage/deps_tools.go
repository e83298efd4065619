//go:build tools

// This file pins the modules the packages are being built on, so parallel
// work never races on go.mod. Remove an import once real code uses it.
package main

import (
	_ "github.com/NimbleMarkets/ntcharts/linechart/timeserieslinechart"
	_ "github.com/charmbracelet/bubbles/table"
	_ "github.com/charmbracelet/bubbletea"
	_ "github.com/charmbracelet/glamour"
	_ "github.com/charmbracelet/lipgloss"
	_ "github.com/charmbracelet/x/ansi"
	_ "github.com/charmbracelet/x/exp/golden"
	_ "github.com/charmbracelet/x/exp/teatest"
	_ "github.com/google/gopacket/pcapgo"
	_ "github.com/muesli/termenv"
	_ "go.etcd.io/bbolt"
	_ "golang.org/x/term"
)
