// Package store keeps correlation state snapshots in a SQLite file (WAL
// mode), in the single-row table of daemon.md §10, together with the
// source position (NATS stream sequence and publish time) they cover.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// SchemaVersion is the schema version recorded in PRAGMA user_version.
// Version 1 is the original table without the position columns (user_version
// 0 in files written by older tools); Open migrates it in place.
const SchemaVersion = 2

const table = "rsigma_correlation_state"

// ErrForeign is returned (wrapped) by Open when the file is a database that
// does not belong to us, or is not a SQLite database at all.
var ErrForeign = errors.New("corrupt or foreign state database")

// Store is an open state database. Methods are safe for concurrent use.
type Store struct {
	db   *sql.DB
	path string
}

// Position is the stream position a snapshot covers; Valid is false when no
// NATS message was acknowledged (stored as NULL).
type Position struct {
	Sequence  uint64
	Timestamp int64 // Unix seconds
	Valid     bool
}

// Saved is the stored snapshot row.
type Saved struct {
	Snapshot  []byte
	UpdatedAt time.Time
	Position  Position
}

// Open opens or creates the database at path, enables WAL, creates the table
// or migrates an older one. A corrupt file, a non-SQLite file or a database
// holding other tables is an error: the state is never silently reset.
func Open(ctx context.Context, path string) (*Store, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("state db %s: is a directory", path)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return nil, fmt.Errorf("state db %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	s := &Store{db: db, path: path}
	if err := s.prepare(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("state db %s: %w", path, err)
	}
	return s, nil
}

func (s *Store) prepare(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, "PRAGMA busy_timeout = 5000"); err != nil {
		return err
	}
	var version int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return classify(err)
	}
	if version > SchemaVersion {
		return fmt.Errorf("schema version %d is newer than this program's %d", version, SchemaVersion)
	}
	if err := s.checkIntegrity(ctx); err != nil {
		return err
	}
	if err := s.ensureTable(ctx); err != nil {
		return err
	}
	var mode string
	if err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode); err != nil {
		return classify(err)
	}
	_, err := s.db.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion))
	return err
}

// classify turns SQLite's "not a database" family into ErrForeign.
func classify(err error) error {
	msg := err.Error()
	if strings.Contains(msg, "not a database") || strings.Contains(msg, "malformed") ||
		strings.Contains(msg, "SQLITE_NOTADB") || strings.Contains(msg, "SQLITE_CORRUPT") {
		return fmt.Errorf("%w: %v", ErrForeign, err)
	}
	return err
}

func (s *Store) checkIntegrity(ctx context.Context) error {
	var result string
	if err := s.db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&result); err != nil {
		return classify(err)
	}
	if result != "ok" {
		return fmt.Errorf("%w: integrity check failed: %s", ErrForeign, result)
	}
	return nil
}

// ensureTable creates the table in an empty database, migrates the old
// three-column table, and refuses databases that hold something else.
func (s *Store) ensureTable(ctx context.Context) error {
	tables, err := s.strings(ctx, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
	if err != nil {
		return classify(err)
	}
	var others []string
	found := false
	for _, t := range tables {
		if t == table {
			found = true
		} else {
			others = append(others, t)
		}
	}
	if !found {
		if len(others) > 0 {
			return fmt.Errorf("%w: it holds other tables (%s)", ErrForeign, strings.Join(others, ", "))
		}
		_, err := s.db.ExecContext(ctx, `CREATE TABLE `+table+` (
			id INTEGER PRIMARY KEY CHECK (id = 1),
			snapshot TEXT NOT NULL,
			updated_at INTEGER NOT NULL,
			source_sequence INTEGER,
			source_timestamp INTEGER)`)
		return err
	}
	return s.migrate(ctx)
}

func (s *Store) migrate(ctx context.Context) error {
	cols, err := s.strings(ctx, "SELECT name FROM pragma_table_info('"+table+"')")
	if err != nil {
		return err
	}
	has := map[string]bool{}
	for _, c := range cols {
		has[c] = true
	}
	for _, required := range []string{"id", "snapshot", "updated_at"} {
		if !has[required] {
			return fmt.Errorf("%w: table %s lacks column %s", ErrForeign, table, required)
		}
	}
	for _, add := range []string{"source_sequence", "source_timestamp"} {
		if !has[add] {
			if _, err := s.db.ExecContext(ctx, "ALTER TABLE "+table+" ADD COLUMN "+add+" INTEGER"); err != nil {
				return fmt.Errorf("migrating %s: %w", table, err)
			}
		}
	}
	return nil
}

func (s *Store) strings(ctx context.Context, query string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Load returns the stored snapshot, or nil when none was saved yet.
func (s *Store) Load(ctx context.Context) (*Saved, error) {
	var (
		snap    string
		updated int64
		seq, ts sql.NullInt64
	)
	err := s.db.QueryRowContext(ctx, "SELECT snapshot, updated_at, source_sequence, source_timestamp FROM "+
		table+" WHERE id = 1").Scan(&snap, &updated, &seq, &ts)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("state db %s: loading snapshot: %w", s.path, err)
	}
	saved := &Saved{Snapshot: []byte(snap), UpdatedAt: time.Unix(updated, 0)}
	if seq.Valid {
		saved.Position = Position{Sequence: uint64(seq.Int64), Timestamp: ts.Int64, Valid: true}
	}
	return saved, nil
}

// Save upserts the single snapshot row.
func (s *Store) Save(ctx context.Context, snapshot []byte, pos Position) error {
	var seq, ts any
	if pos.Valid {
		seq, ts = int64(pos.Sequence), pos.Timestamp
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO `+table+` (id, snapshot, updated_at, source_sequence, source_timestamp)
		VALUES (1, ?, ?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET snapshot = excluded.snapshot, updated_at = excluded.updated_at,
			source_sequence = excluded.source_sequence, source_timestamp = excluded.source_timestamp`,
		string(snapshot), time.Now().Unix(), seq, ts)
	if err != nil {
		return fmt.Errorf("state db %s: saving snapshot: %w", s.path, err)
	}
	return nil
}

// Close checkpoints and closes the database.
func (s *Store) Close() error {
	_, _ = s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	return s.db.Close()
}
