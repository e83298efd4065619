package main

import (
	"github.com/minertriage/minertriage/investigate/casework"
	"github.com/minertriage/minertriage/store"
)

// storePathOrDefault is --store, else $MINERTRIAGE_STORE, else the XDG
// data directory (store.DefaultPath creates it).
func (a *app) storePathOrDefault() (string, error) {
	if a.storePath != "" {
		return a.storePath, nil
	}
	return store.DefaultPath()
}

// openStore opens the store every command shares. Read-only opens (list,
// analyze, export) may run side by side and beside the workbench (which
// holds the store read-only between its writes), but bbolt's file lock
// lets no reader in while a writer (an import, decide) holds the store,
// nor a writer while readers do: either way Open gives up after 2 s with
// one sentence saying which file is busy and what to do.
func (a *app) openStore(readOnly bool) (*store.Store, error) {
	path, err := a.storePathOrDefault()
	if err != nil {
		return nil, err
	}
	return store.Open(path, store.Options{ReadOnly: readOnly})
}

// service is the casework Service over st, recording decisions under
// --analyst or $USER.
func (a *app) service(st *store.Store) *casework.Service {
	return casework.NewService(st, casework.Options{Analyst: a.analystName()})
}
