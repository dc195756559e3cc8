package sandbox

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// record is one stored key and its JSON value.
type record struct {
	key   string
	value []byte
}

// store is where the sandbox keeps its data between runs: a flat key space
// of JSON values. The sandbox holds the whole model in memory and uses the
// store only to load it at start and to make each accepted write durable
// before answering it.
type store interface {
	// load calls fn for every record in key order.
	load(fn func(key string, value []byte) error) error
	// apply writes puts and removes dels in one atomic, durable step: when it
	// returns nil the change survives a crash; when it fails nothing changed.
	apply(puts []record, dels []string) error
	close() error
}

// memStore is the store without --data: a map, gone with the process.
// Its records start from base (the seed, rebuilt on demand: a large seed is
// never encoded unless the model must be reloaded), overlaid with every
// write applied since.
type memStore struct {
	mu      sync.Mutex
	base    func() ([]record, error)
	data    map[string][]byte
	deleted map[string]bool // base records deleted since
	closed  bool
}

func newMemStore(base func() ([]record, error)) *memStore {
	return &memStore{base: base, data: map[string][]byte{}, deleted: map[string]bool{}}
}

func (m *memStore) load(fn func(string, []byte) error) error {
	m.mu.Lock()
	base := m.base
	all := make(map[string][]byte, len(m.data))
	maps.Copy(all, m.data)
	deleted := maps.Clone(m.deleted)
	m.mu.Unlock()
	if base != nil {
		recs, err := base()
		if err != nil {
			return err
		}
		for _, r := range recs {
			if _, over := all[r.key]; !over && !deleted[r.key] {
				all[r.key] = r.value
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(all)) {
		if err := fn(k, all[k]); err != nil {
			return err
		}
	}
	return nil
}

func (m *memStore) apply(puts []record, dels []string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return errors.New("store is closed")
	}
	for _, k := range dels {
		delete(m.data, k)
		if m.base != nil {
			m.deleted[k] = true
		}
	}
	for _, r := range puts {
		m.data[r.key] = r.value
		delete(m.deleted, r.key)
	}
	return nil
}

func (m *memStore) close() error {
	m.mu.Lock()
	m.closed = true
	m.mu.Unlock()
	return nil
}

// boltStore keeps the records in one bucket of a bbolt file. bbolt commits
// with fsync and never leaves a torn file: a kill -9 mid-write loses at most
// the transaction in flight, whose request was not yet answered.
type boltStore struct {
	db *bbolt.DB
}

var boltBucket = []byte("sandbox")

// openBolt opens (or creates, 0600) the data file. A file held by another
// running sandbox is reported instead of waited for.
func openBolt(path string) (*boltStore, error) {
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: time.Second, InitialMmapSize: 256 << 20})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("data file %s is locked by another process (is another sandbox using it?)", path)
	}
	if err != nil {
		return nil, fmt.Errorf("open data file %s: %w", path, err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(boltBucket)
		return err
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("prepare data file %s: %w", path, err)
	}
	return &boltStore{db: db}, nil
}

func (b *boltStore) load(fn func(string, []byte) error) error {
	return b.db.View(func(tx *bbolt.Tx) error {
		bk := tx.Bucket(boltBucket)
		if bk == nil {
			return errors.New("data file has no sandbox bucket")
		}
		return bk.ForEach(func(k, v []byte) error {
			return fn(string(k), slices.Clone(v))
		})
	})
}

func (b *boltStore) apply(puts []record, dels []string) error {
	return b.db.Update(func(tx *bbolt.Tx) error {
		bk := tx.Bucket(boltBucket)
		if bk == nil {
			return errors.New("data file has no sandbox bucket")
		}
		for _, k := range dels {
			if err := bk.Delete([]byte(k)); err != nil {
				return fmt.Errorf("delete %s: %w", k, err)
			}
		}
		if len(puts) > 1000 {
			bk.FillPercent = 0.9 // a seed: keys arrive sorted, so pack pages
		}
		for _, r := range puts {
			if err := bk.Put([]byte(r.key), r.value); err != nil {
				return fmt.Errorf("put %s: %w", r.key, err)
			}
		}
		return nil
	})
}

func (b *boltStore) close() error { return b.db.Close() }
