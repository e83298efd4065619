package store

import (
	"bytes"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/minertriage/minertriage/investigate/flow"
)

// Schema history:
//
//	v1  alerts, flows, captures, cache, decisions, first looks, import log.
//	    Alert flow counts were a range scan per alert.
//	v2  adds pair_counts (flows per host pair, so `list` over 100,000 alerts
//	    is one lookup per alert), flows_by_dst (blast radius) and
//	    flows_by_session (TRAFFIC rows joined to THREAT alerts by PAN-OS
//	    serial + session id).
var v1Buckets = [][]byte{bMeta, bAlerts, bAlertIDs, bFlows, bCaptures, bCapBlobs,
	bCapPairs, bCache, bDecisions, bFirstLook, bImports, bFiles, bStrings}

// migrate brings a store at version from up to SchemaVersion inside tx;
// from 0 is a new file.
func migrate(tx *bolt.Tx, from int) error {
	if from == 0 {
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return setSchema(tx, SchemaVersion)
	}
	for v := from; v < SchemaVersion; v++ {
		step, ok := migrations[v]
		if !ok {
			return fmt.Errorf("no migration from schema v%d", v)
		}
		if err := step(tx); err != nil {
			return fmt.Errorf("v%d→v%d: %w", v, v+1, err)
		}
		if err := setSchema(tx, v+1); err != nil {
			return err
		}
	}
	return nil
}

// migrations[v] upgrades a store from v to v+1.
var migrations = map[int]func(tx *bolt.Tx) error{
	1: migrateV1toV2,
}

func setSchema(tx *bolt.Tx, v int) error {
	return tx.Bucket(bMeta).Put(keySchema, binary.BigEndian.AppendUint32(nil, uint32(v)))
}

// migrateV1toV2 builds pair_counts, flows_by_dst and flows_by_session
// from the flows. Flow keys are grouped by pair, so the counts come out in
// key order; the other two are collected and inserted sorted (bbolt inserts
// in random order into one transaction are quadratic).
func migrateV1toV2(tx *bolt.Tx) error {
	buckets := map[string]*bolt.Bucket{}
	for _, name := range [][]byte{bPairCounts, bFlowsByDst, bFlowsBySess} {
		b, err := tx.CreateBucketIfNotExists(name)
		if err != nil {
			return err
		}
		buckets[string(name)] = b
	}
	var sess batch
	dst := map[string]struct{}{}
	var cur []byte
	var n uint64
	flush := func() error {
		if n == 0 {
			return nil
		}
		return buckets[string(bPairCounts)].Put(bytes.Clone(cur), u64(n))
	}
	dt, err := loadDict(tx, false)
	if err != nil {
		return err
	}
	var f flow.Flow
	err = tx.Bucket(bFlows).ForEach(func(k, v []byte) error {
		pl := pairLen(k)
		if pl == 0 {
			return errCorrupt
		}
		if !bytes.Equal(k[:pl], cur) {
			if err := flush(); err != nil {
				return err
			}
			cur, n = append(cur[:0], k[:pl]...), 0
		}
		n++
		if err := decodeFlow(k, v, &f, dt); err != nil {
			return err
		}
		dst[string(appendAddr(appendAddr(nil, f.Dst), f.Src))] = struct{}{}
		if f.Serial != "" && f.SessionID != 0 {
			sess.add(sessRecord(k, pl), nil)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := flush(); err != nil {
		return err
	}
	if err := putKeys(buckets[string(bFlowsByDst)], dst); err != nil {
		return err
	}
	return flushSessions(&sess, buckets[string(bFlowsBySess)])
}
