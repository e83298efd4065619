package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// TODO(owner of this command): replace this placeholder.
func newPcapCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "pcap FILE",
		Short: "Analyse one capture without a store",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("pcap: not built yet")
		},
	}
}
