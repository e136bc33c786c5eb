package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSaveAndLoad(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if saved, err := s.Load(ctx); err != nil || saved != nil {
		t.Fatalf("fresh db: %v %v", saved, err)
	}
	if err := s.Save(ctx, []byte(`{"version":1}`), Position{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(ctx, []byte(`{"version":1,"x":2}`), Position{Sequence: 7, Timestamp: 1700000000, Valid: true}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	saved, err := s.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if string(saved.Snapshot) != `{"version":1,"x":2}` || saved.Position != (Position{7, 1700000000, true}) {
		t.Fatalf("loaded %+v", saved)
	}
	var mode string
	s.db.QueryRow("PRAGMA journal_mode").Scan(&mode)
	if mode != "wal" {
		t.Fatalf("journal mode %q", mode)
	}
	var rows int
	s.db.QueryRow("SELECT count(*) FROM " + table).Scan(&rows)
	if rows != 1 {
		t.Fatalf("%d rows, want a single upserted row", rows)
	}
}

func TestOldSchemaIsMigratedAndRestored(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`CREATE TABLE rsigma_correlation_state (id INTEGER PRIMARY KEY CHECK (id = 1),
		snapshot TEXT NOT NULL, updated_at INTEGER NOT NULL);
		INSERT INTO rsigma_correlation_state VALUES (1, '{"version":1,"correlations":[]}', 1700000000)`)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	saved, err := s.Load(ctx)
	if err != nil || saved == nil || !strings.Contains(string(saved.Snapshot), "correlations") || saved.Position.Valid {
		t.Fatalf("old snapshot: %+v %v", saved, err)
	}
	cols, _ := s.strings(ctx, "SELECT name FROM pragma_table_info('"+table+"')")
	if strings.Join(cols, ",") != "id,snapshot,updated_at,source_sequence,source_timestamp" {
		t.Fatalf("columns after migration: %v", cols)
	}
	if err := s.Save(ctx, saved.Snapshot, Position{Sequence: 3, Timestamp: 5, Valid: true}); err != nil {
		t.Fatal(err)
	}
}

func TestOpenRefusesWhatIsNotOurs(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte(strings.Repeat("this is not a database\n", 100)), 0o600)

	foreign := filepath.Join(dir, "app.db")
	db, _ := sql.Open("sqlite", foreign)
	db.Exec("CREATE TABLE users (name TEXT)")
	db.Close()

	wrongTable := filepath.Join(dir, "wrong.db")
	db, _ = sql.Open("sqlite", wrongTable)
	db.Exec("CREATE TABLE rsigma_correlation_state (id INTEGER, blob TEXT)")
	db.Close()

	newer := filepath.Join(dir, "newer.db")
	db, _ = sql.Open("sqlite", newer)
	db.Exec("PRAGMA user_version = 99")
	db.Close()

	corrupt := filepath.Join(dir, "corrupt.db")
	s, err := Open(ctx, corrupt)
	if err != nil {
		t.Fatal(err)
	}
	s.Save(ctx, []byte(strings.Repeat("x", 20000)), Position{})
	s.Close()
	data, _ := os.ReadFile(corrupt)
	for i := 100; i < len(data); i++ {
		data[i] = 0xA5
	}
	os.WriteFile(corrupt, data, 0o600)

	for _, tc := range []struct {
		name, path, want string
		foreign          bool
	}{
		{"text file", text, "corrupt or foreign state database", true},
		{"database of another application", foreign, "holds other tables (users)", true},
		{"table with unexpected columns", wrongTable, "lacks column snapshot", true},
		{"newer schema", newer, "schema version 99 is newer", false},
		{"corrupt pages", corrupt, "", false},
		{"directory", dir, "is a directory", false},
		{"missing parent directory", filepath.Join(dir, "nope", "x.db"), "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open(ctx, tc.path)
			if err == nil {
				s.Close()
				t.Fatal("opened")
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "state db ") {
				t.Fatalf("error %q, want it to name the db and contain %q", err, tc.want)
			}
			t.Log(err)
			if tc.foreign && !errors.Is(err, ErrForeign) {
				t.Fatalf("error %v is not ErrForeign", err)
			}
		})
	}
	if b, _ := os.ReadFile(text); !strings.HasPrefix(string(b), "this is not") {
		t.Fatal("the foreign file was modified")
	}
}
